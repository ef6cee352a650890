"""Leave over HTTP: the approval chain, notice, probation and hours missed (LEV-1..4, ROS-3)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from callcenter_shared.clock import FrozenClock

SHANGHAI = timezone(timedelta(hours=8))
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


async def ask(floor: Any, person: Any, leave_type: str, start: datetime, end: datetime, **extra: Any) -> httpx.Response:
    body = {"leave_type": leave_type, "starts_at": start.isoformat(), "ends_at": end.isoformat(), **extra}
    return await floor.client.post("/v1/leave", json=body, headers=person.headers)


class TestChain:
    async def test_agent_leave_goes_team_leader_then_department_head_LEV_1(self, floor: Any) -> None:
        leave = (await ask(floor, floor.a1, "annual", at(10, 0), at(11, 0))).json()
        assert leave["first_approver_id"] == str(floor.leader_a.id)
        assert leave["final_approver_id"] == str(floor.manager.id)
        assert leave["awaiting"] == str(floor.leader_a.id)
        skipped = await floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.manager.headers)
        assert skipped.status_code == 422
        assert skipped.json()["rule"] == "LEV-1"
        other_leader = await floor.client.post(
            f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.leader_b.headers
        )
        assert other_leader.status_code == 403
        step = (
            await floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.leader_a.headers)
        ).json()
        assert step["status"] == "requested"
        assert step["awaiting"] == str(floor.manager.id)
        final = (
            await floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.manager.headers)
        ).json()
        assert final["status"] == "approved"
        assert final["awaiting"] is None

    async def test_team_leader_must_name_a_deputy_before_asking_LEV_1(self, floor: Any) -> None:
        refused = await ask(floor, floor.leader_a, "annual", at(10, 0), at(11, 0))
        assert refused.status_code == 422
        assert refused.json()["rule"] == "LEV-1"
        outsider = await ask(floor, floor.leader_a, "annual", at(10, 0), at(11, 0), deputy_id=str(floor.b1.id))
        assert outsider.json()["rule"] == "LEV-1"
        accepted = await ask(floor, floor.leader_a, "annual", at(10, 0), at(11, 0), deputy_id=str(floor.a1.id))
        assert accepted.status_code == 201
        body = accepted.json()
        assert body["first_approver_id"] is None
        assert body["awaiting"] == str(floor.manager.id)
        assert body["deputy_id"] == str(floor.a1.id)

    async def test_approver_refuses_with_a_reason(self, floor: Any, events: Events) -> None:
        leave = (await ask(floor, floor.a1, "annual", at(10, 0), at(11, 0))).json()
        response = await floor.client.post(
            f"/v1/leave/{leave['id']}/reject", json={"reason": "Peak week"}, headers=floor.leader_a.headers
        )
        assert response.json()["status"] == "rejected"
        assert (await events("callcenter.scheduling.leave.rejected.v1"))[0]["reason"] == "Peak week"

    async def test_requester_withdraws_an_undecided_request(self, floor: Any, events: Events) -> None:
        leave = (await ask(floor, floor.a1, "annual", at(10, 0), at(11, 0))).json()
        other = await floor.client.post(f"/v1/leave/{leave['id']}/withdraw", headers=floor.leader_a.headers)
        assert other.status_code == 403
        response = await floor.client.post(f"/v1/leave/{leave['id']}/withdraw", headers=floor.a1.headers)
        assert response.json()["status"] == "cancelled"
        assert response.json()["awaiting"] is None
        assert (await events("callcenter.scheduling.leave.cancelled.v1"))[0]["leave_id"] == leave["id"]
        late = await floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.leader_a.headers)
        assert late.status_code == 409


class TestNotice:
    async def test_sick_leave_half_an_hour_before_the_shift_is_refused_LEV_2(
        self, floor: Any, clock: FrozenClock
    ) -> None:
        await floor.on_shift(floor.a1, at(5, 8))
        clock.set(at(5, 7, 30))
        response = await ask(floor, floor.a1, "sick", at(5, 8), at(5, 16))
        assert response.status_code == 422
        assert response.json()["rule"] == "LEV-2"
        assert "1 h before the shift" in response.json()["detail"]

    async def test_sick_leave_two_hours_before_the_shift_is_accepted_LEV_2(
        self, floor: Any, clock: FrozenClock
    ) -> None:
        await floor.on_shift(floor.a1, at(5, 8))
        clock.set(at(5, 6))
        response = await ask(floor, floor.a1, "sick", at(5, 8), at(5, 16))
        assert response.status_code == 201, response.text

    async def test_ordinary_leave_needs_a_day_of_notice_LEV_2(self, floor: Any, clock: FrozenClock) -> None:
        clock.set(at(5, 6))
        refused = await ask(floor, floor.a1, "annual", at(5, 20), at(6, 4))
        assert refused.json()["rule"] == "LEV-2"
        assert (await ask(floor, floor.a1, "annual", at(6, 7), at(6, 20))).status_code == 201


class TestHours:
    async def test_hours_missed_come_from_the_shifts_actually_affected_LEV_3(self, floor: Any, events: Events) -> None:
        shift_5, first = await floor.on_shift(floor.a1, at(5, 8))  # 08-16
        await floor.on_shift(floor.a1, at(6, 8))  # 08-16, leave ends at 12:00: 4 h missed
        await floor.on_shift(floor.a1, at(8, 8))  # outside the leave
        leave = (await ask(floor, floor.a1, "personal", at(5, 0), at(6, 12))).json()
        await floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.leader_a.headers)
        final = (
            await floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.manager.headers)
        ).json()
        assert final["hours_missed"] == 12.0
        assert {gap["shift_id"] for gap in final["coverage_gaps"]} >= {str(shift_5)}
        assert final["coverage_gaps"][0]["missing"] == 1
        approved = await events("callcenter.scheduling.leave.approved.v1")
        assert approved[0]["hours_missed"] == 12.0
        assert approved[0]["employee_id"] == str(floor.a1.id)
        mine = (await floor.client.get("/v1/assignments", headers=floor.a1.headers)).json()
        assert mine["total"] == 1
        removed = await floor.client.get(
            "/v1/assignments", params={"include_removed": "true"}, headers=floor.a1.headers
        )
        gone = next(a for a in removed.json()["items"] if a["id"] == str(first))
        assert gone["active"] is False
        assert "personal leave" in gone["removed_reason"]


class TestProbation:
    async def test_no_personal_leave_during_probation_LEV_4_ORG_4(self, floor: Any) -> None:
        newcomer = await floor.org.agent(floor.team_a, floor.leader_a, probation_end_date="2027-01-31")
        refused = await ask(floor, newcomer, "personal", at(10, 0), at(11, 0))
        assert refused.status_code == 422
        assert refused.json()["rule"] == "LEV-4"
        assert (await ask(floor, newcomer, "sick", at(10, 0), at(11, 0))).status_code == 201

    async def test_personal_leave_allowed_once_probation_has_ended_ORG_4(self, floor: Any) -> None:
        confirmed = await floor.org.agent(floor.team_a, floor.leader_a, probation_end_date="2026-01-31")
        assert (await ask(floor, confirmed, "personal", at(10, 0), at(11, 0))).status_code == 201


class TestHolidayAndInput:
    async def test_leave_on_a_public_holiday_needs_the_heads_reason_ROS_3(self, floor: Any, clock: FrozenClock) -> None:
        clock.set(datetime(2026, 12, 20, 9, tzinfo=SHANGHAI))
        start = datetime(2027, 1, 1, 0, tzinfo=SHANGHAI)  # New Year's Day, from the holidays package
        leave = (await ask(floor, floor.a1, "annual", start, start + timedelta(days=1))).json()
        assert leave["on_holiday"] is True
        await floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.leader_a.headers)
        refused = await floor.client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.manager.headers)
        assert refused.json()["rule"] == "ROS-3"
        approved = await floor.client.post(
            f"/v1/leave/{leave['id']}/approve",
            json={"holiday_reason": "Family emergency"},
            headers=floor.manager.headers,
        )
        assert approved.json()["holiday_reason"] == "Family emergency"

    async def test_naive_datetimes_are_refused_with_a_clear_422(self, floor: Any) -> None:
        response = await floor.client.post(
            "/v1/leave",
            json={"leave_type": "annual", "starts_at": "2026-11-10T08:00:00", "ends_at": "2026-11-10T16:00:00"},
            headers=floor.a1.headers,
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "timezone" in response.json()["detail"]

    async def test_agents_see_only_their_own_leave(self, floor: Any) -> None:
        leave = (await ask(floor, floor.a1, "annual", at(10, 0), at(11, 0))).json()
        assert (await floor.client.get(f"/v1/leave/{leave['id']}", headers=floor.a2.headers)).status_code == 403
        assert (await floor.client.get(f"/v1/leave/{leave['id']}", headers=floor.leader_a.headers)).status_code == 200
        assert (await floor.client.get("/v1/leave", headers=floor.a2.headers)).json()["total"] == 0
        assert (await floor.client.get("/v1/leave", headers=floor.manager.headers)).json()["total"] == 1


class TestRaceWithSwap:
    """On PostgreSQL (TEST_POSTGRES_URL) the pool runs the two approvals side by side."""

    async def test_leave_approved_while_a_swap_of_the_person_is_approved_takes_off_only_their_shifts_LEV_3(
        self, floor: Any
    ) -> None:
        client, manager = floor.client, floor.manager
        for day in (5, 9, 13):  # a race needs a few tries to show; SWP-4 allows three swaps a month
            _, mine = await floor.on_shift(floor.a1, at(day, 8))
            _, theirs = await floor.on_shift(floor.b1, at(day + 1, 8))
            body = {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)}
            swap = (await client.post("/v1/swaps", json=body, headers=floor.a1.headers)).json()
            for person, action in ((floor.b1, "accept"), (floor.leader_a, "sign"), (floor.leader_b, "sign")):
                response = await client.post(f"/v1/swaps/{swap['id']}/{action}", headers=person.headers)
                assert response.status_code == 200, response.text
            leave = (await ask(floor, floor.a1, "annual", at(day, 0), at(day + 1, 0))).json()
            first = await client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=floor.leader_a.headers)
            assert first.status_code == 200, first.text

            leave_answer, swap_answer = await asyncio.gather(
                client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=manager.headers),
                client.post(f"/v1/swaps/{swap['id']}/approve", json={}, headers=manager.headers),
            )

            assert leave_answer.status_code == 200, leave_answer.text
            # Either the swap went first (a1 no longer works that day) or the leave cancelled it.
            assert swap_answer.status_code in (200, 422), swap_answer.text
            rows = (
                await client.get("/v1/assignments", params={"include_removed": "true"}, headers=manager.headers)
            ).json()["items"]
            by_id = {row["id"]: row for row in rows}
            for row in rows:
                if (row["removed_reason"] or "").startswith("On annual leave"):
                    assert row["employee_id"] == str(floor.a1.id), "someone else was taken off for a1's leave"
            swapped = (await client.get(f"/v1/swaps/{swap['id']}", headers=manager.headers)).json()
            if swap_answer.status_code == 200:
                assert swapped["status"] == "approved"
                assert by_id[str(mine)] | {"employee_id": str(floor.b1.id), "active": True} == by_id[str(mine)]
                assert by_id[str(theirs)]["employee_id"] == str(floor.a1.id)
            else:
                assert swapped["status"] == "cancelled"
                assert by_id[str(mine)]["active"] is False
                assert by_id[str(theirs)]["employee_id"] == str(floor.b1.id)
