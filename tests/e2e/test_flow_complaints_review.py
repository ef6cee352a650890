"""ESC-12 → PRF-7a across services: complaints verified in escalation count against the agent in
performance, and the third in a calendar month flags the agent for bottom-rank review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from callcenter_testing import eventually, http_client


async def test_three_attributed_complaints_in_a_month_flag_the_agent_ESC_12_PRF_7a(
    frozen_stack: Any, make_org: Callable[..., Any]
) -> None:
    stack = frozen_stack
    org = await make_org(stack)
    receiver = await org.agent("Wang Fang")
    named = await org.agent("Li Na")
    await org.reached("escalation", "performance")
    performance = stack.apps["performance"]
    deputy = org.deputy.headers(stack, "performance")

    async def complaint_metrics(client: Any) -> int:
        response = await client.get(
            "/v1/metrics", params={"agent_id": str(named.id), "metric": "verified_complaints"}, headers=deputy
        )
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    async def reviews(client: Any) -> list[dict[str, Any]]:
        response = await client.get("/v1/reviews", headers=deputy)
        assert response.status_code == 200, response.text
        return [r for r in response.json()["items"] if r["agent_id"] == str(named.id)]

    case_ids = []
    async with http_client(stack.apps["escalation"]) as escalation, http_client(performance) as perf:
        for count, day in enumerate((3, 12, 27), start=1):
            stack.clock.set(datetime(2026, 11, day, 2, 0, tzinfo=UTC))  # 10:00 in the center
            opened = await escalation.post(
                "/v1/cases",
                json={"category": "service_attitude", "channel": "phone", "customer_contact": f"Customer {day}",
                      "description": "The customer says the agent was rude and hung up.",
                      "named_agent_id": str(named.id)},
                headers=receiver.headers(stack, "escalation"),
            )  # fmt: skip
            assert opened.status_code == 201, opened.text
            case_id = opened.json()["id"]
            attributed = await escalation.post(
                f"/v1/cases/{case_id}/attribution",
                json={"note": "Recording confirms the tone."},
                headers=org.leader.headers(stack, "escalation"),
            )
            assert attributed.status_code == 200, attributed.text
            assert attributed.json()["attributed_agent_id"] == str(named.id)
            case_ids.append(case_id)
            if count == 2:
                # Two complaints are counted (the complaints KPI's raw metric), and that is no flag yet.
                async def two_counted() -> bool:
                    return await complaint_metrics(perf) == 2

                await eventually(two_counted)
                assert await reviews(perf) == []

        async def flagged() -> list[dict[str, Any]]:
            return await reviews(perf)

        [review] = await eventually(flagged)
        assert review["rule"] == "PRF-7a"
        assert review["status"] == "flagged"
        assert "3 verified complaints in 2026-11" in review["evidence"]
        for case_id in case_ids:
            assert case_id in review["evidence"]
        assert await complaint_metrics(perf) == 3
        # The agent who received the complaints is not flagged.
        everyone = (await perf.get("/v1/reviews", headers=deputy)).json()["items"]
        assert [r["agent_id"] for r in everyone] == [str(named.id)]


async def test_complaint_counts_in_the_centers_calendar_month_ESC_12_PRF_7a(
    frozen_stack: Any, make_org: Callable[..., Any]
) -> None:
    """A complaint at 07:00 on 1 December in the center (23:00 UTC on 30 November) is a December one."""
    stack = frozen_stack
    org = await make_org(stack)
    receiver = await org.agent("Wang Fang")
    named = await org.agent("Li Na")
    await org.reached("escalation", "performance")
    deputy = org.deputy.headers(stack, "performance")
    moments = (datetime(2026, 11, 10, 2, 0, tzinfo=UTC), datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
               datetime(2026, 11, 30, 23, 0, tzinfo=UTC))  # fmt: skip
    async with http_client(stack.apps["escalation"]) as escalation, http_client(stack.apps["performance"]) as perf:
        for moment in moments:
            stack.clock.set(moment)
            opened = await escalation.post(
                "/v1/cases",
                json={"category": "service_attitude", "channel": "phone", "customer_contact": "Ms. Li",
                      "description": "Rude on the phone.",
                      "named_agent_id": str(named.id)},
                headers=receiver.headers(stack, "escalation"),
            )  # fmt: skip
            assert opened.status_code == 201, opened.text
            attributed = await escalation.post(
                f"/v1/cases/{opened.json()['id']}/attribution", json={}, headers=org.leader.headers(stack, "escalation")
            )
            assert attributed.status_code == 200, attributed.text

        async def counted() -> list[str] | None:
            response = await perf.get(
                "/v1/metrics", params={"agent_id": str(named.id), "metric": "verified_complaints"}, headers=deputy
            )
            days = [m["day"] for m in response.json()["items"]]
            return days if len(days) == 3 else None

        assert await eventually(counted) == ["2026-11-10", "2026-11-20", "2026-12-01"]
        reviews = await perf.get("/v1/reviews", headers=deputy)
        assert reviews.json()["items"] == []  # two in November, one in December: no flag
