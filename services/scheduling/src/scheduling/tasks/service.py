"""What waits for the caller in scheduling: swaps, leave, staffing changes, gaps left by agents off post
(PRF-9), handovers and damage reports (HND-10); and, for a team leader's deputy while the leader is on
leave, the leader's signatures, approvals and sign-offs (LEV-7)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.tasks import Task, TaskPage, names_of, page_of, requester
from scheduling import access
from scheduling.handover.models import Handover, HandoverItem, HandoverItemStatus, HandoverQuestion, HandoverStatus
from scheduling.leave import delegation
from scheduling.leave import service as leave_service
from scheduling.leave.models import Leave
from scheduling.org.models import Employee
from scheduling.roster import service as roster_service
from scheduling.roster.models import (
    Assignment,
    ReleasedAssignment,
    Shift,
    StaffingChange,
    StaffingChangeKind,
    StaffingChangeStatus,
)
from scheduling.swap import service as swap_service
from scheduling.swap.models import PENDING, Swap

SERVICE = "scheduling"
_DIRECTORY: Table = Employee.__table__  # type: ignore[assignment]
_SWAP_STEPS = {
    "counterpart": "swap.accept",
    "members": "swap.consent",
    "team_leaders": "swap.sign",
    "manager": "swap.approve",
}


async def my_tasks(session: AsyncSession, *, principal: Principal, now: datetime, limit: int, offset: int) -> TaskPage:
    return page_of(await tasks_of(session, principal, now), limit=limit, offset=offset)


async def tasks_of(session: AsyncSession, principal: Principal, now: datetime) -> list[Task]:
    """Every step of a scheduling workflow that waits for `principal` now."""
    absent = await delegation.absent_leaders(session, principal.employee_id, now)
    return [
        *await _swaps(session, principal, now, absent),
        *await _leave(session, principal, now, absent),
        *await _staffing_changes(session, principal, now),
        *await _handover_items(session, principal),
        *await _handover_questions(session, principal),
        *await _handover_sign_offs(session, principal, now),
        *await _released_gaps(session, principal, now),
        *await _damage_reports(session, principal),
    ]


def _task(**fields: Any) -> Task:
    return Task(service=SERVICE, **fields)


def _for(leader_id: uuid.UUID | None, names: dict[uuid.UUID, str]) -> str:
    """The title's tail when the caller acts for an absent leader (LEV-7)."""
    return f" (for {names.get(leader_id, 'your team leader')}, on leave: you act for them, LEV-7)" if leader_id else ""


async def _swaps(session: AsyncSession, principal: Principal, now: datetime, absent: set[uuid.UUID]) -> list[Task]:
    me = principal.employee_id
    mine = {me} | absent  # a deputy signs for the leader on leave, never on their own swap (LEV-7)
    swaps = (
        await session.scalars(
            select(Swap).where(
                Swap.status.in_(PENDING),
                Swap.earliest_start > now,  # past it the request has expired (SWP-6)
                or_(
                    Swap.counterpart_id == me,
                    Swap.requester_id == me,  # filed on their behalf, a member consents (SWP-8)
                    Swap.requester_leader_id.in_(mine),
                    Swap.counterpart_leader_id.in_(mine),
                    Swap.approver_id == me,
                ),
            )
        )
    ).all()
    waiting: list[tuple[Swap, str, uuid.UUID | None]] = []
    for swap in swaps:
        step, ids = swap_service.awaiting(swap)
        if step and me in ids:
            waiting.append((swap, step, None))
        elif step == "team_leaders" and me not in (swap.requester_id, swap.counterpart_id):
            waiting += [(swap, step, leader) for leader in ids if leader in absent][:1]
    people = [p for s, _, leader in waiting for p in (s.requester_id, s.counterpart_id, s.filed_by, leader) if p]
    names = await names_of(session, people, _DIRECTORY)
    tasks = []
    for swap, step, acting_for in waiting:
        asker, other = names.get(swap.requester_id, "a colleague"), names.get(swap.counterpart_id, "a colleague")
        partner = other if me == swap.requester_id else asker
        filer = names.get(swap.filed_by, "your team leader") if swap.filed_by else "your team leader"
        title = {
            "counterpart": f"Accept or refuse the shift swap {asker} asks you for",
            "members": f"Consent to or refuse the shift swap with {partner} that {filer} filed on your behalf",
            "team_leaders": f"Sign the shift swap of {asker} with {other}{_for(acting_for, names)}",
            "manager": f"Approve or refuse the shift swap of {asker} with {other}",
        }[step]
        since = {"counterpart": swap.created_at, "members": swap.created_at, "team_leaders": swap.accepted_at}.get(
            step
        ) or swap.updated_at
        tasks.append(
            _task(
                kind=_SWAP_STEPS[step],
                object_id=swap.id,
                link=f"/v1/swaps/{swap.id}",
                title=title,
                requested_by=requester(swap.filed_by or swap.requester_id, names),
                since=since,
                due_at=swap.earliest_start,
            )
        )
    return tasks


