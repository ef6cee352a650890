"""Concurrent changes to the org directory lose nothing: scheduling applies them one after another,
and every read copy ends on the newest version with its state (ORG-5), over one real NATS."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import select

from callcenter_shared.org import org_employee, org_team
from callcenter_testing import HR_SYSTEM, bearer, eventually, http_client, service_bearer

COPIES = ("performance", "recognition", "escalation")


async def copy_row(stack: Any, service: str, table: Any, row_id: str) -> Any:
    async with stack.session(service) as session:
        return (await session.execute(select(table).where(table.c.id == uuid.UUID(row_id)))).first()


async def test_20_concurrent_renames_end_as_version_21_in_every_read_copy_ORG_5(stack: Any) -> None:
    admin = service_bearer(stack.settings("scheduling"), HR_SYSTEM)
    async with http_client(stack.apps["scheduling"]) as client:
        created = await client.post("/v1/employees", json={"name": "name-0", "level": 5}, headers=admin)
        assert created.status_code == 201, created.text
        employee_id = created.json()["id"]
        responses = await asyncio.gather(
            *(
                client.patch(f"/v1/employees/{employee_id}", json={"name": f"name-{n}"}, headers=admin)
                for n in range(1, 21)
            )
        )
        assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses if r.status_code != 200]
        by_version = {r.json()["version"]: r.json()["name"] for r in responses}
        assert sorted(by_version) == list(range(2, 22))
        itself = bearer(stack.settings("scheduling"), uuid.UUID(employee_id), 5)
        final = (await client.get(f"/v1/employees/{employee_id}", headers=itself)).json()
    assert (final["version"], final["name"]) == (21, by_version[21])

    for service in COPIES:

        async def caught_up(service: str = service) -> bool:
            row = await copy_row(stack, service, org_employee, employee_id)
            return row is not None and (row.version, row.name) == (21, final["name"])

        await eventually(caught_up, timeout=20)


async def test_a_new_leader_is_a_new_team_version_the_copies_take_ORG_5(stack: Any) -> None:
    admin = service_bearer(stack.settings("scheduling"), HR_SYSTEM)
    async with http_client(stack.apps["scheduling"]) as client:
        root = (await client.post("/v1/employees", json={"name": "Zhao", "level": 5}, headers=admin)).json()
        gm = await client.post(
            "/v1/employees", json={"name": "Qian", "level": 4, "superior_id": root["id"]}, headers=admin
        )
        deputy = await client.post(
            "/v1/employees", json={"name": "Sun", "level": 3, "superior_id": gm.json()["id"]}, headers=admin
        )
        team_id = (await client.post("/v1/teams", json={"name": "Hotline A"}, headers=admin)).json()["id"]
        leader = await client.post(
            "/v1/employees",
            json={"name": "Li", "level": 2, "superior_id": deputy.json()["id"], "team_id": team_id},
            headers=admin,
        )
        assert leader.status_code == 201, leader.text
        leader_id = leader.json()["id"]

        async def copies_hold(version: int, leader: str | None) -> None:
            for service in COPIES:

                async def arrived(service: str = service) -> bool:
                    row = await copy_row(stack, service, org_team, team_id)
                    return row is not None and (row.version, row.leader_id) == (
                        version,
                        uuid.UUID(leader) if leader else None,
                    )

                await eventually(arrived, timeout=20)

        await copies_hold(2, leader_id)
        left = await client.patch(f"/v1/employees/{leader_id}", json={"active": False}, headers=admin)
        assert left.status_code == 200, left.text
        await copies_hold(3, None)
