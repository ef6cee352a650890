"""LEV-7 → ESC-14 across services: a team leader's approved leave starts in scheduling (a deadline row fires),
`delegation.started` reaches every other service over NATS, and escalation routes a new case that would go to
the leader to the deputy holding the team's affairs, recorded as acting for the leader; once the leave is over
(`delegation.ended`), cases go to the leader again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from callcenter_shared.org import org_acting
from callcenter_testing import eventually, http_client

CASE = {
    "category": "major_customer_problem",  # entry level 2: the team leader's (ESC-2)
    "channel": "phone",
    "customer_contact": "Ms. Li, 138 0000 0000",
    "description": "Billed twice for the same month.",
}


async def test_a_leader_on_leave_has_new_cases_go_to_the_deputy_acting_for_them_over_nats_LEV_7_ESC_14(
    frozen_stack: Any, make_org: Callable[..., Any]
) -> None:
    stack = frozen_stack
    org = await make_org(stack)
    agent = await org.agent("Wang Fang")
    deputy = await org.agent("Zhou Min")
    await org.reached("escalation", "performance", "recognition")
    starts = stack.clock.now() + timedelta(days=2)

    async with http_client(stack.apps["scheduling"]) as scheduling, http_client(stack.apps["escalation"]) as esc:
        asked = await scheduling.post(
            "/v1/leave",
            json={"leave_type": "annual", "starts_at": starts.isoformat(),
                  "ends_at": (starts + timedelta(days=2)).isoformat(), "deputy_id": str(deputy.id)},
            headers=org.leader.headers(stack, "scheduling"),
        )  # fmt: skip
        assert asked.status_code == 201, asked.text
        approved = await scheduling.post(
            f"/v1/leave/{asked.json()['id']}/approve", json={}, headers=org.deputy.headers(stack, "scheduling")
        )
        assert approved.json()["status"] == "approved", approved.text

        before = await esc.post("/v1/cases", json=CASE, headers=agent.headers(stack, "escalation"))
        assert before.status_code == 201, before.text
        assert (before.json()["handler_id"], before.json()["acting_for_id"]) == (str(org.leader.id), None)
        resolved = await esc.post(
            f"/v1/cases/{before.json()['id']}/resolve", json={"resolution": "Refunded."},
            headers=org.leader.headers(stack, "escalation"),
        )  # fmt: skip
        assert resolved.status_code == 200, resolved.text

        async def acting(service: str, *, ended: bool) -> bool:
            async with stack.session(service) as session:
                row = (await session.execute(select(org_acting).where(org_acting.c.absent_id == org.leader.id))).first()
                return row is not None and row.acting_id == deputy.id and (row.ended_at is not None) == ended

        stack.clock.advance(days=2, minutes=1)  # the leave begins: scheduling's deadline row fires
        for service in ("escalation", "performance", "recognition"):
            await eventually(lambda service=service: acting(service, ended=False))

        during = await esc.post("/v1/cases", json=CASE, headers=agent.headers(stack, "escalation"))
        assert during.status_code == 201, during.text
        case = during.json()
        assert (case["level"], case["handler_id"], case["acting_for_id"]) == (
            2, str(deputy.id), str(org.leader.id),
        )  # fmt: skip
        assert case["acting_for_name"] == "Li"
        tasks = (await esc.get("/v1/tasks/mine", headers=deputy.headers(stack, "escalation"))).json()["items"]
        assert case["id"] in {t["object_id"] for t in tasks}
        done = await esc.post(
            f"/v1/cases/{case['id']}/resolve", json={"resolution": "Refunded the second charge."},
            headers=deputy.headers(stack, "escalation"),
        )  # fmt: skip
        assert done.status_code == 200, done.text

        stack.clock.advance(days=2)  # the leave is over
        for service in ("escalation", "performance", "recognition"):
            await eventually(lambda service=service: acting(service, ended=True))
        after = await esc.post("/v1/cases", json=CASE, headers=agent.headers(stack, "escalation"))
        assert (after.json()["handler_id"], after.json()["acting_for_id"]) == (str(org.leader.id), None)
