"""Shift swaps: request → counterpart accepts → both team leaders sign → manager approves (SWP-1..6); a swap
filed on behalf of two members, who each consent unless the duty manager approves it as an emergency (SWP-8);
the swap an open-board offer opens when it is taken, a give-away included (SWP-7, `scheduling.offer`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.scheduling import (
    ShiftGivenAwayV1,
    SwapAcceptedV1,
    SwapApprovedV1,
    SwapCancelledV1,
    SwapExpiredV1,
    SwapRejectedV1,
    SwapReversedV1,
    SwapSignedV1,
)
from callcenter_shared.db import get_or_404, lock_rows
from callcenter_shared.deadlines import Due
from callcenter_shared.errors import Conflict, Forbidden, NotFound, RuleViolation
from callcenter_shared.i18n import t
from scheduling import access
from scheduling.holiday import service as holiday
from scheduling.offer import closing as offers
from scheduling.org.models import Employee
from scheduling.roster.models import Assignment, Shift
from scheduling.settings import Settings
from scheduling.swap import deputy, lists
from scheduling.swap.eligibility import check_rules
from scheduling.swap.models import PENDING, STEP_NAMES, Swap, SwapStatus, SwapStep

EXPIRE = "swap.expire"


class OutOfOrder(RuleViolation):
    rule = "SWP-3"


class NoLongerOpen(RuleViolation):
    rule = "SWP-6"


class HolidayNeedsHead(RuleViolation):
    rule = "ROS-3"


async def get(session: AsyncSession, swap_id: uuid.UUID, *, lock: bool = False) -> Swap:
    """The swap; with `lock`, its row stays locked until commit so two deciders cannot race (PostgreSQL)."""
    return await get_or_404(
        session, Swap, swap_id, missing=t("Swap {swap_id} does not exist.", swap_id=swap_id), lock=lock
    )


async def lock_people(session: AsyncSession, employee_ids: Sequence[uuid.UUID]) -> None:
    """Hold the employees' rows until commit: whatever changes whose shifts they are waits its turn."""
    await lock_rows(session, Employee.id, employee_ids)


async def read(session: AsyncSession, *, principal: Principal, swap_id: uuid.UUID, now: datetime) -> Swap:
    """The swap, for its parties, their leaders and those who see them, and a leader's deputy (LEV-7)."""
    swap = await get(session, swap_id)
    if principal.employee_id not in _actors(swap) and not await deputy.may_read(session, principal, swap, now):
        await access.require_visible(session, principal, swap.requester_id, swap.counterpart_id)
    return swap


def _actors(swap: Swap) -> set[uuid.UUID]:
    people = (
        swap.requester_id,
        swap.counterpart_id,
        swap.requester_leader_id,
        swap.counterpart_leader_id,
        swap.approver_id,
        swap.filed_by,
        swap.emergency_approved_by,
    )
    return {i for i in people if i is not None}


def awaiting(swap: Swap) -> tuple[str | None, list[uuid.UUID]]:
    """Whose turn it is: the counterpart (or, filed on behalf, the members still to consent: SWP-8), the team
    leader(s) still to sign, the manager, or nobody."""
    if swap.status == SwapStatus.requested:
        if swap.filed_by is not None:
            consents = (
                (swap.requester_id, swap.requester_consented_at),
                (swap.counterpart_id, swap.counterpart_consented_at),
            )
            return "members", [person for person, at in consents if at is None]
        return "counterpart", [swap.counterpart_id]
    if swap.status == SwapStatus.accepted:
        missing = []
        if swap.requester_leader_signed_at is None and swap.requester_leader_id is not None:
            missing.append(swap.requester_leader_id)
        if swap.counterpart_leader_signed_at is None and swap.counterpart_leader_id is not None:
            missing.append(swap.counterpart_leader_id)
        return "team_leaders", list(dict.fromkeys(missing))
    if swap.status == SwapStatus.signed:
        return "manager", [swap.approver_id] if swap.approver_id else []
    return None, []


async def history(session: AsyncSession, swap_id: uuid.UUID) -> Sequence[SwapStep]:
    return (await lists.histories(session, [swap_id]))[swap_id]


def step(
    session: AsyncSession, swap: Swap, action: str, actor: uuid.UUID | None, now: datetime, reason: str | None,
    *, acting_for: uuid.UUID | None = None,
) -> None:  # fmt: skip
    """One more line of the swap's history."""
    session.add(
        SwapStep(swap_id=swap.id, action=action, actor_id=actor, acting_for_id=acting_for, reason=reason, at=now)
    )
    swap.updated_at = now


