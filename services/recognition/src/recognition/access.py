"""Who may decide and who may see in recognition, answered from the org read copy (ORG-5).

Every access decision of the service lives here, with the levels named
(`callcenter_shared.levels`); the use cases call these functions (decision 0007).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import acting, visibility
from callcenter_shared.auth import Principal
from callcenter_shared.errors import Forbidden
from callcenter_shared.i18n import t
from callcenter_shared.levels import Level, at_least, below, is_team_leader
from callcenter_shared.org import Person, get_person, org_employee, org_team, subordinate_ids, superior_chain

MANAGER = Level.DEPUTY_GENERAL_MANAGER  # level 3: administers catalog, tracks, rewards and competitions
SENIOR = Level.GENERAL_MANAGER  # level 4 and 5: senior management signs letters of praise (REC-8)


def leads_people(principal: Principal) -> bool:
    """Team leaders and everyone above them."""
    return at_least(principal, Level.TEAM_LEADER)


async def team_leader_id(session: AsyncSession, team_id: uuid.UUID) -> uuid.UUID | None:
    """The team's leader: as the team event names it, else its active L2 member."""
    return (await team_leader_ids(session, [team_id])).get(team_id)


async def team_leader_ids(session: AsyncSession, team_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """The leaders of `team_ids` that have one, as `team_leader_id` finds them, in two statements at most."""
    rows = await session.execute(select(org_team.c.id, org_team.c.leader_id).where(org_team.c.id.in_(team_ids)))
    leaders = {row.id: row.leader_id for row in rows if row.leader_id is not None}
    unnamed = [team_id for team_id in team_ids if team_id not in leaders]
    if unnamed:
        members = await session.execute(
            select(org_employee.c.team_id, org_employee.c.id).where(
                org_employee.c.team_id.in_(unnamed),
                org_employee.c.level == Level.TEAM_LEADER,
                org_employee.c.active.is_(True),
            )
        )
        leaders |= {row.team_id: row.id for row in members}
    return leaders


async def chain_of(session: AsyncSession, *, employee_id: uuid.UUID | None, team_id: uuid.UUID | None) -> list[Person]:
    """The people above a person, or above a team (its leader first, then the leader's superiors)."""
    if employee_id is not None:
        return await superior_chain(session, employee_id)
    if team_id is None:
        return []
    leader_id = await team_leader_id(session, team_id)
    if leader_id is None:
        return []
    return [await get_person(session, leader_id), *await superior_chain(session, leader_id)]


async def decides_at_level(
    session: AsyncSession,
    principal: Principal,
    *,
    level: int,
    employee_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
) -> bool:
    """True when the caller sits at `level` or above in the subject's chain of superiors."""
    if below(principal, level):
        return False
    chain = await chain_of(session, employee_id=employee_id, team_id=team_id)
    return any(person.id == principal.employee_id for person in chain)


async def waits_on(
    session: AsyncSession,
    principal: Principal,
    *,
    level: int,
    employee_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
) -> bool:
    """Whether a decision at `level` waits for the caller: the nearest person at `level` or above in the
    subject's chain of superiors (REC-2; anyone higher in the chain may decide too, but it waits on them)."""
    if below(principal, level):
        return False
    chain = await chain_of(session, employee_id=employee_id, team_id=team_id)
    decider = next((person for person in chain if at_least(person, level)), None)
    return decider is not None and decider.id == principal.employee_id


async def absent_decider(
    session: AsyncSession,
    principal: Principal,
    *,
    level: int,
    employee_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    parties: Collection[uuid.UUID | None],
) -> Person | None:
    """The leader on leave the caller acts for who could decide this at `level` themselves (LEV-7); else None.

    Never for one of the `parties` (the nominee, the nominator): a deputy does not decide their own request."""
    if principal.employee_id in parties:
        return None

    async def could(who: Principal) -> bool:
        return await decides_at_level(session, who, level=level, employee_id=employee_id, team_id=team_id)

    return await acting.stands_in_for(session, principal, could)


async def decided_for(session: AsyncSession, principal: Principal) -> list[Principal]:
    """Whom the caller decides for now: themselves, and the leaders on leave they act for (LEV-7)."""
    absent = [acting.as_principal(p) for p in await acting.acted_for(session, principal.employee_id) if p.active]
    return [principal, *absent]


def decides_redemptions(principal: Principal) -> bool:
    """Level 3 and above approve, reject and fulfil redemptions (the rewards administrators)."""
    return at_least(principal, MANAGER)


async def sees_private(
    session: AsyncSession, principal: Principal, *, employee_id: uuid.UUID | None, team_id: uuid.UUID | None
) -> bool:
    """The subject themselves (a team's members for a team) and their chain of superiors."""
    if employee_id is not None and principal.employee_id == employee_id:
        return True
    if employee_id is None and team_id is not None and principal.team_id == team_id:
        return True
    chain = await chain_of(session, employee_id=employee_id, team_id=team_id)
    return any(person.id == principal.employee_id for person in chain)


Subject = tuple[uuid.UUID | None, uuid.UUID | None]  # (a person, else a team)


async def private_subjects(session: AsyncSession, principal: Principal, subjects: Collection[Subject]) -> set[Subject]:
    """Those of `subjects` whose private data the caller sees, as `sees_private` decides, for a whole page at
    once: being in a person's chain of superiors is having them below you, so the caller's subordinates (and
    the teams' leaders) are read once, not one chain per subject. An agent is in nobody's chain (ORG-1)."""
    seen: set[Subject] = set()
    others: list[Subject] = []
    for subject in set(subjects):
        employee_id, team_id = subject
        if (employee_id is not None and employee_id == principal.employee_id) or (
            employee_id is None and team_id is not None and team_id == principal.team_id
        ):
            seen.add(subject)
        elif employee_id is not None or team_id is not None:
            others.append(subject)
    if not others or not leads_people(principal):
        return seen
    below = await subordinate_ids(session, principal.employee_id)
    teams = [team_id for employee_id, team_id in others if employee_id is None and team_id is not None]
    leaders = await team_leader_ids(session, teams) if teams else {}
    mine = below | {principal.employee_id}
    for employee_id, team_id in others:
        # A person: are they below the caller? A team: is its leader the caller, or below them?
        judged = employee_id if employee_id is not None else leaders.get(team_id) if team_id is not None else None
        if judged is not None and judged in (below if employee_id is not None else mine):
            seen.add((employee_id, team_id))
    return seen


# Who sees whom


async def can_see(session: AsyncSession, principal: Principal, employee_id: uuid.UUID) -> bool:
    """An agent sees themselves, a team leader their team and everyone below, L3+ everyone."""
    return await visibility.can_see(session, principal, employee_id)


async def visible_ids(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """Whose points, nominations and grants the caller may see: None means everyone (L3+)."""
    return await visibility.visible_employee_ids(session, principal)


async def require_sees_points(session: AsyncSession, principal: Principal, employee_id: uuid.UUID) -> None:
    if not await can_see(session, principal, employee_id):
        raise Forbidden(t("You may see only your own points (agents) or your team's (team leaders)."))


def sees_every_redemption(principal: Principal) -> bool:
    return at_least(principal, MANAGER)


async def require_letter_reader(
    session: AsyncSession, principal: Principal, *, employee_id: uuid.UUID | None, team_id: uuid.UUID | None
) -> None:
    """Level 3 and above, the recipient or their chain of superiors (REC-8)."""
    if not at_least(principal, MANAGER) and not await sees_private(
        session, principal, employee_id=employee_id, team_id=team_id
    ):
        raise Forbidden(t("Only the recipient, their chain of superiors or level 3 and above may request this letter."))


def require_share_reader(principal: Principal) -> None:
    """The recognition share report (REC-3): team leaders (their own team) and above."""
    if not leads_people(principal):
        raise Forbidden(t("The recognition share report is for team leaders and above."))


def share_of_own_team_only(principal: Principal) -> bool:
    return is_team_leader(principal)


def require_coverage_reader(principal: Principal, leader_id: uuid.UUID | None) -> None:
    """A team's praise coverage (REC-6): its leader and level 3 and above."""
    if principal.employee_id != leader_id and not at_least(principal, MANAGER):
        raise Forbidden(t("The praise coverage of a team is for its leader and the levels above."))


# Who decides


def require_catalog_admin(principal: Principal) -> None:
    if not at_least(principal, MANAGER):
        raise Forbidden(t("Only level 3 and above may change the award catalog."))


def require_track_admin(principal: Principal) -> None:
    if not at_least(principal, MANAGER):
        raise Forbidden(t("Only level 3 and above may configure the award tracks."))


def require_rewards_admin(principal: Principal) -> None:
    if not at_least(principal, MANAGER):
        raise Forbidden(t("Only level 3 and above administer rewards and review flags."))


def require_competition_organizer(principal: Principal) -> None:
    if not at_least(principal, MANAGER):
        raise Forbidden(t("Competitions are organised by level 3 and above."))


async def require_registrar(session: AsyncSession, principal: Principal, candidate_id: uuid.UUID) -> None:
    """Oneself, or as a leader someone in one's span (REC-7)."""
    if candidate_id != principal.employee_id and (
        not leads_people(principal) or not await can_see(session, principal, candidate_id)
    ):
        raise Forbidden(t("You may register yourself, or a member of your own team as its leader."))


def require_training_recorder(principal: Principal, winner_id: uuid.UUID) -> None:
    if principal.employee_id != winner_id and not at_least(principal, MANAGER):
        raise Forbidden(t("The winner or an organiser (level 3 and above) records the training follow-up."))


def may_sign_letters(signer: Person) -> bool:
    """Senior management, still with the company (REC-8)."""
    return signer.active and at_least(signer, SENIOR)


def require_letter_signer(principal: Principal, *, signer_id: uuid.UUID) -> None:
    """Only the senior manager a letter names signs or declines it (REC-11)."""
    if principal.employee_id != signer_id:
        raise Forbidden(t("Only the senior manager this letter names may sign or decline it."))
