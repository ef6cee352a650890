"""Who may see and do what in performance, answered from the org read copy (ORG-5).

Every access decision of the service lives here, with the levels named
(`callcenter_shared.levels`); the use cases call these functions (decision 0007).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import acting, visibility
from callcenter_shared.auth import Principal
from callcenter_shared.errors import Forbidden
from callcenter_shared.i18n import t
from callcenter_shared.levels import Level, at_least, is_agent, is_team_leader
from callcenter_shared.org import Person

MANAGER = Level.DEPUTY_GENERAL_MANAGER  # level 3 and above run KPIs for the center


def leads_people(principal: Principal) -> bool:
    """Team leaders, QA staff at level 2 and managers above them."""
    return at_least(principal, Level.TEAM_LEADER)


# Who sees whom


async def can_see(session: AsyncSession, principal: Principal, employee_id: uuid.UUID) -> bool:
    """An agent sees themselves, a team leader their team and everyone below, L3+ everyone."""
    return await visibility.can_see(session, principal, employee_id)


async def visible_ids(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """Whose scores, evaluations and reviews the caller may see: None means everyone (L3+)."""
    return await visibility.visible_employee_ids(session, principal)


async def may_see_evaluations_of(session: AsyncSession, principal: Principal, agent_id: uuid.UUID) -> bool:
    """Someone else's evaluations: a leader of the agent's span, or a manager (QA-3)."""
    return leads_people(principal) and await can_see(session, principal, agent_id)


def sees_drafts(principal: Principal) -> bool:
    """Agents see their evaluations only once released (QA-3); evaluators see drafts."""
    return not is_agent(principal)


def may_see_team_bonus_points(principal: Principal, team_id: uuid.UUID) -> bool:
    """The team's own leader, and managers above team leaders (PRF-5)."""
    return at_least(principal, MANAGER) or (is_team_leader(principal) and principal.team_id == team_id)


# Who decides


def require_evaluator(principal: Principal) -> None:
    """QA: team leaders, QA staff at level 2 and above, and managers evaluate."""
    if not leads_people(principal):
        raise Forbidden(t("Only team leaders, QA staff at level 2 and above, and managers may evaluate."))


async def reviews_dispute(
    session: AsyncSession, who: Principal, *, agent_id: uuid.UUID, evaluator_id: uuid.UUID
) -> bool:
    """A dispute is reviewed by a leader of the agent's span other than the evaluator and the agent (QA-4)."""
    if who.employee_id in (agent_id, evaluator_id) or not leads_people(who):
        return False
    return await can_see(session, who, agent_id)


async def absent_dispute_reviewer(
    session: AsyncSession, principal: Principal, *, agent_id: uuid.UUID, evaluator_id: uuid.UUID
) -> Person | None:
    """The leader on leave the caller acts for who could review this dispute themselves (LEV-7); else None."""
    if principal.employee_id in (agent_id, evaluator_id):  # never one's own evaluation, for anyone
        return None

    async def could(who: Principal) -> bool:
        return await reviews_dispute(session, who, agent_id=agent_id, evaluator_id=evaluator_id)

    return await acting.stands_in_for(session, principal, could)


def require_kpi_manager(principal: Principal) -> None:
    """Level 3 and above define KPIs, run periods and correct scorecards."""
    if not at_least(principal, MANAGER):
        raise Forbidden(t("Only level 3 and above manage KPI definitions, periods and corrections."))


def require_review_recorder(principal: Principal, agent_id: uuid.UUID) -> None:
    """Bottom-rank review steps (PRF-7) are recorded by the agent's leader or a manager, never the agent."""
    if not leads_people(principal) or principal.employee_id == agent_id:
        raise Forbidden(t("Only the agent's leader or a manager records this."))


def require_coach(principal: Principal, agent_id: uuid.UUID) -> None:
    """Interviews (PRF-6) are recorded by the agent's leader or a manager, never the agent."""
    if not leads_people(principal) or principal.employee_id == agent_id:
        raise Forbidden(t("Interviews are recorded by the agent's leader or a manager, not by the agent."))


def require_follow_up_recorder(principal: Principal) -> None:
    if not leads_people(principal):
        raise Forbidden(t("Follow-ups are recorded by the leader."))


def gives_bonus_points_to(principal: Principal, agent: Person) -> bool:
    """The agent's team leader, or whoever the agent reports to (PRF-5)."""
    leads_team = is_team_leader(principal) and principal.team_id == agent.team_id
    return leads_team or agent.superior_id == principal.employee_id
