"""PRF-7 → PRF-9 across services: an agent taken off post for training in performance is kept off
call-taking shifts in scheduling, their future call-taking shifts are released and the gaps wait for the
team's leader; back on post after the re-assessment, they can be rostered again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from callcenter_testing import eventually, http_client
from scheduling.roster.models import OffPostPeriod

SHANGHAI = timezone(timedelta(hours=8))


async def test_off_post_releases_call_taking_shifts_reports_the_gaps_and_back_on_post_lifts_it_PRF_9(
    frozen_stack: Any, make_org: Callable[..., Any]
) -> None:
    stack = frozen_stack
    org = await make_org(stack)
    agent = await org.agent("Wang Fang")
    await org.agent("Li Na")
    await org.reached("performance")
    leader_sch, leader_perf = org.leader.headers(stack, "scheduling"), org.leader.headers(stack, "performance")

    async with http_client(stack.apps["scheduling"]) as scheduling, http_client(stack.apps["performance"]) as perf:

        async def shift(day: int, *, call_taking: bool = True) -> str:
            begins = datetime(2026, 11, day, 8, tzinfo=SHANGHAI)
            response = await scheduling.post(
                "/v1/shifts",
                json={"team_id": str(org.team_id), "name": f"Day {day}", "starts_at": begins.isoformat(),
                      "ends_at": (begins + timedelta(hours=8)).isoformat(), "required_headcount": 1,
                      "call_taking": call_taking},
                headers=leader_sch,
            )  # fmt: skip
            assert response.status_code == 201, response.text
            return str(response.json()["id"])

        async def assign(shift_id: str) -> Any:
            return await scheduling.post(
                f"/v1/shifts/{shift_id}/assignments", json={"employee_id": str(agent.id)}, headers=leader_sch
            )

        calls = [await shift(5), await shift(7)]
        training = await shift(6, call_taking=False)
        for shift_id in (*calls, training):
            assert (await assign(shift_id)).status_code == 201

        # Failed assessment and failed resit: flagged (PRF-7c); the leader takes the agent off post.
        for kind in ("assessment", "resit"):
            recorded = await perf.post(
                "/v1/training-results",
                json={"agent_id": str(agent.id), "course": "Broadband tariffs", "kind": kind, "outcome": "failed",
                      "taken_on": "2026-11-01"},
                headers=leader_perf,
            )  # fmt: skip
            assert recorded.status_code == 201, recorded.text
        [review] = (await perf.get("/v1/reviews", headers=leader_perf)).json()["items"]
        started = await perf.post(
            f"/v1/reviews/{review['id']}/training", json={"note": "Two weeks of tariff training"}, headers=leader_perf
        )
        assert started.status_code == 200, started.text

        async def released() -> list[dict[str, Any]] | None:
            response = await scheduling.get(
                "/v1/assignments", params={"employee_id": str(agent.id), "include_removed": "true"}, headers=leader_sch
            )
            items: list[dict[str, Any]] = response.json()["items"]
            gone = [a for a in items if not a["active"]]
            return items if len(gone) == 2 else None

        by_shift = {a["shift_id"]: a for a in await eventually(released)}
        for shift_id in calls:
            assert "PRF-9" in by_shift[shift_id]["removed_reason"]
            assert "Two weeks of tariff training" in by_shift[shift_id]["removed_reason"]
        assert by_shift[training]["active"] is True

        tasks = (await scheduling.get("/v1/tasks/mine", headers=leader_sch)).json()["items"]
        gaps = [t for t in tasks if t["kind"] == "roster.fill_gap"]
        assert sorted(t["object_id"] for t in gaps) == sorted(calls)
        assert all("Wang Fang" in t["title"] for t in gaps)

        later = await shift(9)
        refused = await assign(later)
        assert refused.status_code == 422
        assert refused.json()["rule"] == "PRF-9"

        passed = await perf.post(
            f"/v1/reviews/{review['id']}/reassessment", json={"passed": True, "note": "Passed"}, headers=leader_perf
        )
        assert passed.status_code == 200, passed.text

        async def back_on_post() -> bool:
            async with stack.session("scheduling") as session:
                period = await session.scalar(select(OffPostPeriod).where(OffPostPeriod.employee_id == agent.id))
                return period is not None and period.ended_at is not None

        await eventually(back_on_post)
        assert (await assign(later)).status_code == 201
