"""Escalation runs on the org directory that scheduling publishes (ORG-5): the chain climbs by it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

from sqlalchemy import select

from callcenter_shared.clock import FrozenClock
from callcenter_shared.org import org_employee
from callcenter_testing import HR_SYSTEM, bearer, eventually, http_client, running, service_bearer


async def test_case_climbs_the_chain_scheduling_published_ESC_3_ESC_4(build_service: Callable[..., Any]) -> None:
    clock = FrozenClock()
    scheduling = await build_service("scheduling", clock=clock)
    escalation = await build_service("escalation", clock=clock)
    async with AsyncExitStack() as exits:
        await exits.enter_async_context(running(scheduling))
        await exits.enter_async_context(running(escalation))
        await escalation.state.consumer.ready.wait()

        admin = service_bearer(scheduling.state.settings, HR_SYSTEM)
        async with http_client(scheduling) as client:

            async def employee(**body: Any) -> str:
                response = await client.post("/v1/employees", json=body, headers=admin)
                assert response.status_code == 201, response.text
                return str(response.json()["id"])

            root = await employee(name="Exec", level=5)
            gm = await employee(name="GM", level=4, superior_id=root)
            deputy = await employee(name="Deputy", level=3, superior_id=gm)
            team = (await client.post("/v1/teams", json={"name": "Hotline"}, headers=admin)).json()["id"]
            leader = await employee(name="Leader", level=2, superior_id=deputy, team_id=team)
            agent = await employee(
                name="Agent", level=1, superior_id=leader, team_id=team, certified=True, agent_number="A100"
            )

        async def chain_arrived() -> bool:
            async with escalation.state.session_factory() as session:
                ids = set((await session.scalars(select(org_employee.c.id))).all())
                return {uuid.UUID(p) for p in (root, gm, deputy, leader, agent)} <= ids

        await eventually(chain_arrived)

        agent_headers = bearer(escalation.state.settings, uuid.UUID(agent), 1, uuid.UUID(team))
        async with http_client(escalation) as client:
            opened = await client.post(
                "/v1/cases",
                json={"category": "inquiry", "channel": "phone", "customer_contact": "c", "description": "d"},
                headers=agent_headers,
            )
            assert opened.status_code == 201, opened.text
            case_id = opened.json()["id"]
            clock.advance(minutes=60)  # the running worker fires the level-1 deadline

            async def at_level_two() -> dict[str, Any] | None:
                body: dict[str, Any] = (await client.get(f"/v1/cases/{case_id}", headers=agent_headers)).json()
                return body if body["level"] == 2 else None

            case = await eventually(at_level_two)
            assert case["handler_id"] == leader
            refused = await client.post(
                f"/v1/cases/{case_id}/escalate", json={"reason": "x", "to_handler_id": gm}, headers=agent_headers
            )
            assert refused.json()["rule"] == "ESC-4"
            moved = await client.post(f"/v1/cases/{case_id}/escalate", json={"reason": "x"}, headers=agent_headers)
            assert moved.json()["handler_id"] == deputy
