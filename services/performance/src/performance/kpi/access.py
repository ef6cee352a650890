"""Who may manage KPIs: level 3 and above define KPIs, run periods and correct scorecards."""

from __future__ import annotations

from callcenter_shared.auth import Principal
from callcenter_shared.errors import Forbidden


def require_manager(principal: Principal) -> None:
    if principal.level < 3:
        raise Forbidden("Only level 3 and above manage KPI definitions, periods and corrections.")
