"""Who may see and do what in scheduling, decided from the authoritative org directory.

Every access decision of the service lives here, with the levels named
(`callcenter_shared.levels`); the use cases call these functions (decision 0007).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from callcenter_shared import visibility
from callcenter_shared.auth import Caller, Principal, ServiceAccount
from callcenter_shared.db import among, get_or_404
from callcenter_shared.errors import Forbidden
from callcenter_shared.i18n import t
from callcenter_shared.levels import Level, at_least, is_agent, is_team_leader
from callcenter_shared.org import superiors_query, until_a_loop
from scheduling.org.models import Employee

# Scopes of the service accounts (SERVICE_ACCOUNTS) that call scheduling.
DIRECTORY_WRITE = "directory:write"  # the HR system: teams and employees, including the first ones
INTERACTIONS_WRITE = "interactions:write"  # the phone system: interactions in progress (HND-3)

MANAGER = Level.DEPUTY_GENERAL_MANAGER  # level 3: the department head and everyone above
_DIRECTORY: Table = Employee.__table__  # type: ignore[assignment]


def is_manager(who: Principal | Employee) -> bool:
    return at_least(who, MANAGER)


# Who sees whom


async def visible_ids(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """Whose roster and requests the caller may see: None means everyone (L3+)."""
    return await visibility.visible_employee_ids(session, principal, _DIRECTORY)


def visibility_clause(
    principal: Principal, employee_id: ColumnElement[Any] | QueryableAttribute[Any]
) -> ColumnElement[bool] | None:
    """`visible_ids` as a SQL condition on `employee_id`; None means no restriction."""
    return visibility.visibility_clause(principal, employee_id, _DIRECTORY)


async def require_visible(session: AsyncSession, principal: Principal, *employee_ids: uuid.UUID) -> None:
    visible = await visible_ids(session, principal)
    if visible is not None and not any(employee_id in visible for employee_id in employee_ids):
        raise Forbidden(t("Agents see only their own records, team leaders their team's."))


# An agent's view of her team: the directory and the roster, so she can pick a swap counterpart.
# Only scheduling's directory and roster reads use it; private data everywhere else (leave, swaps,
# evaluations, scores, points, cases) stays behind `visibility_clause`.

TEAM_VIEW = t(
    "Agents see their own team's directory and roster (names, agent numbers, levels, shifts; the team of "
    "ORG-2), and only their own private data; team leaders see their team and everyone below them; "
    "level 3 and above see everyone."
)


def _active_teammates(principal: Principal) -> Select[Any] | None:
    """The ids of an agent's active teammates (her leader included); None for anyone else."""
    if not is_agent(principal) or principal.team_id is None:
        return None
    return select(_DIRECTORY.c.id).where(_DIRECTORY.c.team_id == principal.team_id, _DIRECTORY.c.active.is_(True))


def team_directory_clause(
    principal: Principal, employee_id: ColumnElement[Any] | QueryableAttribute[Any]
) -> ColumnElement[bool] | None:
    """Whose directory entry the caller may read: `visibility_clause`, and an agent her active teammates.

    A teammate's entry is read without its private fields (`sees_private_fields`). None means everyone.
    """
    visible = visibility_clause(principal, employee_id)
    if visible is None or not is_agent(principal) or principal.team_id is None:
        return visible
    # Herself and her active teammates, as one set of ids (`among`: no subplan per directory row).
    herself = _DIRECTORY.c.id == principal.employee_id
    teammates = (_DIRECTORY.c.team_id == principal.team_id) & _DIRECTORY.c.active.is_(True)
    return among(employee_id, select(_DIRECTORY.c.id).where(herself | teammates))


def team_roster_clause(
    principal: Principal,
    employee_id: ColumnElement[Any] | QueryableAttribute[Any],
    assignment_active: ColumnElement[Any] | QueryableAttribute[Any],
) -> ColumnElement[bool] | None:
    """Whose assignments the caller may read: `visibility_clause`, and an agent her active teammates'
    current assignments (who works which shift), not their removed ones, whose reasons are private."""
    visible = visibility_clause(principal, employee_id)
    teammates = _active_teammates(principal)
    if visible is None or teammates is None:
        return visible
    return visible | (employee_id.in_(teammates) & assignment_active.is_(True))


