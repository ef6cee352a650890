"""KPI definitions carry a version: each change bumps it, a stale If-Match gets 412 (PRF-1)."""

from __future__ import annotations

from typing import Any

import httpx


async def test_kpi_patch_with_a_stale_if_match_is_412_and_changes_nothing_PRF_1(
    client: httpx.AsyncClient, org: Any
) -> None:
    listed = {k["code"]: k for k in (await client.get("/v1/kpis", headers=org.deputy.headers)).json()["items"]}
    assert listed["fcr"]["version"] == 1

    changed = await client.patch("/v1/kpis/fcr", json={"target": 85}, headers={**org.deputy.headers, "If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["version"], changed.headers["ETag"]) == (2, '"2"')
    stale = await client.patch("/v1/kpis/fcr", json={"target": 90}, headers={**org.deputy.headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2

    listed = {k["code"]: k for k in (await client.get("/v1/kpis", headers=org.deputy.headers)).json()["items"]}
    assert (listed["fcr"]["target"], listed["fcr"]["version"]) == (85, 2)
