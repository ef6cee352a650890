"""What `GET /v1/me` says a caller may do in performance, from the checks the endpoints apply."""

from __future__ import annotations

from callcenter_shared.me import Capability, passes
from performance.kpi.access import require_manager
from performance.qa.access import require_evaluator

# Interviews and coaching are recorded by the agent's leader or a manager (coaching/service.py).
COACH_LEVEL = 2
# Monthly bonus points are given by the team's leader (kpi/bonus_point.py).
TEAM_LEADER_LEVEL = 2

CAPABILITIES = [
    Capability(
        "evaluate_calls",
        "keep QA scorecards, evaluate calls in their span, resolve disputes and calibrate (QA)",
        lambda principal, _settings: passes(require_evaluator, principal),
    ),
    Capability(
        "coach_agents",
        "record performance interviews and coaching of agents in their span (PRF-6)",
        lambda principal, _settings: principal.level >= COACH_LEVEL,
    ),
    Capability(
        "give_bonus_points",
        "score their own team's agents for the month (PRF-5)",
        lambda principal, _settings: principal.level == TEAM_LEADER_LEVEL and principal.team_id is not None,
    ),
    Capability(
        "manage_kpis",
        "define KPIs, open and close periods and correct scorecards (PRF)",
        lambda principal, _settings: passes(require_manager, principal),
    ),
]
