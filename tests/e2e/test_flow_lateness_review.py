"""HND-1 → PRF-7d across services: late check-ins at scheduling's handovers are discipline violations
in performance, and the third in a calendar month flags the employee for review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from callcenter_testing import eventually, http_client
from performance.review.models import Violation

SHANGHAI = timezone(timedelta(hours=8))


async def test_three_late_check_ins_in_a_month_flag_the_employee_HND_1_PRF_7d(
    frozen_stack: Any, make_org: Callable[..., Any]
) -> None:
    stack = frozen_stack
    org = await make_org(stack)
    night = await org.agent("Wang Fang")
    day = await org.agent("Li Na")
    await org.reached("performance")
    deputy = org.deputy.headers(stack, "performance")

    async def violations() -> list[date]:
        async with stack.session("performance") as session:
            rows = await session.scalars(select(Violation.occurred_on).where(Violation.employee_id == day.id))
            return sorted(rows.all())

    async def reviews(client: Any) -> list[dict[str, Any]]:
        response = await client.get("/v1/reviews", headers=deputy)
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    # Each morning the night shift (00-08) hands over to the day shift (08-16); the day agent must
    # check in by 07:45. Late on the 3rd, on time on the 4th, late on the 5th and the 6th.
    arrivals = {3: (7, 55), 4: (7, 40), 5: (8, 5), 6: (7, 46)}
    expected_late = {3: 10, 4: 0, 5: 20, 6: 1}
    async with http_client(stack.apps["scheduling"]) as client, http_client(stack.apps["performance"]) as perf:

        async def post(path: str, person: Any, body: dict[str, Any] | None = None) -> Any:
            response = await client.post(path, json=body, headers=person.headers(stack, "scheduling"))
            assert response.status_code == 201, response.text
            return response.json()

        for day_of_month, (hour, minute) in arrivals.items():
            stack.clock.set(
                datetime(2026, 11, day_of_month, 0, 0, tzinfo=SHANGHAI) - timedelta(hours=4)
            )  # rostered the evening before
            shifts = []
            for person, starts in ((night, 0), (day, 8)):
                begins = datetime(2026, 11, day_of_month, starts, tzinfo=SHANGHAI)
                shift = await post(
                    "/v1/shifts",
                    org.leader,
                    {"team_id": str(org.team_id), "name": f"{day_of_month}-{starts}", "starts_at": begins.isoformat(),
                     "ends_at": (begins + timedelta(hours=8)).isoformat(), "required_headcount": 1},
                )  # fmt: skip
                await post(f"/v1/shifts/{shift['id']}/assignments", org.deputy, {"employee_id": str(person.id)})
                shifts.append(shift["id"])
            handover = await post(
                "/v1/handovers",
                org.leader,
                {"team_id": str(org.team_id), "outgoing_shift_id": shifts[0], "incoming_shift_id": shifts[1]},
            )
            stack.clock.set(datetime(2026, 11, day_of_month, hour, minute, tzinfo=SHANGHAI))
            checked = await post(f"/v1/handovers/{handover['id']}/check-ins", day)
            assert checked["incoming"][0]["minutes_late"] == expected_late[day_of_month]

            if day_of_month == 5:
                # Two late check-ins have arrived as violations (the on-time one is none): no flag yet.
                async def two() -> bool:
                    return await violations() == [date(2026, 11, 3), date(2026, 11, 5)]

                await eventually(two)
                assert await reviews(perf) == []

        async def flagged() -> list[dict[str, Any]]:
            return await reviews(perf)

        [review] = await eventually(flagged)
        assert review["agent_id"] == str(day.id)
        assert review["rule"] == "PRF-7d"
        assert review["status"] == "flagged"
        assert "3 discipline violations in 2026-11" in review["evidence"]
        assert await violations() == [date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 6)]
