"""Whether two people may swap: the same level (SWP-1), the monthly limit (SWP-4), overlap and rest (SWP-5), the
skills of the shift each would work (ROS-5), and whether a give-away leaves its shift its head-count (SWP-7).
`check_may_work` is the one check of a person taking a shift by swap, from the open board or as a give-away:
every way onto a shift other than a direct assignment."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.errors import RuleViolation
from callcenter_shared.i18n import Message, t
from callcenter_shared.levels import is_agent
from scheduling.org.models import Employee
from scheduling.roster import posts, skills
from scheduling.roster.models import Assignment, Shift
from scheduling.settings import Settings
from scheduling.swap.models import Swap, SwapStatus


class DifferentLevels(RuleViolation):
    rule = "SWP-1"


class MonthlyLimit(RuleViolation):
    rule = "SWP-4"


class UnsafeRoster(RuleViolation):
    rule = "SWP-5"


class GiveAwayBelowHeadcount(RuleViolation):
    rule = "SWP-7"


async def approved_this_month(session: AsyncSession, employee_id: uuid.UUID, moment: datetime, zone: str) -> int:
    """Approved swaps of the person whose earlier shift falls in the same calendar month (center's zone) (SWP-4)."""
    center = ZoneInfo(zone)
    local = moment.astimezone(center)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    count = await session.scalar(
        select(func.count())
        .select_from(Swap)
        .where(
            Swap.status == SwapStatus.approved,
            or_(Swap.requester_id == employee_id, Swap.counterpart_id == employee_id),
            Swap.earliest_start >= month_start,
            Swap.earliest_start < next_month,
        )
    )
    return int(count or 0)


async def _check_monthly_limit(
    session: AsyncSession, people: Sequence[Employee], earliest: datetime, settings: Settings
) -> None:
    for person in people:
        done = await approved_this_month(session, person.id, earliest, settings.timezone)
        if done >= settings.swap_max_per_month:
            raise MonthlyLimit(
                t(
                    "{name} already has {done} approved swaps this month; at most {swap_max_per_month} are allowed.",
                    name=person.name,
                    done=done,
                    swap_max_per_month=settings.swap_max_per_month,
                )
            )


def unqualified_reason(person: Employee, shift: Shift) -> Message | None:
    """Why the person may not work the shift under ORG-3, or None: an agent must be certified, and on a
    call-taking shift must hold an agent number (工号)."""
    if not is_agent(person):
        return None
    if not person.certified:
        return t("{name} is not certified (has not passed training yet)", name=person.name)
    if shift.call_taking and not person.agent_number:
        return t(
            "{name} holds no agent number (工号), so may not take calls on {shift}", name=person.name, shift=shift.name
        )
    return None


async def check_overlap_and_rest(
    session: AsyncSession,
    person: Employee,
    *,
    takes: Shift,
    settings: Settings,
    violation: type[RuleViolation],
    when: Message,
    giving_up: uuid.UUID | None = None,
) -> None:
    """The person, once on `takes` (and off the assignment `giving_up`), is on no overlapping shift and rests
    the minimum between shifts (SWP-5; ROS-4 holds a direct assignment to the same). Refuses with `violation`;
    `when` opens the message ("After the swap")."""
    rest = timedelta(hours=settings.min_rest_hours)
    query = (
        select(Shift)
        .join(Assignment, Assignment.shift_id == Shift.id)
        .where(Assignment.employee_id == person.id, Assignment.active.is_(True))
    )
    if giving_up is not None:
        query = query.where(Assignment.id != giving_up)
    for other in (await session.execute(query)).scalars():
        if other.starts_at < takes.ends_at and takes.starts_at < other.ends_at:
            raise violation(
                t(
                    "{when} {name} would be on two overlapping shifts ({other}).",
                    when=when,
                    name=person.name,
                    other=other.name,
                )
            )
        gap = takes.starts_at - other.ends_at if other.ends_at <= takes.starts_at else other.starts_at - takes.ends_at
        if gap < rest:
            raise violation(
                t(
                    "{when} {name} would rest only {hours:g} h between {other} and {shift}; the minimum is "
                    "{min_rest_hours:g} h.",
                    when=when,
                    name=person.name,
                    hours=gap.total_seconds() / 3600,
                    other=other.name,
                    shift=takes.name,
                    min_rest_hours=settings.min_rest_hours,
                )
            )


async def check_may_work(
    session: AsyncSession, person: Employee, *, takes: Shift, gives_up: Assignment | None, settings: Settings
) -> None:
    """Whether the person may work `takes` (instead of `gives_up`, when they give one in return): active,
    qualified (ORG-3), on post (PRF-9), holding the skills it requires (ROS-5), on no overlapping shift and
    rested the minimum (SWP-5).

    The single eligibility check of a swap, an open-board take and a give-away (SWP-5, SWP-7, ROS-5): every such
    way onto a shift checks the same.
    """
    if not person.active:
        raise UnsafeRoster(t("{name} is no longer active and cannot take a shift.", name=person.name))
    unqualified = unqualified_reason(person, takes)
    if unqualified:
        raise UnsafeRoster(
            t(
                "{unqualified}, so {name} would lack a qualified agent (ORG-3).",
                unqualified=unqualified,
                name=takes.name,
            )
        )
    await posts.require_on_post(session, person.id, person.name, takes)
    await skills.require_skills(session, person, takes, after_swap=True)
    await check_overlap_and_rest(
        session,
        person,
        takes=takes,
        settings=settings,
        violation=UnsafeRoster,
        when=t("After the swap"),
        giving_up=gives_up.id if gives_up is not None else None,
    )


async def check_give_away_headcount(session: AsyncSession, shift: Shift) -> None:
    """A give-away may not leave its shift below the head-count, counting the giver as leaving and nobody
    arriving (SWP-7): only a shift staffed above its head-count can spare the giver."""
    staffed = await session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.shift_id == shift.id, Assignment.active.is_(True))
    )
    if int(staffed or 0) - 1 < shift.required_headcount:
        raise GiveAwayBelowHeadcount(
            t(
                "Giving away a place on {name} would leave it below its head-count of {required_headcount} "
                "({staffed} staffed now): only a shift staffed above its head-count can spare someone. Offer it "
                "for a swap instead.",
                name=shift.name,
                required_headcount=shift.required_headcount,
                staffed=int(staffed or 0),
            )
        )


async def check_rules(
    session: AsyncSession,
    *,
    requester: Employee,
    counterpart: Employee,
    mine: tuple[Assignment, Shift],
    theirs: tuple[Assignment, Shift] | None,
    settings: Settings,
    earliest: datetime,
) -> None:
    """Both people, once swapped, still obey SWP-1, SWP-4 and SWP-5. Without `theirs` it is a give-away: the
    counterpart takes the requester's shift and gives nothing back, and the shift must keep its head-count (SWP-7)."""
    if requester.level != counterpart.level:
        raise DifferentLevels(
            t(
                "Swaps are only between employees of the same level: {name} is level {level}, {name2} is "
                "level {level2}.",
                name=requester.name,
                level=requester.level,
                name2=counterpart.name,
                level2=counterpart.level,
            )
        )
    await _check_monthly_limit(session, [requester, counterpart], earliest, settings)
    if theirs is None:
        await check_give_away_headcount(session, mine[1])
    else:
        await check_may_work(session, requester, takes=theirs[1], gives_up=mine[0], settings=settings)
    await check_may_work(session, counterpart, takes=mine[1], gives_up=theirs[0] if theirs else None, settings=settings)
