"""Who may evaluate in QA: team leaders, QA staff at level 2 and above, and managers."""

from __future__ import annotations

from callcenter_shared.auth import Principal
from callcenter_shared.errors import Forbidden


def require_evaluator(principal: Principal) -> None:
    if principal.level < 2:
        raise Forbidden("Only team leaders, QA staff at level 2 and above, and managers may evaluate.")
