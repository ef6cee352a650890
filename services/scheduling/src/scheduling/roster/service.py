"""The 24-hour roster: shifts, assignments and staffing reductions (ROS-1, ROS-2, ROS-4, ROS-5, ORG-3, PRF-9).

Coverage is in `coverage.py`, the skills a shift requires in `skills.py`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.concurrency import Precondition, check
from callcenter_shared.db import get_for_update, get_or_404
from callcenter_shared.errors import Conflict, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from scheduling import access
from scheduling.org.models import Employee, Team
from scheduling.roster import posts, skills
from scheduling.roster.models import Assignment, Shift, StaffingChange, StaffingChangeKind, StaffingChangeStatus
from scheduling.roster.schemas import ShiftCreate, ShiftUpdate, StaffingChangeCreate
from scheduling.settings import Settings
from scheduling.swap import eligibility
from scheduling.swap import service as swaps


class StaffingReductionNeedsApproval(RuleViolation):
    rule = "ROS-2"


class NotCertified(RuleViolation):
    rule = "ORG-3"


class RosterLimit(RuleViolation):
    """A direct assignment obeys what a swap obeys, and a shift is neither in the past nor ambiguous (ROS-4)."""

    rule = "ROS-4"


async def get_shift(session: AsyncSession, shift_id: uuid.UUID, *, lock: bool = False) -> Shift:
    """The shift; with `lock`, its row stays locked until commit, so changes to it apply one after another."""
    return await get_or_404(
        session, Shift, shift_id, missing=t("Shift {shift_id} does not exist.", shift_id=shift_id), lock=lock
    )


async def get_assignment(session: AsyncSession, assignment_id: uuid.UUID) -> Assignment:
    return await get_or_404(
        session,
        Assignment,
        assignment_id,
        missing=t("Assignment {assignment_id} does not exist.", assignment_id=assignment_id),
    )


async def staffed(session: AsyncSession, shift_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.shift_id == shift_id, Assignment.active.is_(True))
    )
    return int(count or 0)


def shift_times(data: ShiftCreate, settings: Settings) -> tuple[datetime, datetime]:
    """UTC start and end; a start equal to the end is a 24-hour shift only when `full_day` says so (ROS-4)."""
    if data.starts_at is not None and data.ends_at is not None:
        start, end = data.starts_at.astimezone(UTC), data.ends_at.astimezone(UTC)
    else:
        assert data.day is not None
        assert data.start_time is not None
        assert data.end_time is not None
        center = ZoneInfo(settings.timezone)
        start = datetime.combine(data.day, data.start_time, tzinfo=center)
        end_day = data.day if data.end_time > data.start_time else data.day + timedelta(days=1)
        end = datetime.combine(end_day, data.end_time, tzinfo=center)
        if data.end_time == data.start_time:
            end = start  # the same time of day: 24 hours only if said explicitly, below
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    if start == end:
        if not data.full_day:
            raise RosterLimit(
                t(
                    "The shift starts when it ends. Send `full_day: true` for a 24-hour shift; otherwise give "
                    "its real end."
                )
            )
        end = start + timedelta(hours=24)
    return start, end


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput(
            t("A shift must end after it starts."),
            errors=[{"path": "body.ends_at", "message": "not after starts_at", "type": "value_error"}],
        )
    if ends_at - starts_at > timedelta(hours=24):
        raise InvalidInput(
            t("A shift lasts at most 24 hours."),
            errors=[{"path": "body.ends_at", "message": "longer than 24 h", "type": "value_error"}],
        )


def _not_in_the_past(starts_at: datetime, now: datetime) -> None:
    if starts_at < now:
        raise RosterLimit(
            t(
                "A shift cannot start in the past ({starts_at:%Y-%m-%d %H:%M} UTC is before now, "
                "{now:%Y-%m-%d %H:%M} UTC).",
                starts_at=starts_at,
                now=now,
            )
        )


async def _check_duty_manager(session: AsyncSession, duty_manager_id: uuid.UUID | None) -> None:
    if duty_manager_id is None:
        return
    manager = await session.get(Employee, duty_manager_id)
    if manager is None or not access.may_be_duty_manager(manager):
        raise InvalidInput(
            t("The duty manager must be an active employee of level 3 or above."),
            errors=[{"path": "body.duty_manager_id", "message": "not a duty manager", "type": "value_error"}],
        )


async def create_shift(
    session: AsyncSession,
    *,
    principal: Principal,
    data: ShiftCreate,
    settings: Settings,
    now: datetime,
    rotation: tuple[uuid.UUID, str] | None = None,
) -> Shift:
    """Add a shift to a team's roster (ROS-1); `rotation` is the rotation and the key (day and slot) it was
    generated for, unique per rotation (ROS-6)."""
    access.require_team_manager(principal, data.team_id)
    if await session.get(Team, data.team_id) is None:
        raise InvalidInput(
            t("The team {team_id} does not exist.", team_id=data.team_id),
            errors=[{"path": "body.team_id", "message": "unknown team", "type": "unknown_reference"}],
        )
    starts_at, ends_at = shift_times(data, settings)
    _check_times(starts_at, ends_at)
    _not_in_the_past(starts_at, now)
    await _check_duty_manager(session, data.duty_manager_id)
    await skills.require_known(session, data.required_skills)
    shift = Shift(
        id=uuid.uuid4(),
        team_id=data.team_id,
        name=data.name,
        starts_at=starts_at,
        ends_at=ends_at,
        required_headcount=data.required_headcount,
        required_skills=skills.encode(data.required_skills),
        call_taking=data.call_taking,
        duty_manager_id=data.duty_manager_id,
        rotation_id=rotation[0] if rotation else None,
        rotation_key=rotation[1] if rotation else None,
        created_by=principal.employee_id,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(shift)
    await session.flush()
    return shift


async def update_shift(
    session: AsyncSession,
    *,
    principal: Principal,
    shift_id: uuid.UUID,
    data: ShiftUpdate,
    now: datetime,
    if_match: Precondition | None = None,
) -> Shift:
    """Edit a shift; staffing may only go up here (ROS-2), and moved times cancel pending swaps on it."""
    shift = await get_shift(session, shift_id, lock=True)
    access.require_team_manager(principal, shift.team_id)
    check(if_match, shift.version, t("Shift {name}", name=shift.name))
    changes = data.model_dump(exclude_unset=True)
    headcount = changes.get("required_headcount")
    if headcount is not None and headcount < shift.required_headcount:
        raise StaffingReductionNeedsApproval(
            t(
                "Reducing the head-count of {name} from {required_headcount} to {headcount} needs the duty "
                "manager's approval: request a staffing change instead.",
                name=shift.name,
                required_headcount=shift.required_headcount,
                headcount=headcount,
            )
        )
    starts_at = changes["starts_at"].astimezone(UTC) if changes.get("starts_at") else shift.starts_at
    ends_at = changes["ends_at"].astimezone(UTC) if changes.get("ends_at") else shift.ends_at
    _check_times(starts_at, ends_at)
    moved = (starts_at, ends_at) != (shift.starts_at, shift.ends_at)
    if moved:
        _not_in_the_past(starts_at, now)
    if "duty_manager_id" in changes:
        await _check_duty_manager(session, changes["duty_manager_id"])
        shift.duty_manager_id = changes["duty_manager_id"]
    if changes.get("name"):
        shift.name = changes["name"]
    if headcount is not None:
        shift.required_headcount = headcount
    if changes.get("required_skills") is not None:
        # People already on the shift stay: the coverage report names a shift now short of a skill (ROS-5).
        await skills.require_known(session, changes["required_skills"])
        shift.required_skills = skills.encode(changes["required_skills"])
    shift.starts_at, shift.ends_at = starts_at, ends_at
    shift.version += 1
    shift.updated_at = now
    await session.flush()
    if moved:
        ids = (await session.scalars(select(Assignment.id).where(Assignment.shift_id == shift.id))).all()
        await swaps.cancel_for_assignments(
            session, assignment_ids=list(ids), reason=f"The shift {shift.name} was moved.", now=now
        )
    return shift


async def active_assignments_of(
    session: AsyncSession, employee_id: uuid.UUID, *, exclude: Sequence[uuid.UUID] = ()
) -> list[tuple[Assignment, Shift]]:
    query = (
        select(Assignment, Shift)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(Assignment.employee_id == employee_id, Assignment.active.is_(True))
    )
    if exclude:
        query = query.where(Assignment.id.not_in(list(exclude)))
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


async def assign(
    session: AsyncSession,
    *,
    principal: Principal,
    shift_id: uuid.UUID,
    employee_id: uuid.UUID,
    settings: Settings,
    now: datetime,
) -> Assignment:
    """Put an employee on a shift under every limit a swap obeys (ROS-4): active, qualified (ORG-3), on post
    (PRF-9), holding the skills it requires (ROS-5), of the shift's team unless a manager lends them, no overlap,
    the minimum rest, not past, and not above the head-count unless the shift's duty manager does it."""
    # The shift's row is locked first (as a shift edit or staffing approval does), so two assignments to its
    # last place apply one after the other and the second sees the first.
    shift = await get_shift(session, shift_id, lock=True)
    access.require_team_manager(principal, shift.team_id)
    person = await access.employee(session, employee_id)
    if not person.active:
        raise InvalidInput(t("{name} is no longer active.", name=person.name))
    unqualified = eligibility.unqualified_reason(person, shift)
    if unqualified:
        raise NotCertified(
            t("{unqualified}: only a certified agent with an agent number takes calls.", unqualified=unqualified)
        )
    if person.team_id != shift.team_id and not access.may_lend_across_teams(principal):
        raise RosterLimit(
            t(
                "{name} is not a member of the shift's team: lending someone to another team needs the "
                "department head (level 3 or above).",
                name=person.name,
            )
        )
    if shift.ends_at <= now:
        raise RosterLimit(
            t(
                "The shift {name} ended at {ends_at:%Y-%m-%d %H:%M} UTC: nobody is added to the past.",
                name=shift.name,
                ends_at=shift.ends_at,
            )
        )
    # A swap approved (or an off-post period begun) meanwhile could change the person's roster after these checks.
    await swaps.lock_people(session, [employee_id])
    await posts.require_on_post(session, person.id, person.name, shift)
    await skills.require_skills(session, person, shift)
    if await session.scalar(
        select(Assignment.id).where(
            Assignment.shift_id == shift.id, Assignment.employee_id == employee_id, Assignment.active.is_(True)
        )
    ):
        raise Conflict(t("{name} is already on the shift {name2}.", name=person.name, name2=shift.name))
    await eligibility.check_overlap_and_rest(
        session, person, takes=shift, settings=settings, violation=RosterLimit, when=t("On this shift")
    )
    count = await staffed(session, shift.id)
    if count >= shift.required_headcount and not access.may_overstaff(principal, shift.duty_manager_id):
        raise RosterLimit(
            t(
                "The shift {name} already has its head-count of {required_headcount}: raise the head-count "
                "first, or the shift's duty manager adds the person.",
                name=shift.name,
                required_headcount=shift.required_headcount,
            )
        )
    assignment = Assignment(
        id=uuid.uuid4(),
        shift_id=shift.id,
        employee_id=employee_id,
        active=True,
        created_by=principal.employee_id,
        created_at=now,
        updated_at=now,
    )
    session.add(assignment)
    await session.flush()
    return assignment