async def assignment(session: AsyncSession, assignment_id: uuid.UUID) -> tuple[Assignment, Shift]:
    """The assignment and its shift, read afresh: a lock taken since may guard a newer state."""
    row = (
        await session.execute(
            select(Assignment, Shift)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(Assignment.id == assignment_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise NotFound(t("Assignment {assignment_id} does not exist.", assignment_id=assignment_id))
    return row[0], row[1]


async def on_holiday(session: AsyncSession, settings: Settings, *shifts: Shift) -> bool:
    zone = ZoneInfo(settings.timezone)
    for shift in shifts:
        start = shift.starts_at.astimezone(zone).date()
        end = shift.ends_at.astimezone(zone).date()
        if await holiday.holidays_between(session, settings, start, end):
            return True
    return False


def require_open(swap: Swap, now: datetime, *statuses: str) -> None:
    if swap.status not in statuses:
        if swap.status in PENDING:
            waiting_for, _ = awaiting(swap)
            raise OutOfOrder(t("The swap is waiting for {step}, not for this step.", step=STEP_NAMES[waiting_for]))
        raise NoLongerOpen(t("The swap is already {status}.", status=swap.status))
    if now >= swap.earliest_start:
        raise NoLongerOpen(t("The earlier shift has started: the request has expired."))


async def accept(session: AsyncSession, *, principal: Principal, swap_id: uuid.UUID, now: datetime) -> Swap:
    """The counterpart registers the swap too (SWP-3); filed on behalf, each member consents (SWP-8)."""
    swap = await get(session, swap_id, lock=True)
    me = principal.employee_id
    if swap.filed_by is None and me != swap.counterpart_id:
        raise Forbidden(t("Only the colleague named in the request may accept it."))
    if swap.filed_by is not None and me not in (swap.requester_id, swap.counterpart_id):
        raise Forbidden(t("Only the two members the swap was filed for may consent to it."))
    require_open(swap, now, SwapStatus.requested)
    if swap.filed_by is not None:
        if me not in awaiting(swap)[1]:
            raise Conflict(t("You have already consented to this swap."))
        if me == swap.requester_id:
            swap.requester_consented_at = now
        else:
            swap.counterpart_consented_at = now
        step(session, swap, "consented", me, now, None)
        if awaiting(swap)[1]:
            await session.flush()
            return swap
    else:
        step(session, swap, "accepted", me, now, None)
    swap.status = SwapStatus.accepted
    swap.accepted_at = now
    await outbox.add(
        session, SwapAcceptedV1(swap_id=swap.id, counterpart_id=swap.counterpart_id, accepted_at=now), at=now
    )
    await session.flush()
    return swap


async def sign(session: AsyncSession, *, principal: Principal, swap_id: uuid.UUID, now: datetime) -> Swap:
    """A team leader of either party signs, in any order (SWP-3); their deputy for them while they are on leave."""
    swap = await get(session, swap_id, lock=True)
    leaders = (swap.requester_leader_id, swap.counterpart_leader_id)
    signer, acting_for = await deputy.turn(session, principal, swap, leaders, now)  # LEV-7
    if signer is None:
        raise Forbidden(t("Only the team leaders of the two employees may sign this swap."))
    require_open(swap, now, SwapStatus.accepted)
    _, waiting = awaiting(swap)
    if signer not in waiting:
        raise Conflict(t("You have already signed this swap."))
    if swap.requester_leader_id == signer:
        swap.requester_leader_signed_at = now
    if swap.counterpart_leader_id == signer:
        swap.counterpart_leader_signed_at = now
    if not awaiting(swap)[1]:
        swap.status = SwapStatus.signed
    step(session, swap, "signed", principal.employee_id, now, None, acting_for=acting_for)
    await outbox.add(
        session,
        SwapSignedV1(swap_id=swap.id, leader_id=principal.employee_id, signed_at=now, acting_for_id=acting_for),
        at=now,
    )
    await session.flush()
    return swap


async def held(session: AsyncSession, swap: Swap) -> tuple[tuple[Assignment, Shift], tuple[Assignment, Shift] | None]:
    """The swap's assignments as they now stand: the requester's, and the counterpart's (None: a give-away)."""
    mine = await assignment(session, swap.requester_assignment_id)
    theirs = None
    if swap.counterpart_assignment_id is not None:
        theirs = await assignment(session, swap.counterpart_assignment_id)
    return mine, theirs


async def approve(
    session: AsyncSession,
    *,
    principal: Principal,
    swap_id: uuid.UUID,
    holiday_reason: str | None,
    settings: Settings,
    now: datetime,
) -> Swap:
    """The department manager approves; the assignments change hands in this transaction (a give-away: the
    requester's passes to the counterpart, SWP-7)."""
    # Approvals of different swaps of the same person would each count the month's approved
    # swaps before the other commits (SWP-4) and each check the roster without the other's
    # change (SWP-5): lock the two people first, in id order, then the swap as it now stands.
    pending = await get(session, swap_id)
    await lock_people(session, [pending.requester_id, pending.counterpart_id])
    swap = await get(session, swap_id, lock=True)
    if principal.employee_id != swap.approver_id:
        raise Forbidden(t("Only the department manager named on the request may approve it."))
    require_open(swap, now, SwapStatus.signed)
    mine, theirs = await held(session, swap)
    holders = [(mine, swap.requester_id), *([(theirs, swap.counterpart_id)] if theirs is not None else [])]
    for (held_assignment, shift), holder in holders:
        if not held_assignment.active or held_assignment.employee_id != holder:
            raise Conflict(
                t("The roster changed since the request: the assignment on {name} is no longer held.", name=shift.name)
            )
    # A center holiday may have been added since the request.
    swap.on_holiday = swap.on_holiday or await on_holiday(session, settings, *(s for (_, s), _ in holders))
    if swap.on_holiday and not holiday_reason:
        raise HolidayNeedsHead(
            t(
                "One of the shifts falls on a public holiday: only the department head may allow it, and "
                "the approval must give a reason (holiday_reason)."
            )
        )
    requester = await access.employee(session, swap.requester_id)
    counterpart = await access.employee(session, swap.counterpart_id)
    await check_rules(
        session,
        requester=requester,
        counterpart=counterpart,
        mine=mine,
        theirs=theirs,
        settings=settings,
        earliest=swap.earliest_start,
    )
    mine[0].employee_id = counterpart.id
    mine[0].updated_at = now
    if theirs is not None:
        theirs[0].employee_id = requester.id
        theirs[0].updated_at = now
    swap.status = SwapStatus.approved
    swap.approved_at = now
    swap.holiday_reason = holiday_reason if swap.on_holiday else None
    step(session, swap, "approved", principal.employee_id, now, swap.holiday_reason)
    await deadlines.cancel(session, ref_id=swap.id, now=now, kind=EXPIRE)
    await session.flush()
    await cancel_for_assignments(
        session,
        assignment_ids=[a.id for (a, _), _ in holders],
        reason="Another swap of the same assignment was approved.",
        now=now,
        keep=swap.id,
    )
    if theirs is None:
        event: SwapApprovedV1 | ShiftGivenAwayV1 = ShiftGivenAwayV1(
            swap_id=swap.id,
            offer_id=swap.offer_id,
            giver_id=swap.requester_id,
            taker_id=swap.counterpart_id,
            assignment_id=mine[0].id,
            shift_id=mine[1].id,
            approved_by=principal.employee_id,
            approved_at=now,
        )
    else:
        event = SwapApprovedV1(
            swap_id=swap.id,
            requester_id=swap.requester_id,
            counterpart_id=swap.counterpart_id,
            requester_assignment_id=swap.requester_assignment_id,
            counterpart_assignment_id=theirs[0].id,
            approved_by=principal.employee_id,
            approved_at=now,
        )
    await outbox.add(session, event, at=now)
    return swap


async def reject(
    session: AsyncSession, *, principal: Principal, swap_id: uuid.UUID, reason: str, now: datetime
) -> Swap:
    """Whoever's turn it is refuses, with a reason (a member of a swap filed on their behalf too: SWP-8)."""
    swap = await get(session, swap_id, lock=True)
    require_open(swap, now, *PENDING)
    waiting_for, waiting = awaiting(swap)
    turn, acting_for = await deputy.turn(session, principal, swap, waiting, now)
    if turn is None or waiting_for is None:
        raise Forbidden(t("Only the person whose turn it is may refuse this swap now."))
    swap.status = SwapStatus.rejected
    swap.closed_by = principal.employee_id
    swap.closed_at = now
    swap.close_reason = reason
    step(session, swap, "rejected", principal.employee_id, now, reason, acting_for=acting_for)
    await deadlines.cancel(session, ref_id=swap.id, now=now, kind=EXPIRE)
    step_name = {"team_leaders": "team_leader", "members": "counterpart"}.get(waiting_for, waiting_for)
    await outbox.add(
        session,
        SwapRejectedV1(
            swap_id=swap.id, rejected_by=principal.employee_id, step=step_name, reason=reason, rejected_at=now
        ),
        at=now,
    )
    await session.flush()
    return swap


async def withdraw(session: AsyncSession, *, principal: Principal, swap_id: uuid.UUID, now: datetime) -> Swap:
    """The requester (or the team leader who filed it on behalf, SWP-8) withdraws it, until approved (SWP-6)."""
    swap = await get(session, swap_id, lock=True)
    if principal.employee_id not in (swap.requester_id, swap.filed_by):
        raise Forbidden(t("Only the requester (or the team leader who filed it) may withdraw a swap request."))
    if swap.status not in PENDING:
        raise NoLongerOpen(t("A swap can be withdrawn only until it is approved; it is {status}.", status=swap.status))
    by_filer = principal.employee_id != swap.requester_id
    reason = "Withdrawn by the team leader who filed it." if by_filer else "Withdrawn by the requester."
    await _cancel(session, swap, by=principal.employee_id, reason=reason, now=now)
    return swap


async def _cancel(session: AsyncSession, swap: Swap, *, by: uuid.UUID | None, reason: str, now: datetime) -> None:
    swap.status = SwapStatus.cancelled
    swap.closed_by = by
    swap.closed_at = now
    swap.close_reason = reason
    step(session, swap, "cancelled", by, now, reason)
    await deadlines.cancel(session, ref_id=swap.id, now=now, kind=EXPIRE)
    await outbox.add(
        session, SwapCancelledV1(swap_id=swap.id, cancelled_by=by, reason=reason, cancelled_at=now), at=now
    )
    await session.flush()


async def cancel_for_assignments(
    session: AsyncSession,
    *,
    assignment_ids: Sequence[uuid.UUID],
    reason: str,
    now: datetime,
    keep: uuid.UUID | None = None,
) -> list[Swap]:
    """Cancel every pending swap, and every open offer on the board (SWP-7), on these assignments: they changed
    underneath it."""
    if not assignment_ids:
        return []
    query = select(Swap).where(
        Swap.status.in_(PENDING),
        or_(
            Swap.requester_assignment_id.in_(list(assignment_ids)),
            Swap.counterpart_assignment_id.in_(list(assignment_ids)),
        ),
    )
    if keep is not None:
        query = query.where(Swap.id != keep)
    # Locked and read afresh: a swap accepted or signed meanwhile must not be overwritten from a stale copy.
    query = query.order_by(Swap.id).with_for_update().execution_options(populate_existing=True)
    swaps = list((await session.scalars(query)).all())
    for swap in swaps:
        await _cancel(session, swap, by=None, reason=f"The roster changed: {reason}", now=now)
    await offers.cancel_open(session, assignment_ids=assignment_ids, reason=f"The roster changed: {reason}", now=now)
    return swaps


async def expire(session: AsyncSession, due: Due, now: datetime) -> None:
    """Deadline handler: a request still pending when the earlier shift starts expires (SWP-6)."""
    swap = await session.scalar(
        select(Swap).where(Swap.id == uuid.UUID(due.ref_id)).with_for_update().execution_options(populate_existing=True)
    )
    if swap is None or swap.status not in PENDING:
        return
    swap.status = SwapStatus.expired
    swap.closed_at = now
    swap.close_reason = "Unanswered when the earlier shift started."
    step(session, swap, "expired", None, now, swap.close_reason)
    await outbox.add(session, SwapExpiredV1(swap_id=swap.id, expired_at=now), at=now)
    await session.flush()


async def reverse(
    session: AsyncSession, *, principal: Principal, swap_id: uuid.UUID, reason: str, settings: Settings, now: datetime
) -> Swap:
    """A manager undoes an approved swap (or give-away) before the earlier shift starts; the history keeps both."""
    # The two people's shifts change again: the same order of locks as `approve`.
    pending = await get(session, swap_id)
    await lock_people(session, [pending.requester_id, pending.counterpart_id])
    swap = await get(session, swap_id, lock=True)
    access.require_swap_reverser(principal, settings.swap_approver_level)
    if swap.status != SwapStatus.approved:
        raise Conflict(t("Only an approved swap can be reversed; this one is {status}.", status=swap.status))
    if now >= swap.earliest_start:
        raise Conflict(t("The earlier shift has started: the swap can no longer be reversed."))
    mine, theirs = await held(session, swap)
    unchanged = mine[0].active and mine[0].employee_id == swap.counterpart_id
    if theirs is not None:
        unchanged = unchanged and theirs[0].active and theirs[0].employee_id == swap.requester_id
    if not unchanged:
        raise Conflict(t("The roster changed since the swap was approved; fix the roster instead."))
    mine[0].employee_id = swap.requester_id
    mine[0].updated_at = now
    if theirs is not None:
        theirs[0].employee_id = swap.counterpart_id
        theirs[0].updated_at = now
    swap.status = SwapStatus.reversed
    swap.reversed_by = principal.employee_id
    swap.reversed_at = now
    swap.reversal_reason = reason
    step(session, swap, "reversed", principal.employee_id, now, reason)
    await outbox.add(
        session,
        SwapReversedV1(swap_id=swap.id, reversed_by=principal.employee_id, reason=reason, reversed_at=now),
        at=now,
    )
    await session.flush()
    return swap
