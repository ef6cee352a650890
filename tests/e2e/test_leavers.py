"""ORG-7 across services: a leader who leaves hands his team (ORG-6) and his open work to the
successor, and escalation and performance move what waits on him when `employee.left` arrives;
ORG-5: each consumer tells up to which directory change its copy is current."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from callcenter_shared.org import find_person
from callcenter_testing import HR_SYSTEM, eventually, http_client, service_bearer


async def test_a_leavers_open_case_and_coaching_pass_to_the_successor_over_nats_ORG_7(
    stack: Any, make_org: Callable[..., Any]
) -> None:
    org = await make_org(stack)
    agent = await org.agent("Wang Fang")
    successor = await org.employee(name="Zhou", level=2, superior_id=str(org.deputy.id))
    await org.reached("escalation", "performance")

    async with http_client(stack.apps["escalation"]) as escalation, http_client(stack.apps["performance"]) as perf:
        opened = await escalation.post(
            "/v1/cases",
            json={
                "category": "inquiry",
                "channel": "phone",
                "customer_contact": "Ms. Li",
                "description": "Billing question.",
            },
            headers=org.leader.headers(stack, "escalation"),
        )
        assert opened.status_code == 201, opened.text
        case = opened.json()
        assert case["handler_id"] == str(org.leader.id)
        coached = await perf.post(
            "/v1/coaching",
            json={"agent_id": str(agent.id), "goals": ["Confirm every fix"], "follow_up_due": "2099-01-10"},
            headers=org.leader.headers(stack, "performance"),
        )
        assert coached.status_code == 201, coached.text
        coaching_id = coached.json()["id"]

        async def successor_known() -> bool:
            me = await escalation.get("/v1/me", headers=successor.headers(stack, "escalation"))
            return me.status_code == 200

        await eventually(successor_known)
        async with http_client(stack.apps["scheduling"]) as scheduling:
            left = await scheduling.patch(
                f"/v1/employees/{org.leader.id}",
                json={"active": False, "successor_id": str(successor.id)},
                headers=service_bearer(stack.settings("scheduling"), HR_SYSTEM),
            )
        assert left.status_code == 200, left.text

        deputy = org.deputy.headers(stack, "escalation")

        async def case_moved() -> dict[str, Any] | None:
            now = (await escalation.get(f"/v1/cases/{case['id']}", headers=deputy)).json()
            return now if now["handler_id"] == str(successor.id) else None

        moved = await eventually(case_moved)
        assert moved["status"] == "open"
        history = (await escalation.get(f"/v1/cases/{case['id']}/history", headers=deputy)).json()["items"]
        [line] = [h for h in history if h["action"] == "moved_from_leaver"]
        assert line["detail"]["from_handler_id"] == str(org.leader.id)
        assert line["detail"]["to_handler_id"] == str(successor.id)
        tasks = (await escalation.get("/v1/tasks/mine", headers=successor.headers(stack, "escalation"))).json()
        assert case["id"] in {t["object_id"] for t in tasks["items"]}

        perf_deputy = org.deputy.headers(stack, "performance")

        async def coaching_moved() -> dict[str, Any] | None:
            now = (await perf.get(f"/v1/coaching/{coaching_id}", headers=perf_deputy)).json()
            return now if now["leader_id"] == str(successor.id) else None

        item = await eventually(coaching_moved)
        assert [f["note"] for f in item["follow_ups"]] == [
            f"Moved from {org.leader.id}, who left, to their successor {successor.id} (ORG-7)."
        ]


async def test_a_new_hire_shows_in_each_consumers_freshness_once_applied_ORG_5(
    stack: Any, make_org: Callable[..., Any]
) -> None:
    org = await make_org(stack)
    hr = service_bearer(stack.settings("scheduling"), HR_SYSTEM)
    async with http_client(stack.apps["scheduling"]) as scheduling:
        hired = await scheduling.post(
            "/v1/employees",
            json={"name": "New hire", "level": 1, "superior_id": str(org.leader.id), "team_id": str(org.team_id)},
            headers=hr,
        )
    assert hired.status_code == 201, hired.text
    changed_at = datetime.fromisoformat(hired.json()["updated_at"])
    hire_id = uuid.UUID(hired.json()["id"])

    for service in ("performance", "recognition", "escalation"):
        async with http_client(stack.apps[service]) as client:

            async def current(client: Any = client, service: str = service) -> dict[str, Any] | None:
                response = await client.get(
                    "/v1/org/freshness", headers=service_bearer(stack.settings(service), HR_SYSTEM)
                )
                assert response.status_code == 200, response.text
                body: dict[str, Any] = response.json()["employee"]
                reached = body["current_to"] and datetime.fromisoformat(body["current_to"]) >= changed_at
                return body if reached else None

            freshness = await eventually(current)
            assert freshness["applied_at"] is not None
            async with stack.session(service) as session:
                # Current up to the hire means the hire is in the copy.
                assert await find_person(session, hire_id) is not None
