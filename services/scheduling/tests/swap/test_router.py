"""Shift swaps over HTTP: the SWP-1..6 workflow, its refusals, expiry, reversal and access."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock
from callcenter_testing import http_client

SHANGHAI = timezone(timedelta(hours=8))
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


async def request_swap(floor: Any, requester: Any, mine: uuid.UUID, theirs: uuid.UUID) -> httpx.Response:
    return await floor.client.post(
        "/v1/swaps",
        json={"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs), "note": "family"},
        headers=requester.headers,
    )


async def full_swap(
    floor: Any, mine: uuid.UUID, theirs: uuid.UUID, approval: dict[str, Any] | None = None
) -> dict[str, Any]:
    """a1 swaps with b1 through every step; returns the final swap."""
    response = await request_swap(floor, floor.a1, mine, theirs)
    assert response.status_code == 201, response.text
    swap_id = response.json()["id"]
    for person, action in (
        (floor.b1, "accept"),
        (floor.leader_b, "sign"),
        (floor.leader_a, "sign"),
    ):
        response = await floor.client.post(f"/v1/swaps/{swap_id}/{action}", headers=person.headers)
        assert response.status_code == 200, response.text
    response = await floor.client.post(
        f"/v1/swaps/{swap_id}/approve", json=approval or {}, headers=floor.manager.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def assignee(floor: Any, assignment_id: uuid.UUID) -> str:
    response = await floor.client.get(
        "/v1/assignments", params={"include_removed": "true"}, headers=floor.manager.headers
    )
    return str(next(a["employee_id"] for a in response.json()["items"] if a["id"] == str(assignment_id)))


class TestFullSwap:
    async def test_five_people_take_a_swap_through_every_step_and_the_roster_changes_SWP_3(
        self, floor: Any, events: Events
    ) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        client = floor.client
        response = await request_swap(floor, floor.a1, mine, theirs)
        assert response.status_code == 201, response.text
        swap = response.json()
        assert swap["status"] == "requested"
        assert swap["awaiting"] == {"step": "counterpart", "employee_ids": [str(floor.b1.id)]}
        assert swap["expires_at"].startswith("2026-11-05T00:00:00")
        swap_id = swap["id"]

        # The leaders cannot sign before the counterpart has accepted.
        early = await client.post(f"/v1/swaps/{swap_id}/sign", headers=floor.leader_a.headers)
        assert early.status_code == 422
        assert early.headers["content-type"] == "application/problem+json"
        assert early.json()["rule"] == "SWP-3"

        swap = (await client.post(f"/v1/swaps/{swap_id}/accept", headers=floor.b1.headers)).json()
        assert swap["awaiting"]["step"] == "team_leaders"
        assert set(swap["awaiting"]["employee_ids"]) == {str(floor.leader_a.id), str(floor.leader_b.id)}

        # The manager cannot approve before both leaders signed.
        early = await client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)
        assert early.json()["rule"] == "SWP-3"

        swap = (await client.post(f"/v1/swaps/{swap_id}/sign", headers=floor.leader_b.headers)).json()
        assert swap["awaiting"] == {"step": "team_leaders", "employee_ids": [str(floor.leader_a.id)]}
        assert await assignee(floor, mine) == str(floor.a1.id)
        swap = (await client.post(f"/v1/swaps/{swap_id}/sign", headers=floor.leader_a.headers)).json()
        assert swap["status"] == "signed"
        assert swap["awaiting"] == {"step": "manager", "employee_ids": [str(floor.manager.id)]}

        # Only the named manager approves: the GM above is not the approver of this request.
        other = await client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.org.gm.headers)
        assert other.status_code == 403
        swap = (await client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)).json()
        assert swap["status"] == "approved"
        assert swap["awaiting"] == {"step": None, "employee_ids": []}
        assert [step["action"] for step in swap["history"]] == ["requested", "accepted", "signed", "signed", "approved"]

        assert await assignee(floor, mine) == str(floor.b1.id)
        assert await assignee(floor, theirs) == str(floor.a1.id)
        approved = await events("callcenter.scheduling.swap.approved.v1")
        assert [e["swap_id"] for e in approved] == [swap_id]
        assert approved[0]["approved_by"] == str(floor.manager.id)
        assert len(await events("callcenter.scheduling.swap.requested.v1")) == 1
        assert len(await events("callcenter.scheduling.swap.signed.v1")) == 2

    async def test_counterpart_refuses_with_a_reason_and_it_is_published(self, floor: Any, events: Events) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        stranger = await floor.client.post(
            f"/v1/swaps/{swap_id}/reject", json={"reason": "no"}, headers=floor.a2.headers
        )
        assert stranger.status_code == 403
        response = await floor.client.post(
            f"/v1/swaps/{swap_id}/reject", json={"reason": "I have plans"}, headers=floor.b1.headers
        )
        assert response.json()["status"] == "rejected"
        assert response.json()["close_reason"] == "I have plans"
        rejected = await events("callcenter.scheduling.swap.rejected.v1")
        assert rejected[0]["step"] == "counterpart"
        assert rejected[0]["reason"] == "I have plans"
        missing = await floor.client.post(f"/v1/swaps/{swap_id}/reject", json={}, headers=floor.b1.headers)
        assert missing.status_code == 422


class TestRefusals:
    async def test_agent_cannot_swap_with_a_team_leader_SWP_1(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        shift_b = await floor.shift(floor.team_b, at(6, 8))
        theirs = await floor.assign(shift_b, floor.leader_b)
        response = await request_swap(floor, floor.a1, mine, theirs)
        assert response.status_code == 422
        assert response.json()["rule"] == "SWP-1"
        assert "same level" in response.json()["detail"]

    async def test_swap_needs_one_day_notice_before_the_earlier_shift_SWP_2(self, floor: Any) -> None:
        # The clock stands at 2026-11-02 17:00 center time: a shift at 2026-11-03 08:00 is 15 h away.
        _, mine = await floor.on_shift(floor.a1, at(3, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        response = await request_swap(floor, floor.a1, mine, theirs)
        assert response.status_code == 422
        assert response.json()["rule"] == "SWP-2"
        _, later = await floor.on_shift(floor.a1, at(4, 8))
        assert (await request_swap(floor, floor.a1, later, theirs)).status_code == 201

    async def test_fourth_swap_of_the_month_is_refused_SWP_4(self, floor: Any) -> None:
        for day in (5, 9, 13):
            _, mine = await floor.on_shift(floor.a1, at(day, 8))
            _, theirs = await floor.on_shift(floor.b1, at(day + 1, 8))
            await full_swap(floor, mine, theirs)
        _, mine = await floor.on_shift(floor.a1, at(17, 8))
        _, theirs = await floor.on_shift(floor.b1, at(18, 8))
        response = await request_swap(floor, floor.a1, mine, theirs)
        assert response.status_code == 422
        assert response.json()["rule"] == "SWP-4"
        assert "3 approved swaps this month" in response.json()["detail"]
        # December is a new month.
        _, mine = await floor.on_shift(floor.a1, datetime(2026, 12, 3, 8, tzinfo=SHANGHAI))
        _, theirs = await floor.on_shift(floor.b1, datetime(2026, 12, 4, 8, tzinfo=SHANGHAI))
        assert (await request_swap(floor, floor.a1, mine, theirs)).status_code == 201

    async def test_two_approvals_at_once_cannot_both_pass_the_monthly_limit_SWP_4(self, floor: Any) -> None:
        for day in (5, 9):
            _, mine = await floor.on_shift(floor.a1, at(day, 8))
            _, theirs = await floor.on_shift(floor.b1, at(day + 1, 8))
            await full_swap(floor, mine, theirs)
        signed = []
        for counterpart, signers, day in (
            (floor.b1, (floor.leader_b, floor.leader_a), 13),
            (floor.a2, (floor.leader_a,), 17),
        ):
            _, mine = await floor.on_shift(floor.a1, at(day, 8))
            _, theirs = await floor.on_shift(counterpart, at(day + 1, 8))
            swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
            for person, action in ((counterpart, "accept"), *((signer, "sign") for signer in signers)):
                response = await floor.client.post(f"/v1/swaps/{swap_id}/{action}", headers=person.headers)
                assert response.status_code == 200, response.text
            signed.append(swap_id)
        # Both are within the limit on their own; approved together they would be a1's 3rd and 4th.
        answers = await asyncio.gather(
            *(
                floor.client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)
                for swap_id in signed
            )
        )
        assert sorted(answer.status_code for answer in answers) == [200, 422]
        refused = next(answer for answer in answers if answer.status_code == 422)
        assert refused.json()["rule"] == "SWP-4"
        listed = await floor.client.get("/v1/swaps", params={"status": "approved"}, headers=floor.manager.headers)
        assert len(listed.json()["items"]) == 3

    async def test_swap_creating_overlapping_shifts_is_refused_SWP_5(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        await floor.on_shift(floor.a1, at(6, 10))  # a1 also works 10:00-18:00 on the 6th
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))  # b1's 08:00-16:00 on the 6th
        response = await request_swap(floor, floor.a1, mine, theirs)
        assert response.status_code == 422
        assert response.json()["rule"] == "SWP-5"
        assert "overlapping" in response.json()["detail"]

    async def test_swap_breaking_the_minimum_rest_is_refused_SWP_5(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        await floor.on_shift(floor.a1, at(6, 18), hours=6)  # a1 works 18:00-24:00 on the 6th
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))  # would end 16:00: only 2 h of rest
        response = await request_swap(floor, floor.a1, mine, theirs)
        assert response.status_code == 422
        assert response.json()["rule"] == "SWP-5"
        assert "rest only 2 h" in response.json()["detail"]

    async def test_uncertified_agent_cannot_take_a_shift_by_swap_SWP_5(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        response = await floor.client.patch(
            f"/v1/employees/{floor.a1.id}",
            json={"agent_number": None, "certified": False},
            headers=floor.org.admin.headers,
        )
        assert response.status_code == 200, response.text
        response = await request_swap(floor, floor.a1, mine, theirs)
        assert response.status_code == 422
        assert response.json()["rule"] == "SWP-5"
        assert "certified" in response.json()["detail"]

    async def test_only_own_assignment_can_be_offered(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        response = await request_swap(floor, floor.a2, mine, theirs)
        assert response.status_code == 403


class TestWithdrawAndExpiry:
    async def test_requester_withdraws_until_approved_SWP_6(self, floor: Any, events: Events) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        await floor.client.post(f"/v1/swaps/{swap_id}/accept", headers=floor.b1.headers)
        assert (await floor.client.post(f"/v1/swaps/{swap_id}/withdraw", headers=floor.b1.headers)).status_code == 403
        response = await floor.client.post(f"/v1/swaps/{swap_id}/withdraw", headers=floor.a1.headers)
        assert response.json()["status"] == "cancelled"
        cancelled = await events("callcenter.scheduling.swap.cancelled.v1")
        assert cancelled[0]["cancelled_by"] == str(floor.a1.id)

        _, mine = await floor.on_shift(floor.a1, at(9, 8))
        _, theirs = await floor.on_shift(floor.b1, at(10, 8))
        approved = await full_swap(floor, mine, theirs)
        late = await floor.client.post(f"/v1/swaps/{approved['id']}/withdraw", headers=floor.a1.headers)
        assert late.status_code == 422
        assert late.json()["rule"] == "SWP-6"

    async def test_unanswered_request_expires_when_the_earlier_shift_starts_SWP_6(
        self, floor: Any, clock: FrozenClock, app: FastAPI, events: Events
    ) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        await floor.client.post(f"/v1/swaps/{swap_id}/accept", headers=floor.b1.headers)
        clock.set(at(5, 7))
        await app.state.worker.fire_due()
        assert (await floor.client.get(f"/v1/swaps/{swap_id}", headers=floor.a1.headers)).json()["status"] == "accepted"
        clock.set(at(5, 8))
        await app.state.worker.fire_due()
        swap = (await floor.client.get(f"/v1/swaps/{swap_id}", headers=floor.a1.headers)).json()
        assert swap["status"] == "expired"
        assert swap["awaiting"]["step"] is None
        assert [e["swap_id"] for e in await events("callcenter.scheduling.swap.expired.v1")] == [swap_id]
        sign = await floor.client.post(f"/v1/swaps/{swap_id}/sign", headers=floor.leader_a.headers)
        assert sign.json()["rule"] == "SWP-6"

    async def test_expiry_fires_after_the_service_restarted_SWP_6(
        self, floor: Any, clock: FrozenClock, app: FastAPI, create_app_again: Callable[[], Awaitable[FastAPI]]
    ) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        await app.state.engine.dispose()

        restarted = await create_app_again()
        clock.set(at(5, 8))
        assert await restarted.state.worker.fire_due() == 1
        async with http_client(restarted) as client:
            swap = (await client.get(f"/v1/swaps/{swap_id}", headers=floor.a1.headers)).json()
        assert swap["status"] == "expired"
        assert swap["history"][-1]["action"] == "expired"


class TestReverseAndCancel:
    async def test_manager_reverses_an_approved_swap_and_history_keeps_both(self, floor: Any, events: Events) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap = await full_swap(floor, mine, theirs)
        refused = await floor.client.post(
            f"/v1/swaps/{swap['id']}/reverse", json={"reason": "x"}, headers=floor.leader_a.headers
        )
        assert refused.status_code == 403
        response = await floor.client.post(
            f"/v1/swaps/{swap['id']}/reverse", json={"reason": "Coverage on the 5th"}, headers=floor.manager.headers
        )
        body = response.json()
        assert body["status"] == "reversed"
        assert body["approved_at"] is not None
        assert body["reversal_reason"] == "Coverage on the 5th"
        assert [s["action"] for s in body["history"]][-2:] == ["approved", "reversed"]
        assert await assignee(floor, mine) == str(floor.a1.id)
        assert await assignee(floor, theirs) == str(floor.b1.id)
        assert len(await events("callcenter.scheduling.swap.reversed.v1")) == 1

    async def test_pending_swap_is_cancelled_when_leave_takes_the_assignment(self, floor: Any, events: Events) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        leave = await floor.client.post(
            "/v1/leave",
            json={"leave_type": "annual", "starts_at": at(6, 0).isoformat(), "ends_at": at(7, 0).isoformat()},
            headers=floor.b1.headers,
        )
        assert leave.status_code == 201, leave.text
        leave_id = leave.json()["id"]
        await floor.client.post(f"/v1/leave/{leave_id}/approve", json={}, headers=floor.leader_b.headers)
        await floor.client.post(f"/v1/leave/{leave_id}/approve", json={}, headers=floor.manager.headers)
        swap = (await floor.client.get(f"/v1/swaps/{swap_id}", headers=floor.a1.headers)).json()
        assert swap["status"] == "cancelled"
        assert "leave" in swap["close_reason"]
        cancelled = await events("callcenter.scheduling.swap.cancelled.v1")
        assert cancelled[0]["cancelled_by"] is None

    async def test_pending_swap_is_cancelled_when_a_shift_is_moved(self, floor: Any, events: Events) -> None:
        shift_a, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        moved = await floor.client.patch(
            f"/v1/shifts/{shift_a}",
            json={"starts_at": at(5, 9).isoformat(), "ends_at": at(5, 17).isoformat()},
            headers=floor.leader_a.headers,
        )
        assert moved.status_code == 200, moved.text
        swap = (await floor.client.get(f"/v1/swaps/{swap_id}", headers=floor.a1.headers)).json()
        assert swap["status"] == "cancelled"
        assert "moved" in swap["close_reason"]
        assert len(await events("callcenter.scheduling.swap.cancelled.v1")) == 1

    async def test_swap_cannot_be_reversed_once_the_earlier_shift_started(self, floor: Any, clock: FrozenClock) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap = await full_swap(floor, mine, theirs)
        clock.set(at(5, 8))
        response = await floor.client.post(
            f"/v1/swaps/{swap['id']}/reverse", json={"reason": "too late"}, headers=floor.manager.headers
        )
        assert response.status_code == 409
        assert await assignee(floor, mine) == str(floor.b1.id)


class TestHolidayAndAccess:
    async def test_swap_on_a_holiday_needs_the_heads_reason_ROS_3(self, floor: Any) -> None:
        added = await floor.client.post(
            "/v1/holidays", json={"day": "2026-11-06", "name": "Center anniversary"}, headers=floor.manager.headers
        )
        assert added.status_code == 201
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        for person, action in ((floor.b1, "accept"), (floor.leader_a, "sign"), (floor.leader_b, "sign")):
            await floor.client.post(f"/v1/swaps/{swap_id}/{action}", headers=person.headers)
        refused = await floor.client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)
        assert refused.status_code == 422
        assert refused.json()["rule"] == "ROS-3"
        approved = await floor.client.post(
            f"/v1/swaps/{swap_id}/approve", json={"holiday_reason": "Wedding"}, headers=floor.manager.headers
        )
        assert approved.json()["status"] == "approved"
        assert approved.json()["holiday_reason"] == "Wedding"

    async def test_holiday_added_after_the_request_still_needs_the_reason_ROS_3(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        for person, action in ((floor.b1, "accept"), (floor.leader_a, "sign"), (floor.leader_b, "sign")):
            await floor.client.post(f"/v1/swaps/{swap_id}/{action}", headers=person.headers)
        await floor.client.post(
            "/v1/holidays", json={"day": "2026-11-05", "name": "Typhoon closure"}, headers=floor.manager.headers
        )
        refused = await floor.client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)
        assert refused.json()["rule"] == "ROS-3"

    async def test_same_team_swap_needs_one_signature_from_the_shared_leader_SWP_3(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.a2, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        accepted = (await floor.client.post(f"/v1/swaps/{swap_id}/accept", headers=floor.a2.headers)).json()
        assert accepted["awaiting"] == {"step": "team_leaders", "employee_ids": [str(floor.leader_a.id)]}
        signed = (await floor.client.post(f"/v1/swaps/{swap_id}/sign", headers=floor.leader_a.headers)).json()
        assert signed["status"] == "signed"
        assert signed["awaiting"]["step"] == "manager"

    async def test_agents_see_only_their_own_swaps(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(6, 8))
        swap_id = (await request_swap(floor, floor.a1, mine, theirs)).json()["id"]
        assert (await floor.client.get(f"/v1/swaps/{swap_id}", headers=floor.a2.headers)).status_code == 403
        assert (await floor.client.get(f"/v1/swaps/{swap_id}", headers=floor.leader_b.headers)).status_code == 200
        listed = await floor.client.get("/v1/swaps", headers=floor.a2.headers)
        assert listed.json()["total"] == 0
        listed = await floor.client.get("/v1/swaps", headers=floor.b1.headers)
        assert listed.json()["total"] == 1