async def _leave(session: AsyncSession, principal: Principal, now: datetime, absent: set[uuid.UUID]) -> list[Task]:
    me = principal.employee_id
    mine = {me} | absent  # a deputy decides for the leader on leave, never their own request (LEV-7)
    requests = (
        await session.scalars(
            select(Leave).where(
                Leave.status == leave_service.OPEN,
                or_(Leave.first_approver_id.in_(mine), Leave.final_approver_id.in_(mine)),
            )
        )
    ).all()
    waiting = [
        leave
        for leave in requests
        if leave_service.awaiting(leave) == me or (leave_service.awaiting(leave) in absent and leave.employee_id != me)
    ]
    names = await names_of(
        session, [p for leave in waiting for p in (leave.employee_id, leave_service.awaiting(leave))], _DIRECTORY
    )

    def acting(leave: Leave) -> uuid.UUID | None:
        turn = leave_service.awaiting(leave)
        return turn if turn != me else None

    return [
        _task(
            kind="leave.approve",
            object_id=leave.id,
            link=f"/v1/leave/{leave.id}",
            title=(
                f"Approve or refuse the {leave.leave_type} leave of {names.get(leave.employee_id, 'a colleague')}"
                f"{_for(acting(leave), names)}"
            ),
            requested_by=requester(leave.employee_id, names),
            since=leave.first_approved_at
            if leave_service.awaiting(leave) != leave.first_approver_id and leave.first_approved_at
            else leave.promoted_at or leave.created_at,
            due_at=leave.starts_at,
        )
        for leave in waiting
    ] + await _leave_promoted(session, principal)


async def _leave_promoted(session: AsyncSession, principal: Principal) -> list[Task]:
    """The caller's waiting requests that a freed place took to approval (LEV-6): told until decided."""
    promoted = (
        await session.scalars(
            select(Leave).where(
                Leave.employee_id == principal.employee_id,
                Leave.status == leave_service.OPEN,
                Leave.promoted_at.is_not(None),
            )
        )
    ).all()
    return [
        _task(
            kind="leave.promoted",
            object_id=leave.id,
            link=f"/v1/leave/{leave.id}",
            title=(
                f"A place under your team's leave cap freed: your {leave.leave_type} leave now waits for approval "
                "(withdraw it if you no longer need it)"
            ),
            since=leave.promoted_at or leave.updated_at,
            due_at=leave.starts_at,
        )
        for leave in promoted
    ]


async def _staffing_changes(session: AsyncSession, principal: Principal, now: datetime) -> list[Task]:
    rows = (
        await session.execute(
            select(StaffingChange, Shift)
            .join(Shift, Shift.id == StaffingChange.shift_id)
            .where(StaffingChange.status == StaffingChangeStatus.requested, Shift.starts_at > now)
        )
    ).all()
    waiting = [(c, s) for c, s in rows if access.decides_staffing_change(principal, c.approver_id)]
    names = await names_of(session, [c.requested_by for c, _ in waiting], _DIRECTORY)
    return [
        _task(
            kind="staffing_change.decide",
            object_id=change.id,
            link=f"/v1/shifts/{shift.id}",
            title=(
                f"Decide the staffing reduction of the shift {shift.name}: "
                + ("a lower head-count" if change.kind == StaffingChangeKind.reduce_headcount else "someone taken off")
            ),
            requested_by=requester(change.requested_by, names),
            since=change.created_at,
            due_at=shift.starts_at,
        )
        for change, shift in waiting
    ]


async def _handover_items(session: AsyncSession, principal: Principal) -> list[Task]:
    items = (
        await session.scalars(
            select(HandoverItem)
            .join(Handover, Handover.id == HandoverItem.handover_id)
            .where(
                HandoverItem.receiver_id == principal.employee_id,
                HandoverItem.status == HandoverItemStatus.open,
                Handover.status == HandoverStatus.open,
            )
        )
    ).all()
    names = await names_of(session, [item.handed_by for item in items], _DIRECTORY)
    return [
        _task(
            kind="handover.acknowledge",
            object_id=item.id,
            link=f"/v1/handovers/{item.handover_id}",
            title=f"Read back the handover item “{item.title}” and take it over",
            requested_by=requester(item.handed_by, names),
            since=item.created_at,
            due_at=item.due_at,
        )
        for item in items
    ]


