"""Use cases of the org directory. Every change publishes `employee.upserted` or `team.upserted`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.auth import Caller, Principal
from callcenter_shared.concurrency import Precondition, check
from callcenter_shared.contracts.scheduling import EmployeeLeftV1, EmployeeUpsertedV1, TeamUpsertedV1
from callcenter_shared.db import get_or_404, keep_loaded, lock_rows
from callcenter_shared.errors import InvalidInput, NotFound, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.levels import Level, is_agent, is_one_level_up, is_team_leader, is_top, next_level_up
from callcenter_shared.paging import paginate
from callcenter_shared.spreadsheets import ImportRefused
from scheduling import access
from scheduling.org import leavers, succession
from scheduling.org.models import Employee, Team
from scheduling.org.schemas import (
    EmployeeCreate,
    EmployeeRead,
    EmployeeUpdate,
    TeamCreate,
    TeamUpdate,
)


class SuperiorNotOneLevelUp(RuleViolation):
    rule = "ORG-1"


class TeamRuleBroken(RuleViolation):
    rule = "ORG-2"


class AgentNumberWithoutTraining(RuleViolation):
    rule = "ORG-3"


# Teams


async def leader_of(session: AsyncSession, team_id: uuid.UUID) -> Employee | None:
    return await session.scalar(
        select(Employee).where(
            Employee.team_id == team_id, Employee.level == Level.TEAM_LEADER, Employee.active.is_(True)
        )
    )


async def get_team(session: AsyncSession, team_id: uuid.UUID, *, lock: bool = False) -> Team:
    """The team; with `lock`, its row stays locked until commit, so changes to it apply one after another."""
    return await get_or_404(
        session, Team, team_id, missing=t("Team {team_id} does not exist.", team_id=team_id), lock=lock
    )


def _led_team(level: int, team_id: uuid.UUID | None, active: bool) -> uuid.UUID | None:
    """The team this person leads (ORG-2: a team's active level 2 member), if any."""
    return team_id if level == Level.TEAM_LEADER and active else None


def _team_locked_for(level: int, team_id: uuid.UUID | None, active: bool) -> uuid.UUID | None:
    """The team whose leader a change to this person depends on: the one they lead, or join as an agent.

    Locked, an agent placed in a team and its leader leaving apply one after another (ORG-2, ORG-6).
    """
    return team_id if active and level in (Level.AGENT, Level.TEAM_LEADER) else None


async def _lock_teams(session: AsyncSession, team_ids: set[uuid.UUID | None]) -> None:
    """Lock the teams whose leader may change before anything reads their leader (ORG-2 under concurrency).

    In id order, so two transactions never wait for each other; an unknown team is left to `_check`.
    """
    await lock_rows(session, Team.id, (i for i in team_ids if i is not None))


async def _lock_teams_for_new_people(session: AsyncSession, rows: Sequence[EmployeeCreate]) -> None:
    """Lock the teams new people lead or join, before anything reads their leader (ORG-2 under concurrency).

    Agents only join: a shared lock, so hires into one team do not wait for each other, yet
    wait for (and hold up) a change of its leader, which locks the team exclusively. A new
    leader changes the team: then every team of the batch is locked exclusively, in one
    statement in id order, so two batches never wait for each other in a circle.
    """
    teams = {_team_locked_for(row.level, row.team_id, True) for row in rows} - {None}
    if any(_led_team(row.level, row.team_id, True) for row in rows):
        await _lock_teams(session, set(teams))
    elif teams:
        await lock_rows(session, Team.id, teams, shared=True)


async def publish_team(session: AsyncSession, team: Team, now: datetime) -> None:
    """Publish the team as this transaction sees it; every caller has bumped its version."""
    leader = await leader_of(session, team.id)
    await outbox.add(
        session,
        TeamUpsertedV1(
            team_id=team.id,
            name=team.name,
            leader_id=leader.id if leader else None,
            active=team.active,
            version=team.version,
        ),
        at=now,
    )


async def create_team(session: AsyncSession, *, principal: Caller, data: TeamCreate, now: datetime) -> Team:
    """Create a team; its leader is the L2 employee later placed in it."""
    access.require_directory_admin(principal)
    team = Team(
        id=uuid.uuid4(),
        name=data.name,
        active=True,
        leave_cap=data.leave_cap,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(team)
    await session.flush()
    await publish_team(session, team, now)
    return team


async def update_team(
    session: AsyncSession,
    *,
    principal: Caller,
    team_id: uuid.UUID,
    data: TeamUpdate,
    now: datetime,
    if_match: Precondition | None = None,
) -> Team:
    """Rename or deactivate a team, or set its cap on leave in a shift (LEV-6)."""
    access.require_directory_admin(principal)
    team = await get_team(session, team_id, lock=True)
    check(if_match, team.version, t("Team {name}", name=team.name))
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is None and field != "leave_cap":  # a null cap: the center's again
            raise InvalidInput(t("{field} cannot be null.", field=field))
        setattr(team, field, value)
    if not team.active:
        await succession.refuse_closing_a_staffed_team(session, team)
    team.version += 1
    team.updated_at = now
    await session.flush()
    await publish_team(session, team, now)
    return team


async def list_teams(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[Team], int]:
    return await paginate(session, select(Team).order_by(Team.name), limit=limit, offset=offset)


# Employees


# A directory change locks people FOR NO KEY UPDATE: it never changes an id, so a row that merely
# points at them (a new agent's superior_id, a leave's employee_id) is not held up behind it, and a
# leader leaving while an agent joins the team cannot deadlock on the agent's reference to the leader.
_NO_KEY_UPDATE = {"key_share": True}


async def get_employee(session: AsyncSession, employee_id: uuid.UUID, *, lock: bool = False) -> Employee:
    """The employee; with `lock`, the row stays locked until commit (see `get_team`)."""
    if not lock:
        return await get_or_404(
            session, Employee, employee_id, missing=t("Employee {employee_id} does not exist.", employee_id=employee_id)
        )
    employee = await session.get(Employee, employee_id, with_for_update=_NO_KEY_UPDATE, populate_existing=True)
    if employee is None:
        raise NotFound(t("Employee {employee_id} does not exist.", employee_id=employee_id))
    return employee


async def _lock_people(session: AsyncSession, employee_ids: set[uuid.UUID]) -> None:
    """Lock these people in id order, so two changes naming each other cannot deadlock."""
    query = select(Employee.id).where(Employee.id.in_(sorted(employee_ids))).order_by(Employee.id)
    await session.execute(query.with_for_update(key_share=True))


async def read_employee(session: AsyncSession, *, principal: Principal, employee_id: uuid.UUID) -> EmployeeRead:
    """One directory entry; a teammate's reads without private fields for an agent."""
    employee = await get_employee(session, employee_id)
    private_fields = await access.require_directory_entry(session, principal, employee)
    return EmployeeRead.of(employee, private_fields=private_fields)


async def _check(session: AsyncSession, employee: Employee) -> None:
    """The org rules every employee record must satisfy (ORG-1, ORG-2, ORG-3)."""
    superior = None
    if is_top(employee):
        if employee.superior_id is not None:
            raise SuperiorNotOneLevelUp(t("An executive in charge (L5) has no superior."))
    else:
        if employee.superior_id is None:
            raise SuperiorNotOneLevelUp(
                t(
                    "A level {level} employee needs a direct superior at level {next_level_up}.",
                    level=employee.level,
                    next_level_up=next_level_up(employee.level),
                )
            )
        superior = await session.get(Employee, employee.superior_id)
        keep_loaded(session, superior)  # the response names them
        if superior is None:
            raise InvalidInput(
                t("The superior {superior_id} does not exist.", superior_id=employee.superior_id),
                errors=[{"path": "body.superior_id", "message": "unknown employee", "type": "unknown_reference"}],
            )
        if not is_one_level_up(superior, employee.level):
            raise SuperiorNotOneLevelUp(
                t(
                    "The direct superior must be exactly one level up: {name} is level {level}, but a level "
                    "{level2} employee reports to level {next_level_up}.",
                    name=superior.name,
                    level=superior.level,
                    level2=employee.level,
                    next_level_up=next_level_up(employee.level),
                )
            )
    if employee.team_id is not None and await session.get(Team, employee.team_id) is None:
        raise InvalidInput(
            t("The team {team_id} does not exist.", team_id=employee.team_id),
            errors=[{"path": "body.team_id", "message": "unknown team", "type": "unknown_reference"}],
        )
    if is_agent(employee) and employee.team_id is None:
        raise TeamRuleBroken(t("Every agent belongs to one team: give a team_id."))
    if is_team_leader(employee) and employee.team_id is not None and employee.active:
        other = await leader_of(session, employee.team_id)
        if other is not None and other.id != employee.id:
            raise TeamRuleBroken(
                t("The team already has a team leader ({name}); a team has exactly one.", name=other.name)
            )
    if is_agent(employee) and employee.team_id is not None:
        leader = (
            superior  # a team has one active leader (ORG-2), so an agent's superior leading it is that one
            if superior is not None
            and superior.active
            and is_team_leader(superior)
            and superior.team_id == employee.team_id
            else await leader_of(session, employee.team_id)
        )
        if leader is None and employee.active:
            # A team without a leader may exist only while it has no agents (ORG-2, docs/rules.md).
            raise TeamRuleBroken(t("This team has no team leader: place its leader first, then its agents."))
        if leader is not None and employee.superior_id != leader.id:
            raise TeamRuleBroken(t("An agent's direct superior is their team's leader ({name}).", name=leader.name))
    if employee.agent_number and not employee.certified:
        raise AgentNumberWithoutTraining(
            t("An agent number is granted only after the training is passed: set certified first.")
        )
    if employee.agent_number:
        clash = await session.scalar(
            select(Employee.id).where(Employee.agent_number == employee.agent_number, Employee.id != employee.id)
        )
        if clash is not None:
            raise InvalidInput(
                t("Agent number {agent_number} is already taken.", agent_number=employee.agent_number),
                errors=[{"path": "body.agent_number", "message": "already taken", "type": "duplicate"}],
            )
    if employee.external_id:
        holder = await session.scalar(
            select(Employee.name).where(Employee.external_id == employee.external_id, Employee.id != employee.id)
        )
        if holder is not None:
            raise InvalidInput(
                t(
                    "The login {external_id} already belongs to {holder}.",
                    external_id=employee.external_id,
                    holder=holder,
                ),
                errors=[{"path": "body.external_id", "message": "already taken", "type": "duplicate"}],
            )


async def _publish(session: AsyncSession, employee: Employee, now: datetime, *, led_before: uuid.UUID | None) -> None:
    """Publish the employee and, when the change gave a team another leader, that team."""
    await outbox.add(
        session,
        EmployeeUpsertedV1(
            employee_id=employee.id,
            name=employee.name,
            level=employee.level,
            superior_id=employee.superior_id,
            team_id=employee.team_id,
            agent_number=employee.agent_number,
            certified=employee.certified,
            probation_end_date=employee.probation_end_date,
            birthday=employee.birthday,
            hire_date=employee.hire_date,
            active=employee.active,
            version=employee.version,
            external_id=employee.external_id,
        ),
        at=now,
    )
    led_now = _led_team(employee.level, employee.team_id, employee.active)
    if led_now == led_before:
        return
    # The leader is part of a team's state: a new leader is a new team version, or the
    # read copies, which keep the highest version, would ignore it.
    for team_id in sorted(i for i in (led_before, led_now) if i is not None):
        team = await get_team(session, team_id, lock=True)
        team.version += 1
        team.updated_at = now
        await session.flush()
        await publish_team(session, team, now)


async def _add(session: AsyncSession, data: EmployeeCreate, now: datetime, *, teams_locked: bool = False) -> Employee:
    if not teams_locked:
        await _lock_teams_for_new_people(session, [data])
    if data.id is not None and await session.get(Employee, data.id) is not None:
        raise InvalidInput(t("Employee {id} already exists; use PATCH to change it.", id=data.id))
    employee = Employee(
        **data.model_dump(exclude={"id"}),
        id=data.id or uuid.uuid4(),
        active=True,
        version=1,
        created_at=now,
        updated_at=now,
    )
    await _check(session, employee)
    session.add(employee)
    await session.flush()
    await _publish(session, employee, now, led_before=None)
    return employee


async def create_employee(session: AsyncSession, *, principal: Caller, data: EmployeeCreate, now: datetime) -> Employee:
    """Hire (or register) an employee."""
    access.require_directory_admin(principal)
    return await _add(session, data, now)


async def update_employee(
    session: AsyncSession,
    *,
    principal: Caller,
    employee_id: uuid.UUID,
    data: EmployeeUpdate,
    now: datetime,
    if_match: Precondition | None = None,
) -> Employee:
    """Change, transfer, promote, certify or deactivate an employee."""
    access.require_directory_admin(principal)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    successor_id: uuid.UUID | None = changes.pop("successor_id", None)
    for required in ("name", "level", "certified", "active"):
        if required in changes and changes[required] is None:
            raise InvalidInput(t("{required} cannot be null.", required=required))
    # Locked, so concurrent changes apply one after another and each version is published once;
    # the person and their successor in id order, so two changes naming each other cannot deadlock.
    await _lock_people(session, {employee_id, *([successor_id] if successor_id else [])})
    employee = await get_employee(session, employee_id, lock=True)
    check(if_match, employee.version, t("Employee {name}", name=employee.name))
    successor = await _successor(session, successor_id)
    was_active = employee.active
    led_before = _led_team(employee.level, employee.team_id, employee.active)
    led_after = _led_team(
        changes.get("level", employee.level),
        changes.get("team_id", employee.team_id),
        changes.get("active", employee.active),
    )
    succeeded_team = successor.team_id if successor is not None else None
    joined = _team_locked_for(
        changes.get("level", employee.level), changes.get("team_id", employee.team_id), employee.active
    )
    await _lock_teams(session, {led_before, led_after, succeeded_team, joined})
    for field, value in changes.items():
        setattr(employee, field, value)
    await _check(session, employee)
    stranded = await succession.stranded_reports(session, employee)
    if stranded and successor is None:
        raise succession.refuse_stranded(employee, stranded, t("This change"))
    if successor is not None and not stranded and not (was_active and not employee.active):
        raise InvalidInput(
            t("successor_id names who takes over someone's reports or open work: this change leaves neither."),
            errors=[{"path": "body.successor_id", "message": "nothing to take over", "type": "unexpected"}],
        )
    employee.version += 1
    employee.updated_at = now
    await session.flush()
    await _publish(session, employee, now, led_before=led_before)
    if stranded and successor is not None:
        await _hand_over_reports(session, employee, successor, stranded, now)
    if was_active and not employee.active:
        await _hand_over_work(session, employee, successor, now)
    return employee


async def add_in_order(
    session: AsyncSession, rows: Sequence[EmployeeCreate], now: datetime
) -> tuple[list[Employee], dict[int, RuleViolation | InvalidInput]]:
    """Add every row, highest level first so that each superior exists before the people reporting to
    them; the added employees and, by row index, the refusals. Call it inside a transaction that rolls
    back when anything was refused: a refused row fails its checks before it is added, so no savepoint."""
    # All the teams that get a leader or an agent, locked up front in one order.
    await _lock_teams_for_new_people(session, rows)
    refused: dict[int, RuleViolation | InvalidInput] = {}
    created: list[Employee] = []
    for index in sorted(range(len(rows)), key=lambda index: -rows[index].level):
        try:
            created.append(await _add(session, rows[index], now, teams_locked=True))
        except (RuleViolation, InvalidInput) as exc:
            refused[index] = exc
    return created, refused


async def _successor(session: AsyncSession, successor_id: uuid.UUID | None) -> Employee | None:
    if successor_id is None:
        return None
    successor = await session.get(Employee, successor_id, populate_existing=True)
    if successor is None:
        raise InvalidInput(
            t("The successor {successor_id} does not exist.", successor_id=successor_id),
            errors=[{"path": "body.successor_id", "message": "unknown employee", "type": "unknown_reference"}],
        )
    return successor


async def _hand_over_reports(
    session: AsyncSession, employee: Employee, successor: Employee, reports: list[Employee], now: datetime
) -> None:
    """The successor takes over the reports (ORG-6) and, for agents, leads their team (ORG-2)."""
    succession.check_successor_for_reports(successor, employee, reports)
    team_id = succession.team_to_lead(reports)
    if team_id is not None and successor.team_id != team_id:
        led_before = _led_team(successor.level, successor.team_id, successor.active)
        await _lock_teams(session, {team_id})
        successor.team_id = team_id
        left_behind = await succession.stranded_reports(session, successor)
        if left_behind:
            raise succession.refuse_stranded(
                successor, left_behind, t("Moving {name} to lead this team", name=successor.name)
            )
        await _check(session, successor)
        successor.version += 1
        successor.updated_at = now
        await session.flush()
        await _publish(session, successor, now, led_before=led_before)
    for report in reports:
        report.superior_id = successor.id
        await _check(session, report)
        report.version += 1
        report.updated_at = now
    await session.flush()
    for report in reports:
        await _publish(session, report, now, led_before=_led_team(report.level, report.team_id, report.active))


async def _hand_over_work(session: AsyncSession, leaver: Employee, named: Employee | None, now: datetime) -> None:
    """A leaver's open work passes to the successor (ORG-7): here at once, elsewhere by `employee.left`."""
    superior = await session.get(Employee, leaver.superior_id) if leaver.superior_id else None
    successor = succession.work_successor(leaver, named, superior)
    await leavers.hand_over_open_work(
        session, leaver_id=leaver.id, leaver_name=leaver.name, successor_id=successor.id, now=now
    )
    await outbox.add(
        session,
        EmployeeLeftV1(employee_id=leaver.id, successor_id=successor.id, version=leaver.version, left_at=now),
        at=now,
    )


async def import_employees(
    session: AsyncSession, *, principal: Caller, rows: list[EmployeeCreate], now: datetime
) -> list[Employee]:
    """All-or-nothing bulk import; superiors may be earlier or later rows of the same file."""
    access.require_directory_admin(principal)
    created, refused = await add_in_order(session, rows, now)
    if refused:
        raise ImportRefused(
            t("{count} of {count2} rows were refused; nothing was imported.", count=len(refused), count2=len(rows)),
            errors=[
                {"row": index, "rule": getattr(exc, "rule_id", None), "detail": exc.detail}
                for index, exc in sorted(refused.items())
            ],
        )
    return created
