"""The open shift board over HTTP (SWP-7): offers, the board each person sees, the first taker, give-aways,
expiry and withdrawal."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock

SHANGHAI = timezone(timedelta(hours=8))
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


async def offer(floor: Any, person: Any, assignment_id: uuid.UUID, kind: str = "swap") -> httpx.Response:
    body = {"assignment_id": str(assignment_id), "kind": kind, "note": "Anyone?"}
    return await floor.client.post("/v1/swap-offers", json=body, headers=person.headers)


async def take(floor: Any, person: Any, offer_id: str, assignment_id: uuid.UUID | None = None) -> httpx.Response:
    body = {"assignment_id": str(assignment_id)} if assignment_id else {}
    return await floor.client.post(f"/v1/swap-offers/{offer_id}/take", json=body, headers=person.headers)


async def board(floor: Any, person: Any, **params: str) -> list[dict[str, Any]]:
    response = await floor.client.get("/v1/swap-offers", params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


async def assignee(floor: Any, assignment_id: uuid.UUID) -> str:
    response = await floor.client.get(
        "/v1/assignments", params={"include_removed": "true"}, headers=floor.manager.headers
    )
    return str(next(a["employee_id"] for a in response.json()["items"] if a["id"] == str(assignment_id)))


async def approve_all(floor: Any, swap_id: str, signers: tuple[Any, ...]) -> dict[str, Any]:
    for leader in signers:
        response = await floor.client.post(f"/v1/swaps/{swap_id}/sign", headers=leader.headers)
        assert response.status_code == 200, response.text
    response = await floor.client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


class TestTheBoard:
    async def test_eligible_colleagues_see_the_offer_with_what_they_may_give_SWP_7(
        self, floor: Any, events: Events
    ) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, a2_gives = await floor.on_shift(floor.a2, at(8, 8))
        _, b1_gives = await floor.on_shift(floor.b1, at(9, 8))
        response = await offer(floor, floor.a1, mine)
        assert response.status_code == 201, response.text
        posted = response.json()
        assert posted["status"] == "open"
        assert posted["offerer_name"] == "Wang Fang"
        assert posted["expires_at"].startswith("2026-11-05T00:00:00")

        # Agents of either team may take it, each with the assignment they would give back.
        (seen,) = await board(floor, floor.a2)
        assert (seen["id"], seen["may_take"], seen["assignments_to_give"]) == (posted["id"], True, [str(a2_gives)])
        (seen,) = await board(floor, floor.b1)
        assert seen["assignments_to_give"] == [str(b1_gives)]
        # A team leader is of another level (SWP-1); the offerer sees their own offer, not as one to take.
        assert await board(floor, floor.leader_b) == []
        (own,) = await board(floor, floor.a1)
        assert (own["id"], own["may_take"]) == (posted["id"], False)
        posted_events = await events("callcenter.scheduling.swap_offer.posted.v1")
        assert [(e["offer_id"], e["kind"]) for e in posted_events] == [(posted["id"], "swap")]

    async def test_the_board_hides_offers_the_caller_could_not_take_SWP_7(self, floor: Any) -> None:
        # A give-away needs a shift that can spare the giver: its duty manager staffs it above the head-count.
        shift = await floor.shift(floor.team_a, at(6, 8), headcount=1, duty_manager_id=str(floor.manager.id))
        given = await floor.assign(shift, floor.a1)
        await floor.assign(shift, floor.a2)
        offer_id = (await offer(floor, floor.a1, given, kind="give_away")).json()["id"]
        # b1 works 10:00-18:00 that day: taking the 08:00-16:00 shift would overlap (SWP-5).
        await floor.on_shift(floor.b1, at(6, 10))
        assert [o["id"] for o in await board(floor, floor.b1)] == []
        refused = await take(floor, floor.b1, offer_id)
        assert refused.status_code == 422
        assert refused.json()["rule"] == "SWP-5"
        # A swap offer: b1's one assignment (the 6th, 10:00) cannot go to a1 in return, who works the 6th already.
        _, other = await floor.on_shift(floor.a1, at(12, 8))
        await offer(floor, floor.a1, other)
        assert [o["id"] for o in await board(floor, floor.b1)] == []

    async def test_only_holders_of_the_shifts_skills_see_and_take_it_SWP_7_ROS_5(self, floor: Any) -> None:
        await floor.skill("english", floor.a1, floor.a2)
        shift = await floor.shift(
            floor.team_a, at(6, 8), headcount=1, duty_manager_id=str(floor.manager.id), required_skills=["english"]
        )
        given = await floor.assign(shift, floor.a1)
        await floor.assign(shift, floor.a2)
        offer_id = (await offer(floor, floor.a1, given, kind="give_away")).json()["id"]
        assert await board(floor, floor.b1) == []
        refused = await take(floor, floor.b1, offer_id)
        assert refused.status_code == 422
        assert refused.json()["rule"] == "ROS-5"
        await floor.skill("english", floor.b1)
        assert [o["id"] for o in await board(floor, floor.b1)] == [offer_id]
        assert (await take(floor, floor.b1, offer_id)).status_code == 200

    async def test_only_ones_own_assignment_is_offered_and_only_once(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        assert (await offer(floor, floor.a2, mine)).status_code == 403
        assert (await offer(floor, floor.a1, mine)).status_code == 201
        again = await offer(floor, floor.a1, mine)
        assert again.status_code == 409

    async def test_an_offer_too_close_to_its_shift_is_refused_SWP_2(self, floor: Any) -> None:
        _, soon = await floor.on_shift(floor.a1, at(3, 8))  # 15 h away
        response = await offer(floor, floor.a1, soon)
        assert response.status_code == 422
        assert response.json()["rule"] == "SWP-2"


class TestTaking:
    async def test_two_takers_at_once_exactly_one_wins_SWP_7(self, floor: Any, events: Events) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, a2_gives = await floor.on_shift(floor.a2, at(8, 8))
        _, b1_gives = await floor.on_shift(floor.b1, at(9, 8))
        offer_id = (await offer(floor, floor.a1, mine)).json()["id"]
        answers = await asyncio.gather(
            take(floor, floor.a2, offer_id, a2_gives), take(floor, floor.b1, offer_id, b1_gives)
        )
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        won = next(a for a in answers if a.status_code == 200).json()
        lost = next(a for a in answers if a.status_code == 409).json()
        assert "took the offer first" in lost["detail"]
        assert won["status"] == "taken"
        swaps = await floor.client.get("/v1/swaps", headers=floor.manager.headers)
        assert [s["id"] for s in swaps.json()["items"]] == [won["swap_id"]]
        assert [e["taker_id"] for e in await events("callcenter.scheduling.swap_offer.taken.v1")] == [won["taker_id"]]

    async def test_the_taker_becomes_the_counterpart_and_the_approvals_follow_SWP_7(
        self, floor: Any, events: Events
    ) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        _, theirs = await floor.on_shift(floor.b1, at(9, 8))
        offer_id = (await offer(floor, floor.a1, mine)).json()["id"]
        missing = await take(floor, floor.b1, offer_id)
        assert missing.status_code == 422  # a swap offer needs the assignment given in return
        stolen = await take(floor, floor.b1, offer_id, mine)
        assert stolen.status_code == 403
        taken = await take(floor, floor.b1, offer_id, theirs)
        assert taken.status_code == 200, taken.text
        assert (taken.json()["taker_name"], taken.json()["taker_assignment_id"]) == ("Zhang Wei", str(theirs))
        swap = (await floor.client.get(f"/v1/swaps/{taken.json()['swap_id']}", headers=floor.a1.headers)).json()
        assert (swap["status"], swap["kind"], swap["offer_id"]) == ("accepted", "swap", offer_id)
        assert (swap["requester_id"], swap["counterpart_id"]) == (str(floor.a1.id), str(floor.b1.id))
        assert swap["awaiting"]["step"] == "team_leaders"
        assert await assignee(floor, mine) == str(floor.a1.id)  # nothing changes before the approval
        approved = await approve_all(floor, swap["id"], (floor.leader_a, floor.leader_b))
        assert [s["action"] for s in approved["history"]] == ["offered", "taken", "signed", "signed", "approved"]
        assert await assignee(floor, mine) == str(floor.b1.id)
        assert await assignee(floor, theirs) == str(floor.a1.id)
        assert [e["swap_id"] for e in await events("callcenter.scheduling.swap.approved.v1")] == [swap["id"]]
        again = await take(floor, floor.a2, offer_id)
        assert again.status_code == 409

    async def test_a_team_leader_cannot_take_an_agents_offer_SWP_1(self, floor: Any) -> None:
        shift = await floor.shift(floor.team_a, at(6, 8), headcount=1, duty_manager_id=str(floor.manager.id))
        given = await floor.assign(shift, floor.a1)
        await floor.assign(shift, floor.a2)
        offer_id = (await offer(floor, floor.a1, given, kind="give_away")).json()["id"]
        refused = await take(floor, floor.leader_b, offer_id)
        assert refused.status_code == 422
        assert refused.json()["rule"] == "SWP-1"


class TestGiveAway:
    async def test_give_away_that_would_leave_the_shift_short_is_refused_SWP_7(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))  # head-count 1, staffed 1
        response = await offer(floor, floor.a1, mine, kind="give_away")
        assert response.status_code == 422
        assert response.json()["rule"] == "SWP-7"
        assert "head-count of 1" in response.json()["detail"]
        assert (await offer(floor, floor.a1, mine, kind="swap")).status_code == 201

    async def test_give_away_of_a_spare_place_goes_through_the_approvals_SWP_7(
        self, floor: Any, events: Events
    ) -> None:
        shift = await floor.shift(floor.team_a, at(6, 8), headcount=1, duty_manager_id=str(floor.manager.id))
        given = await floor.assign(shift, floor.a1)
        await floor.assign(shift, floor.a2)  # one above the head-count: a1 can be spared
        response = await offer(floor, floor.a1, given, kind="give_away")
        assert response.status_code == 201, response.text
        offer_id = response.json()["id"]
        (seen,) = await board(floor, floor.b1)
        assert (seen["kind"], seen["may_take"], seen["assignments_to_give"]) == ("give_away", True, [])
        refused = await take(floor, floor.b1, offer_id, given)
        assert refused.status_code == 422  # a give-away takes nothing in return
        taken = await take(floor, floor.b1, offer_id)
        assert taken.status_code == 200, taken.text
        swap_id = taken.json()["swap_id"]
        swap = (await floor.client.get(f"/v1/swaps/{swap_id}", headers=floor.b1.headers)).json()
        assert (swap["kind"], swap["counterpart_assignment_id"]) == ("give_away", None)
        approved = await approve_all(floor, swap_id, (floor.leader_a, floor.leader_b))
        assert approved["status"] == "approved"
        assert await assignee(floor, given) == str(floor.b1.id)
        (given_away,) = await events("callcenter.scheduling.shift.given_away.v1")
        assert (given_away["giver_id"], given_away["taker_id"]) == (str(floor.a1.id), str(floor.b1.id))
        assert given_away["offer_id"] == offer_id

    async def test_head_count_is_checked_again_at_approval_SWP_7(self, floor: Any) -> None:
        shift = await floor.shift(floor.team_a, at(6, 8), headcount=1, duty_manager_id=str(floor.manager.id))
        given = await floor.assign(shift, floor.a1)
        await floor.assign(shift, floor.a2)
        offer_id = (await offer(floor, floor.a1, given, kind="give_away")).json()["id"]
        swap_id = (await take(floor, floor.b1, offer_id)).json()["swap_id"]
        raised = await floor.client.patch(
            f"/v1/shifts/{shift}", json={"required_headcount": 2}, headers=floor.leader_a.headers
        )
        assert raised.status_code == 200, raised.text
        for leader in (floor.leader_a, floor.leader_b):
            await floor.client.post(f"/v1/swaps/{swap_id}/sign", headers=leader.headers)
        refused = await floor.client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)
        assert refused.status_code == 422
        assert refused.json()["rule"] == "SWP-7"
        assert await assignee(floor, given) == str(floor.a1.id)


class TestExpiryAndWithdrawal:
    async def test_an_untaken_offer_expires_when_its_shift_starts_SWP_7(
        self, floor: Any, clock: FrozenClock, app: FastAPI, events: Events
    ) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        offer_id = (await offer(floor, floor.a1, mine)).json()["id"]
        clock.set(at(5, 7))
        await app.state.worker.fire_due()
        assert (await board(floor, floor.a1))[0]["status"] == "open"
        clock.set(at(5, 8))
        await app.state.worker.fire_due()
        (expired,) = await board(floor, floor.a1)
        assert (expired["status"], expired["close_reason"]) == ("expired", "Not taken before the shift started.")
        assert [e["offer_id"] for e in await events("callcenter.scheduling.swap_offer.expired.v1")] == [offer_id]
        assert (await take(floor, floor.b1, offer_id)).status_code == 409

    async def test_the_offerer_withdraws_and_a_roster_change_cancels_SWP_7(self, floor: Any, events: Events) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        offer_id = (await offer(floor, floor.a1, mine)).json()["id"]
        other = await floor.client.post(f"/v1/swap-offers/{offer_id}/cancel", headers=floor.a2.headers)
        assert other.status_code == 403
        cancelled = await floor.client.post(f"/v1/swap-offers/{offer_id}/cancel", headers=floor.a1.headers)
        assert cancelled.json()["status"] == "cancelled"
        assert (await take(floor, floor.b1, offer_id)).status_code == 409
        assert await board(floor, floor.b1) == []

        shift, later = await floor.on_shift(floor.a1, at(12, 8))
        offer_id = (await offer(floor, floor.a1, later)).json()["id"]
        moved = await floor.client.patch(
            f"/v1/shifts/{shift}",
            json={"starts_at": at(12, 9).isoformat(), "ends_at": at(12, 17).isoformat()},
            headers=floor.leader_a.headers,
        )
        assert moved.status_code == 200, moved.text
        read = await floor.client.get(f"/v1/swap-offers/{offer_id}", headers=floor.a1.headers)
        assert read.json()["status"] == "cancelled"
        assert "moved" in read.json()["close_reason"]
        withdrawn = await events("callcenter.scheduling.swap_offer.cancelled.v1")
        assert [e["cancelled_by"] for e in withdrawn] == [str(floor.a1.id), None]

    async def test_who_reads_an_offer(self, floor: Any) -> None:
        _, mine = await floor.on_shift(floor.a1, at(5, 8))
        await floor.on_shift(floor.b1, at(9, 8))
        offer_id = (await offer(floor, floor.a1, mine)).json()["id"]
        path = f"/v1/swap-offers/{offer_id}"
        for reader in (floor.a1, floor.b1, floor.leader_a, floor.manager):
            assert (await floor.client.get(path, headers=reader.headers)).status_code == 200
        # a2 has nothing to give back, leader_b sees neither a1 nor an offer of their level.
        for stranger in (floor.a2, floor.leader_b):
            assert (await floor.client.get(path, headers=stranger.headers)).status_code == 403
