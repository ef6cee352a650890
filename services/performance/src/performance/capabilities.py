"""What `GET /v1/me` says a caller may do in performance, from the checks the endpoints apply."""

from __future__ import annotations

from callcenter_shared.levels import is_team_leader
from callcenter_shared.me import Capability, passes
from performance import access

CAPABILITIES = [
    Capability(
        "evaluate_calls",
        "keep QA scorecards, evaluate calls in their span, resolve disputes and calibrate (QA)",
        lambda principal, _settings: passes(access.require_evaluator, principal),
    ),
    Capability(
        "coach_agents",
        "record performance interviews and coaching of agents in their span (PRF-6)",
        lambda principal, _settings: access.leads_people(principal),
    ),
    Capability(
        "give_bonus_points",
        "score their own team's agents for the month (PRF-5)",
        # Monthly bonus points are given by the team's own leader (kpi/bonus_point.py).
        lambda principal, _settings: is_team_leader(principal) and principal.team_id is not None,
    ),
    Capability(
        "manage_kpis",
        "define KPIs, open and close periods and correct scorecards (PRF)",
        lambda principal, _settings: passes(access.require_kpi_manager, principal),
    ),
]
