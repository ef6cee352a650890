"""What `GET /v1/me` says a caller may do in recognition, from the checks the endpoints apply."""

from __future__ import annotations

from callcenter_shared.me import Capability, passes
from recognition import access

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
        lambda principal, _settings: passes(access.require_catalog_admin, principal),
    ),
    Capability(
        "manage_rewards",
        "stock the reward shop, decide redemptions and review reciprocity flags",
        lambda principal, _settings: passes(access.require_rewards_admin, principal),
    ),
    Capability(
        "organise_competitions",
        "create competitions, name judges and advance their rounds (REC-7)",
        lambda principal, _settings: passes(access.require_competition_organizer, principal),
    ),
]
