"""Track rules carry a version: each change bumps it, a stale If-Match gets 412 (REC-3)."""

from __future__ import annotations

from typing import Any

import httpx


async def test_track_rule_patch_with_a_stale_if_match_is_412_and_changes_nothing_REC_3(
    client: httpx.AsyncClient, org: Any
) -> None:
    rule = (await client.get("/v1/track-rules", headers=org.deputy.headers)).json()["items"][0]
    url = f"/v1/track-rules/{rule['id']}"
    tag = f'"{rule["version"]}"'

    changed = await client.patch(url, json={"min_agents": 7}, headers={**org.deputy.headers, "If-Match": tag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == rule["version"] + 1
    assert changed.headers["ETag"] == f'"{rule["version"] + 1}"'
    stale = await client.patch(url, json={"min_agents": 9}, headers={**org.deputy.headers, "If-Match": tag})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"

    now = next(
        r
        for r in (await client.get("/v1/track-rules", headers=org.deputy.headers)).json()["items"]
        if r["id"] == rule["id"]
    )
    assert (now["min_agents"], now["version"]) == (7, rule["version"] + 1)