def sees_private_fields(principal: Principal, employee_id: uuid.UUID) -> bool:
    """Of an entry `team_directory_clause` let through: whether the caller sees its private fields
    (birthday, hire and probation dates, certification, login). Everyone but an agent sees them of every
    entry they may read at all; an agent only of her own."""
    return not is_agent(principal) or employee_id == principal.employee_id


async def require_directory_entry(session: AsyncSession, principal: Principal, person: Employee) -> bool:
    """Refuse a directory entry the caller may not read; else whether they see its private fields."""
    if sees_private_fields(principal, person.id) and await visibility.can_see(
        session, principal, person.id, _DIRECTORY
    ):
        return True
    if is_agent(principal) and person.active and person.team_id is not None and person.team_id == principal.team_id:
        return False
    raise Forbidden(TEAM_VIEW)


def sees_every_handover(principal: Principal, team_id: uuid.UUID) -> bool:
    """The team's own people and level 3 and above; others only when they staff its shifts."""
    return is_manager(principal) or principal.team_id == team_id


def handover_visibility_clause(
    principal: Principal,
    team_id: QueryableAttribute[Any],
    staffed_by_caller: ColumnElement[bool],
) -> ColumnElement[bool] | None:
    """`sees_every_handover`, or staffing one of its shifts (`staffed_by_caller`), as SQL; None: all."""
    if is_manager(principal):
        return None
    if principal.team_id is None:
        return staffed_by_caller
    return or_(team_id == principal.team_id, staffed_by_caller)


# Who decides


def require_directory_admin(caller: Caller) -> None:
    """Level 3 and above, or a service account with `directory:write` (the HR system)."""
    if isinstance(caller, ServiceAccount):
        caller.require(DIRECTORY_WRITE)
    elif not is_manager(caller):
        raise Forbidden(t("Only level 3 and above (or the HR system's service account) may change the org directory."))


def require_skill_editor(caller: Caller) -> None:
    """Who keeps the skill catalog and grants skills (ROS-5): whoever may change the org directory, level 3 and
    above or the HR system's service account (`directory:write`)."""
    if isinstance(caller, ServiceAccount):
        caller.require(DIRECTORY_WRITE)
    elif not is_manager(caller):
        raise Forbidden(
            t("Only level 3 and above (or the HR system's service account) may change the skill catalog and who "
              "holds which skill.")
        )  # fmt: skip


def require_holiday_editor(principal: Principal) -> None:
    if not is_manager(principal):
        raise Forbidden(t("Only level 3 and above may change the holiday calendar."))


def manages_team(principal: Principal, team_id: uuid.UUID) -> bool:
    """The team's leader, or L3 and above."""
    return is_manager(principal) or leads_team(principal, team_id)


def require_team_manager(principal: Principal, team_id: uuid.UUID) -> None:
    """The team's leader, or L3 and above."""
    if not manages_team(principal, team_id):
        raise Forbidden(t("Only the team's leader or level 3 and above may change this team's roster."))


def require_roster_editor(principal: Principal) -> None:
    """Someone who may add shifts to some team: a team leader (their own team) or L3 and above."""
    if not (is_manager(principal) or is_team_leader(principal)):
        raise Forbidden(t("Only team leaders (for their own team) and level 3 and above may add shifts."))


def may_lend_across_teams(principal: Principal) -> bool:
    """Rostering someone on another team's shift is lending them: the department head, level 3 and above (ROS-4)."""
    return is_manager(principal)


def may_overstaff(principal: Principal, duty_manager_id: uuid.UUID | None) -> bool:
    """Above a shift's head-count only with its duty manager's approval: the duty manager themself (ROS-4)."""
    return duty_manager_id is not None and principal.employee_id == duty_manager_id


def leads_team(principal: Principal, team_id: uuid.UUID) -> bool:
    """Whether the caller is the team's leader."""
    return is_team_leader(principal) and principal.team_id == team_id


def may_be_duty_manager(person: Employee) -> bool:
    """A shift's duty manager (ROS-2) is an active employee of level 3 or above."""
    return person.active and is_manager(person)


def require_staffing_decider(principal: Principal, approver_id: uuid.UUID | None) -> None:
    """The duty manager the shift names, else any level 3 manager (ROS-2)."""
    if approver_id is not None and principal.employee_id != approver_id:
        raise Forbidden(t("Only the duty manager on this shift may decide a staffing reduction."))
    if approver_id is None and not is_manager(principal):
        raise Forbidden(t("The shift names no duty manager: a level 3 (or higher) manager decides."))


