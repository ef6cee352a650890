"""A shift changes one edit after another; a stale If-Match gets 412 (no lost updates)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


async def test_shift_patch_with_a_stale_if_match_is_412_and_changes_nothing(floor: Any) -> None:
    shift_id = await floor.shift(floor.team_a, datetime(2026, 12, 1, 1, tzinfo=UTC), headcount=2)
    url = f"/v1/shifts/{shift_id}"
    read = await floor.client.get(url, headers=floor.leader_a.headers)
    assert read.headers["ETag"] == '"1"'

    raised = await floor.client.patch(
        url, json={"required_headcount": 3}, headers={**floor.leader_a.headers, "If-Match": '"1"'}
    )
    assert raised.status_code == 200, raised.text
    assert raised.headers["ETag"] == '"2"'
    stale = await floor.client.patch(
        url, json={"required_headcount": 5}, headers={**floor.manager.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2

    now = (await floor.client.get(url, headers=floor.leader_a.headers)).json()
    assert (now["required_headcount"], now["version"]) == (3, 2)


async def test_if_match_is_checked_after_access(floor: Any) -> None:
    shift_id = await floor.shift(floor.team_a, datetime(2026, 12, 1, 1, tzinfo=UTC))
    response = await floor.client.patch(
        f"/v1/shifts/{shift_id}", json={"name": "x"}, headers={**floor.leader_b.headers, "If-Match": '"9"'}
    )
    assert response.status_code == 403
