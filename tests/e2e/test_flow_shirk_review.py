"""ESC-1 → PRF-10 → PRF-7d across services: a case handed off or refused in escalation is a discipline
violation in performance, and the third in a calendar month flags the employee for review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from callcenter_testing import eventually, http_client
from performance.review.models import Violation


async def test_three_shirks_in_a_month_are_violations_that_flag_the_agent_ESC_1_PRF_10(
    frozen_stack: Any, make_org: Callable[..., Any]
) -> None:
    stack = frozen_stack
    org = await make_org(stack)
    agent = await org.agent("Wang Fang")
    colleague = await org.agent("Li Na")
    await org.reached("escalation", "performance")
    deputy = org.deputy.headers(stack, "performance")

    async def shirks() -> list[str]:
        async with stack.session("performance") as session:
            rows = await session.scalars(
                select(Violation.detail).where(Violation.employee_id == agent.id, Violation.kind == "case_shirked")
            )
            return sorted(rows.all())

    async def reviews(client: Any) -> list[dict[str, Any]]:
        response = await client.get("/v1/reviews", headers=deputy)
        assert response.status_code == 200, response.text
        return [r for r in response.json()["items"] if r["agent_id"] == str(agent.id)]

    async with http_client(stack.apps["escalation"]) as escalation, http_client(stack.apps["performance"]) as perf:
        for day, attempt in ((3, "handoff"), (10, "reject"), (17, "handoff")):
            stack.clock.set(datetime(2026, 11, day, 2, 0, tzinfo=UTC))
            opened = await escalation.post(
                "/v1/cases",
                json={"category": "inquiry", "channel": "phone", "customer_contact": f"Customer {day}",
                      "description": "Asks about the new broadband tariff."},
                headers=agent.headers(stack, "escalation"),
            )  # fmt: skip
            assert opened.status_code == 201, opened.text
            body: dict[str, Any] = {"reason": "Not my product line"}
            if attempt == "handoff":
                body["to_employee_id"] = str(colleague.id)
            refused = await escalation.post(
                f"/v1/cases/{opened.json()['id']}/{attempt}", json=body, headers=agent.headers(stack, "escalation")
            )
            assert refused.status_code == 422, refused.text
            assert refused.json()["rule"] == "ESC-1"
            if day == 10:

                async def two() -> bool:
                    return len(await shirks()) == 2

                await eventually(two)
                assert await reviews(perf) == []

        async def flagged() -> list[dict[str, Any]]:
            return await reviews(perf)

        [review] = await eventually(flagged)
        assert review["rule"] == "PRF-7d"
        assert "3 discipline violations in 2026-11" in review["evidence"]
        assert review["evidence"].count("case_shirked") == 3
        recorded = await shirks()
        assert len(recorded) == 3
        assert any(d.startswith("refused case") for d in recorded)
        assert sum(d.startswith("handed off case") for d in recorded) == 2
