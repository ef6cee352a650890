"""ORG-5: the org directory in scheduling reaches every other service's read copy over NATS."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from callcenter_shared.org import org_employee, org_team
from callcenter_testing import HR_SYSTEM, eventually, http_client, service_bearer


async def test_employee_created_over_http_reaches_every_read_copy_ORG_5(stack: Any) -> None:
    admin = service_bearer(stack.settings("scheduling"), HR_SYSTEM)
    async with http_client(stack.apps["scheduling"]) as client:
        root = await client.post("/v1/employees", json={"name": "赵总", "level": 5}, headers=admin)
        team = await client.post("/v1/teams", json={"name": "热线一组"}, headers=admin)
        assert root.status_code == team.status_code == 201
    root_id = uuid.UUID(root.json()["id"])
    team_id = uuid.UUID(team.json()["id"])

    for service in ("performance", "recognition", "escalation"):

        async def arrived(service: str = service) -> bool:
            async with stack.session(service) as session:
                name = await session.scalar(select(org_employee.c.name).where(org_employee.c.id == root_id))
                team_name = await session.scalar(select(org_team.c.name).where(org_team.c.id == team_id))
                return name == "赵总" and team_name == "热线一组"

        await eventually(arrived)


async def test_changes_arrive_in_order_and_only_the_newest_version_stays_ORG_5(stack: Any) -> None:
    admin = service_bearer(stack.settings("scheduling"), HR_SYSTEM)
    async with http_client(stack.apps["scheduling"]) as client:
        created = await client.post("/v1/employees", json={"name": "v1", "level": 5}, headers=admin)
        employee_id = created.json()["id"]
        for version in range(2, 6):
            response = await client.patch(f"/v1/employees/{employee_id}", json={"name": f"v{version}"}, headers=admin)
            assert response.status_code == 200

    async def newest() -> bool:
        async with stack.session("escalation") as session:
            row = (
                await session.execute(select(org_employee).where(org_employee.c.id == uuid.UUID(employee_id)))
            ).first()
            return row is not None and row.version == 5 and row.name == "v5"

    await eventually(newest)
    async with stack.session("escalation") as session:
        assert await session.scalar(select(func.count()).select_from(org_employee)) == 1
