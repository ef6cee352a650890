"""What `GET /v1/me` says a caller may do in recognition, from the checks the endpoints apply."""

from __future__ import annotations

from callcenter_shared.me import Capability, passes
from recognition.award.service import CATALOG_ADMIN_LEVEL
from recognition.competition.service import ORGANIZER_LEVEL
from recognition.praise.service import require_admin

CAPABILITIES = [
    Capability(
        "give_praise",
        "praise a colleague with points from their monthly allowance",
        lambda _principal, _settings: True,
    ),
    Capability(
        "nominate",
        "nominate someone else for an award (REC-2)",
        lambda _principal, _settings: True,
    ),
    Capability(
        "manage_awards",
        "add awards to the catalog",
        lambda principal, _settings: principal.level >= CATALOG_ADMIN_LEVEL,
    ),
    Capability(
        "manage_rewards",
        "stock the reward shop, decide redemptions and review reciprocity flags",
        lambda principal, _settings: passes(require_admin, principal),
    ),
    Capability(
        "organise_competitions",
        "create competitions, name judges and advance their rounds (REC-7)",
        lambda principal, _settings: principal.level >= ORGANIZER_LEVEL,
    ),
]
