"""A category's policy changes one edit after another; a stale If-Match gets 412."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import httpx
import pytest


async def test_category_patch_with_a_stale_if_match_is_412_and_changes_nothing(
    client: httpx.AsyncClient, org: Any
) -> None:
    categories = (await client.get("/v1/categories", params={"limit": 100}, headers=org.deputy.headers)).json()
    inquiry = next(c for c in categories["items"] if c["code"] == "inquiry")
    url = f"/v1/categories/{inquiry['id']}"
    read = await client.get(url, headers=org.deputy.headers)
    tag = read.headers["ETag"]
    assert tag == f'"{inquiry["version"]}"'

    changed = await client.patch(url, json={"warning_minutes": 20}, headers={**org.deputy.headers, "If-Match": tag})
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == f'"{inquiry["version"] + 1}"'
    stale = await client.patch(url, json={"warning_minutes": 5}, headers={**org.deputy.headers, "If-Match": tag})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert (await client.get(url, headers=org.deputy.headers)).json()["warning_minutes"] == 20


async def test_malformed_if_match_is_400(client: httpx.AsyncClient, org: Any) -> None:
    categories = (await client.get("/v1/categories", headers=org.deputy.headers)).json()
    response = await client.patch(
        f"/v1/categories/{categories['items'][0]['id']}",
        json={"warning_minutes": 20},
        headers={**org.deputy.headers, "If-Match": "latest"},
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:callcenter:problem:malformed-if-match"


@pytest.mark.postgres_only
@pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs PostgreSQL (TEST_POSTGRES_URL)")
async def test_concurrent_patches_of_one_category_each_get_their_own_version(
    client: httpx.AsyncClient, org: Any
) -> None:
    categories = (await client.get("/v1/categories", params={"limit": 100}, headers=org.deputy.headers)).json()
    inquiry = next(c for c in categories["items"] if c["code"] == "inquiry")
    url = f"/v1/categories/{inquiry['id']}"

    responses = await asyncio.gather(
        *(client.patch(url, json={"warning_minutes": n}, headers=org.deputy.headers) for n in range(1, 11))
    )

    assert [r.status_code for r in responses] == [200] * 10
    start = inquiry["version"]
    assert sorted(r.json()["version"] for r in responses) == list(range(start + 1, start + 11))
    newest = max(responses, key=lambda r: r.json()["version"]).json()
    assert (await client.get(url, headers=org.deputy.headers)).json()["warning_minutes"] == newest["warning_minutes"]