async def lock_assignment(session: AsyncSession, assignment_id: uuid.UUID) -> Assignment:
    """The assignment, locked after its holder as swap approval locks them (else the two could deadlock)."""
    holder = (await get_assignment(session, assignment_id)).employee_id
    await swaps.lock_people(session, [holder])
    assignment = await get_for_update(
        session,
        Assignment,
        assignment_id,
        missing=t("Assignment {assignment_id} does not exist.", assignment_id=assignment_id),
    )
    if assignment.employee_id != holder:  # a swap handed it on before the lock; the row lock now holds it
        await swaps.lock_people(session, [assignment.employee_id])
    return assignment


async def remove_assignment(session: AsyncSession, assignment: Assignment, *, reason: str, now: datetime) -> None:
    """Take someone off a shift; a pending swap on that assignment is cancelled with it."""
    assignment.active = False
    assignment.removed_at = now
    assignment.removed_reason = reason
    assignment.updated_at = now
    await session.flush()
    await swaps.cancel_for_assignments(session, assignment_ids=[assignment.id], reason=reason, now=now)


# Staffing reductions (ROS-2)


async def request_staffing_change(
    session: AsyncSession, *, principal: Principal, shift_id: uuid.UUID, data: StaffingChangeCreate, now: datetime
) -> StaffingChange:
    """Ask the duty manager to reduce a shift's staffing (ROS-2)."""
    shift = await get_shift(session, shift_id)
    access.require_team_manager(principal, shift.team_id)
    if data.kind == StaffingChangeKind.remove_assignment:
        assert data.assignment_id is not None
        assignment = await get_assignment(session, data.assignment_id)
        if assignment.shift_id != shift.id or not assignment.active:
            raise InvalidInput(t("The assignment is not an active assignment of this shift."))
    elif data.new_headcount is not None and data.new_headcount >= shift.required_headcount:
        raise InvalidInput(t("A staffing reduction must lower the head-count; raise it with PATCH instead."))
    change = StaffingChange(
        id=uuid.uuid4(),
        shift_id=shift.id,
        kind=data.kind,
        new_headcount=data.new_headcount,
        assignment_id=data.assignment_id,
        reason=data.reason,
        status=StaffingChangeStatus.requested,
        requested_by=principal.employee_id,
        approver_id=shift.duty_manager_id,
        created_at=now,
    )
    session.add(change)
    await session.flush()
    return change