async def _handover_questions(session: AsyncSession, principal: Principal) -> list[Task]:
    """Unanswered questions of open handovers whose outgoing shift the caller staffs or whose team they lead."""
    my_shifts = set(
        (
            await session.scalars(
                select(Assignment.shift_id).where(
                    Assignment.employee_id == principal.employee_id, Assignment.active.is_(True)
                )
            )
        ).all()
    )
    rows = (
        await session.execute(
            select(HandoverQuestion, Handover)
            .join(Handover, Handover.id == HandoverQuestion.handover_id)
            .where(HandoverQuestion.answered_at.is_(None), Handover.status == HandoverStatus.open)
            .where(or_(Handover.outgoing_shift_id.in_(my_shifts), Handover.team_id == principal.team_id))
        )
    ).all()
    waiting = [
        question
        for question, handover in rows
        if handover.outgoing_shift_id in my_shifts or access.leads_team(principal, handover.team_id)
    ]
    names = await names_of(session, [q.asked_by for q in waiting], _DIRECTORY)
    return [
        _task(
            kind="handover.answer",
            object_id=question.id,
            link=f"/v1/handovers/{question.handover_id}",
            title=f"Answer {names.get(question.asked_by, 'a colleague')}'s handover question: {question.question[:80]}",
            requested_by=requester(question.asked_by, names),
            since=question.asked_at,
        )
        for question in waiting
    ]


async def _handover_sign_offs(session: AsyncSession, principal: Principal, now: datetime) -> list[Task]:
    """The open handovers of the team the caller leads, or whose leader is on leave with them as deputy (LEV-7)."""
    teams: dict[uuid.UUID, uuid.UUID | None] = dict(await delegation.teams_acted_for(session, principal, now))
    if principal.team_id is not None and access.leads_team(principal, principal.team_id):
        teams[principal.team_id] = None
    if not teams:
        return []
    handovers = (
        await session.scalars(
            select(Handover).where(Handover.team_id.in_(teams), Handover.status == HandoverStatus.open)
        )
    ).all()
    names = await names_of(session, teams.values(), _DIRECTORY)
    return [
        _task(
            kind="handover.sign_off",
            object_id=handover.id,
            link=f"/v1/handovers/{handover.id}",
            title=(
                "Sign off your team's handover"
                if handover.report_published_at
                else "Publish the report of your team's handover and sign it off"
            )
            + _for(teams[handover.team_id], names),
            since=handover.report_published_at or handover.created_at,
        )
        for handover in handovers
    ]


async def _released_gaps(session: AsyncSession, principal: Principal, now: datetime) -> list[Task]:
    """Shifts of the caller's team left short by an agent taken off post (PRF-9), until staffed again or begun."""
    if principal.team_id is None or not access.leads_team(principal, principal.team_id):
        return []
    rows = (
        await session.execute(
            select(ReleasedAssignment, Shift)
            .join(Shift, Shift.id == ReleasedAssignment.shift_id)
            .where(ReleasedAssignment.team_id == principal.team_id, Shift.starts_at > now)
            .order_by(Shift.starts_at, ReleasedAssignment.released_at)
        )
    ).all()
    released: dict[Any, tuple[Shift, list[ReleasedAssignment]]] = {}
    for row, shift in rows:
        released.setdefault(shift.id, (shift, []))[1].append(row)
    names = await names_of(session, [r.employee_id for _, rs in released.values() for r in rs], _DIRECTORY)
    tasks = []
    for shift, rows_of_shift in released.values():
        missing = shift.required_headcount - await roster_service.staffed(session, shift.id)
        if missing <= 0:
            continue
        who = ", ".join(names.get(r.employee_id, "an agent") for r in rows_of_shift)
        tasks.append(
            _task(
                kind="roster.fill_gap",
                object_id=shift.id,
                link=f"/v1/shifts/{shift.id}",
                title=f"Roster {missing} more on {shift.name}: {who} went off post for training (PRF-9)",
                since=max(r.released_at for r in rows_of_shift),
                due_at=shift.starts_at,
            )
        )
    return tasks


async def _damage_reports(session: AsyncSession, principal: Principal) -> list[Task]:
    """Equipment damage recorded at a handover, for the duty manager it was reported to (HND-10)."""
    if not access.is_manager(principal):
        return []
    handovers = (
        await session.scalars(
            select(Handover).where(
                Handover.equipment_ok.is_(False),
                Handover.report_published_at.is_not(None),
                Handover.damage_acknowledged_at.is_(None),
            )
        )
    ).all()
    waiting = [h for h in handovers if access.receives_damage_report(principal, h.damage_reported_to)]
    names = await names_of(session, [h.report_published_by for h in waiting], _DIRECTORY)
    return [
        _task(
            kind="handover.damage_acknowledge",
            object_id=handover.id,
            link=f"/v1/handovers/{handover.id}",
            title=f"Equipment damage reported at a handover: {(handover.equipment_damage or '')[:80]}",
            requested_by=requester(handover.report_published_by, names),
            since=handover.report_published_at or handover.created_at,
        )
        for handover in waiting
    ]
