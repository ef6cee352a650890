"""What `GET /v1/me` says a caller may do in scheduling, from the checks the endpoints apply."""

from __future__ import annotations

import uuid

from callcenter_shared.auth import Principal
from callcenter_shared.levels import is_agent
from callcenter_shared.me import Capability, passes
from scheduling import access
from scheduling.settings import Settings


def _manages_a_roster(principal: Principal, _settings: Settings) -> bool:
    # Their own team's; without a team, only a manager who may change any team's.
    return passes(access.require_team_manager, principal, principal.team_id or uuid.uuid4())


CAPABILITIES = [
    Capability(
        "manage_directory",
        "create and change teams and employees (POST/PATCH /v1/teams, /v1/employees)",
        lambda principal, _settings: passes(access.require_directory_admin, principal),
    ),
    Capability(
        "create_shifts",
        "create and change shifts and assignments, create and run rotations (ROS-6), request staffing changes and "
        "open handovers for their own team (level 3 and above: every team)",
        _manages_a_roster,
    ),
    Capability(
        "approve_staffing_changes",
        "decide staffing changes of shifts that name no duty manager (a named duty manager decides their own)",
        lambda principal, _settings: access.decides_staffing_change(principal, None),
    ),
    Capability(
        "approve_swaps",
        "approve, reject and reverse shift swaps (SWP; the requester's manager at this level decides)",
        lambda principal, settings: passes(access.require_swap_reverser, principal, settings.swap_approver_level),
    ),
    Capability(
        "approve_leave",
        "decide leave requests of the people who report to them, when it is their turn (LEV)",
        # Leave goes to the requester's superior first: anyone above an agent may have reports.
        lambda principal, _settings: not is_agent(principal),
    ),
    Capability(
        "manage_skills",
        "keep the skill catalog and grant or revoke people's skills (ROS-5)",
        lambda principal, _settings: passes(access.require_skill_editor, principal),
    ),
    Capability(
        "manage_holidays",
        "add center holidays to the calendar (ROS-3)",
        lambda principal, _settings: passes(access.require_holiday_editor, principal),
    ),
]