async def _pending_change(session: AsyncSession, principal: Principal, change_id: uuid.UUID) -> StaffingChange:
    change = await get_for_update(
        session,
        StaffingChange,
        change_id,
        missing=t("Staffing change {change_id} does not exist.", change_id=change_id),
    )
    if change.status != StaffingChangeStatus.requested:
        raise Conflict(t("The staffing change is already {status}.", status=change.status))
    access.require_staffing_decider(principal, change.approver_id)
    return change


async def approve_staffing_change(
    session: AsyncSession, *, principal: Principal, change_id: uuid.UUID, note: str, now: datetime
) -> StaffingChange:
    """The duty manager approves; the reduction applies at once (ROS-2)."""
    change = await _pending_change(session, principal, change_id)
    shift = await get_shift(session, change.shift_id, lock=True)
    if change.kind == StaffingChangeKind.reduce_headcount:
        assert change.new_headcount is not None
        shift.required_headcount = change.new_headcount
        shift.version += 1
        shift.updated_at = now
    else:
        assert change.assignment_id is not None
        assignment = await lock_assignment(session, change.assignment_id)
        if assignment.active:
            await remove_assignment(session, assignment, reason=f"Staffing change: {change.reason}", now=now)
    change.status = StaffingChangeStatus.approved
    change.decided_by = principal.employee_id
    change.decided_at = now
    change.decision_note = note or None
    await session.flush()
    return change


async def reject_staffing_change(
    session: AsyncSession, *, principal: Principal, change_id: uuid.UUID, reason: str, now: datetime
) -> StaffingChange:
    change = await _pending_change(session, principal, change_id)
    change.status = StaffingChangeStatus.rejected
    change.decided_by = principal.employee_id
    change.decided_at = now
    change.decision_note = reason
    await session.flush()
    return change
