"""Nobody is left without a valid superior (ORG-6), and a leaver's work has a successor (ORG-7).

A directory change that would leave someone's direct reports pointing at a person who can no
longer be their superior (promoted, moved to another team, gone) is refused, listing them,
unless the same change names the successor who takes them over; then everyone moves in the
same transaction, each with a new version and its own `employee.upserted`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.errors import RuleViolation
from callcenter_shared.i18n import Message, t
from callcenter_shared.levels import is_agent, is_one_level_up, is_top, next_level_up
from scheduling.org.models import Employee, Team


class ReportsWouldBeStranded(RuleViolation):
    rule = "ORG-6"


class NoSuccessorForWork(RuleViolation):
    rule = "ORG-7"


def named(people: Sequence[Employee]) -> list[dict[str, str]]:
    """The people a refusal lists: id and name, in name order."""
    return [{"id": str(p.id), "name": p.name} for p in sorted(people, key=lambda p: (p.name, p.id))]


def superior_still_fits(superior: Employee, report: Employee) -> bool:
    """Whether `superior` is still a valid direct superior of `report` (ORG-1, and ORG-2 for an agent)."""
    if not superior.active or not is_one_level_up(superior, report.level):
        return False
    return not is_agent(report) or superior.team_id == report.team_id


async def direct_reports(session: AsyncSession, employee_id: uuid.UUID) -> list[Employee]:
    """The active people reporting to `employee_id`, locked in id order until commit."""
    query = (
        select(Employee)
        .where(Employee.superior_id == employee_id, Employee.active.is_(True))
        .order_by(Employee.id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE, as every directory change (org/service.py)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(query)).all())


async def stranded_reports(session: AsyncSession, employee: Employee) -> list[Employee]:
    """The direct reports for whom `employee`, as changed, is no longer a valid superior."""
    return [r for r in await direct_reports(session, employee.id) if not superior_still_fits(employee, r)]


def refuse_stranded(employee: Employee, stranded: Sequence[Employee], what: Message) -> ReportsWouldBeStranded:
    return ReportsWouldBeStranded(
        t(
            "{what} would leave {count} of {name}'s direct reports without a valid superior: name "
            "their new superior (and so the team's new leader) in the same change as successor_id.",
            what=what,
            count=len(stranded),
            name=employee.name,
        ),
        affected=named(stranded),
    )


def check_successor_for_reports(successor: Employee, employee: Employee, reports: Sequence[Employee]) -> None:
    """The successor must be active, someone else, and one level above every report (ORG-6)."""
    if successor.id == employee.id or not successor.active:
        raise ReportsWouldBeStranded(
            t("The successor must be another active employee, not {name}.", name=successor.name),
            affected=named(reports),
        )
    levels = sorted({r.level for r in reports})
    if len(levels) != 1 or not is_one_level_up(successor, levels[0]):
        raise ReportsWouldBeStranded(
            t(
                "{name} (level {level}) cannot take over these reports: their new superior must be at "
                "level {next_level_up}.",
                name=successor.name,
                level=successor.level,
                next_level_up=next_level_up(levels[0]),
            ),
            affected=named(reports),
        )
    teams = {r.team_id for r in reports if is_agent(r)}
    if len(teams) > 1:
        raise ReportsWouldBeStranded(
            t("These agents are in more than one team; move them team by team."), affected=named(reports)
        )


def team_to_lead(reports: Sequence[Employee]) -> uuid.UUID | None:
    """The team whose leader the successor becomes: the agents' team (ORG-2), if the reports are agents."""
    return next((r.team_id for r in reports if is_agent(r)), None)


def work_successor(leaver: Employee, named_successor: Employee | None, superior: Employee | None) -> Employee:
    """Who takes over a leaver's open work (ORG-7): the one named, by default the leaver's superior.

    The successor must be active, someone else, and at the leaver's level or one above it, so they
    may decide what the leaver could and a case never skips a level (ESC-4).
    """
    successor = named_successor or superior
    if successor is None:
        raise NoSuccessorForWork(
            f"{leaver.name} has no superior to take over their open work: name a successor_id."
            if is_top(leaver)
            else f"Name a successor_id to take over {leaver.name}'s open work."
        )
    if successor.id == leaver.id or not successor.active:
        raise NoSuccessorForWork(t("The successor must be another active employee, not {name}.", name=successor.name))
    if successor.level not in (leaver.level, next_level_up(leaver.level)):
        raise NoSuccessorForWork(
            t(
                "{name} (level {level}) cannot take over the work of a level {level2} employee: the "
                "successor is at level {level2} or {next_level_up}.",
                name=successor.name,
                level=successor.level,
                level2=leaver.level,
                next_level_up=next_level_up(leaver.level),
            )
        )
    return successor


async def refuse_closing_a_staffed_team(session: AsyncSession, team: Team) -> None:
    """A team is closed only once nobody active is in it: its people would be left without a team (ORG-6)."""
    members = (
        await session.scalars(
            select(Employee)
            .where(Employee.team_id == team.id, Employee.active.is_(True))
            .order_by(Employee.id)
            .with_for_update(key_share=True)
        )
    ).all()
    if members:
        raise ReportsWouldBeStranded(
            t(
                "{name} still has {count} active members: move them to another team (with their new "
                "leader) before closing it.",
                name=team.name,
                count=len(members),
            ),
            affected=named(members),
        )