def staffing_changes_clause(
    principal: Principal,
    team_id: ColumnElement[Any] | QueryableAttribute[Any],
    approver_id: ColumnElement[Any] | QueryableAttribute[Any],
) -> ColumnElement[bool] | None:
    """Which staffing reductions the caller may list (ROS-2): level 3 and above all of them, a team leader
    those of their team's shifts and those waiting for them; an agent none (refused). None means all."""
    if is_manager(principal):
        return None
    if is_agent(principal):
        raise Forbidden(t("Staffing changes are listed for team leaders and managers."))
    return (team_id == principal.team_id) | (approver_id == principal.employee_id)


def decides_staffing_change(principal: Principal, approver_id: uuid.UUID | None) -> bool:
    """Whether a staffing reduction waits for the caller: its duty manager, else any level 3 manager (ROS-2)."""
    return principal.employee_id == approver_id if approver_id is not None else is_manager(principal)


def receives_damage_report(principal: Principal, duty_manager_id: uuid.UUID | None) -> bool:
    """An equipment damage report goes to the shift's duty manager, else to any level 3 manager (HND-10)."""
    return principal.employee_id == duty_manager_id if duty_manager_id is not None else is_manager(principal)


def require_damage_report_receiver(principal: Principal, duty_manager_id: uuid.UUID | None) -> None:
    if not receives_damage_report(principal, duty_manager_id):
        raise Forbidden(
            t("Only the duty manager the damage was reported to (or, if none, a level 3 manager) takes it in.")
        )


def require_swap_reverser(principal: Principal, approver_level: int) -> None:
    """A manager of the swap approver's level (SWAP_APPROVER_LEVEL) or above."""
    if not at_least(principal, approver_level):
        raise Forbidden(
            t("Only a manager of level {approver_level} or above may reverse a swap.", approver_level=approver_level)
        )


def require_swap_filer_on_behalf(principal: Principal, requester: Employee, counterpart: Employee) -> None:
    """A swap filed on behalf of two members (SWP-8): by the leader of the team both belong to, not a member."""
    team_id = requester.team_id
    if team_id is None or counterpart.team_id != team_id or not leads_team(principal, team_id):
        raise Forbidden(t("Only the leader of the team both members belong to may file a swap on their behalf."))
    if principal.employee_id in (requester.id, counterpart.id):
        raise Forbidden(t("A swap filed on behalf is between two members of the team, not the leader's own."))


def approves_swap_emergency(principal: Principal, duty_manager_ids: Sequence[uuid.UUID]) -> bool:
    """Who may approve a swap filed on behalf as an emergency (SWP-8): the duty manager either shift names,
    else (neither names one) any level 3 manager, as for a staffing reduction (ROS-2)."""
    if duty_manager_ids:
        return principal.employee_id in duty_manager_ids
    return is_manager(principal)


def require_swap_emergency_approver(principal: Principal, duty_manager_ids: Sequence[uuid.UUID]) -> None:
    if not approves_swap_emergency(principal, duty_manager_ids):
        raise Forbidden(
            t(
                "Only the duty manager of one of the two shifts (or, if neither names one, a level 3 manager) may "
                "approve a swap as an emergency."
            )
        )


# The chain of superiors


async def employee(session: AsyncSession, employee_id: uuid.UUID) -> Employee:
    return await get_or_404(
        session, Employee, employee_id, missing=t("Employee {employee_id} does not exist.", employee_id=employee_id)
    )


async def superior_chain(session: AsyncSession, person: Employee) -> list[Employee]:
    """The person's superiors, direct superior first, in one statement (stops at a gap or a loop)."""
    up = superiors_query(person.id, _DIRECTORY)
    rows = await session.scalars(select(Employee).join(up, Employee.id == up.c.id).order_by(up.c.depth))
    return until_a_loop(person.id, rows)


async def superior_at_level(session: AsyncSession, person: Employee, level: int) -> Employee | None:
    """The person's superior at `level`, following the chain of direct superiors (ORG-1)."""
    for superior in await superior_chain(session, person):
        if superior.level == level:
            return superior
        if superior.level > level:
            return None
    return None
