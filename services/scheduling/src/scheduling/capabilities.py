"""What `GET /v1/me` says a caller may do in scheduling, from the checks the endpoints apply."""

from __future__ import annotations

import uuid

from callcenter_shared.auth import Principal
from callcenter_shared.me import Capability, passes
from scheduling.access import require_team_manager
from scheduling.org.service import require_directory_admin
from scheduling.settings import Settings

# Holidays, and staffing changes of a shift that names no duty manager, are decided from this
# level up (holiday/service.py, roster/service.py).
MANAGER_LEVEL = 3
# Leave goes to the requester's superior first (leave/service.py): anyone with reports.
LEADER_LEVEL = 2


def _manages_a_roster(principal: Principal, _settings: Settings) -> bool:
    # Their own team's; without a team, only a manager who may change any team's.
    return passes(require_team_manager, principal, principal.team_id or uuid.uuid4())


CAPABILITIES = [
    Capability(
        "manage_directory",
        "create and change teams and employees (POST/PATCH /v1/teams, /v1/employees)",
        lambda principal, _settings: passes(require_directory_admin, principal),
    ),
    Capability(
        "create_shifts",
        "create and change shifts and assignments, request staffing changes and open handovers for their own "
        "team (level 3 and above: every team)",
        _manages_a_roster,
    ),
    Capability(
        "approve_staffing_changes",
        "decide staffing changes of shifts that name no duty manager (a named duty manager decides their own)",
        lambda principal, _settings: principal.level >= MANAGER_LEVEL,
    ),
    Capability(
        "approve_swaps",
        "approve, reject and reverse shift swaps (SWP; the requester's manager at this level decides)",
        lambda principal, settings: principal.level >= settings.swap_approver_level,
    ),
    Capability(
        "approve_leave",
        "decide leave requests of the people who report to them, when it is their turn (LEV)",
        lambda principal, _settings: principal.level >= LEADER_LEVEL,
    ),
    Capability(
        "manage_holidays",
        "add center holidays to the calendar (ROS-3)",
        lambda principal, _settings: principal.level >= MANAGER_LEVEL,
    ),
]
