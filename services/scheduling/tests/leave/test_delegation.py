"""A team leader on approved leave: the deputy named on the leave acts for them (LEV-7).

Leave approvals, swap signatures and handover sign-offs that wait for the leader are the deputy's during
the leave, and only then, recorded as acting for the leader; `delegation.started` and `.ended` tell the
other services, published when the leave starts and ends (deadline rows), never for cancelled leave.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from callcenter_shared import deadlines
from callcenter_shared.clock import FrozenClock
from scheduling.leave.delegation import ENDS, STARTS

SHANGHAI = timezone(timedelta(hours=8))
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]
STARTED = "callcenter.scheduling.delegation.started.v1"
ENDED = "callcenter.scheduling.delegation.ended.v1"
REPORT = {"instructions": "Call back every billing complaint.", "major_events": "None.", "equipment_ok": True}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


async def ask(floor: Any, person: Any, start: datetime, end: datetime, **extra: Any) -> dict[str, Any]:
    body = {"leave_type": "annual", "starts_at": start.isoformat(), "ends_at": end.isoformat(), **extra}
    response = await floor.client.post("/v1/leave", json=body, headers=person.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def post(floor: Any, path: str, person: Any, body: dict[str, Any] | None = None) -> httpx.Response:
    return await floor.client.post(path, json=body or {}, headers=person.headers)


async def tasks_of(floor: Any, person: Any) -> list[dict[str, Any]]:
    response = await floor.client.get("/v1/tasks/mine", headers=person.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.fixture
async def deputy(floor: Any) -> Any:
    """A third agent of team A, whom the leader names to hold the team's affairs (LEV-1)."""
    return await floor.org.agent(floor.team_a, floor.leader_a, name="Zhou Min")


async def leader_away(floor: Any, deputy: Any, start: datetime, end: datetime) -> dict[str, Any]:
    """Team A's leader on approved leave from `start` to `end`, with `deputy` holding the team's affairs."""
    leave = await ask(floor, floor.leader_a, start, end, deputy_id=str(deputy.id))
    approved = await post(floor, f"/v1/leave/{leave['id']}/approve", floor.manager)
    assert approved.json()["status"] == "approved", approved.text
    return leave


async def fire(app: FastAPI) -> int:
    fired: int = await app.state.worker.fire_due()
    return fired


class TestLeaveApprovals:
    async def test_the_deputy_approves_for_the_leader_during_the_leave_and_not_before_or_after_LEV_7(
        self, floor: Any, deputy: Any, clock: FrozenClock, events: Events
    ) -> None:
        await leader_away(floor, deputy, at(10, 0), at(12, 0))
        first = await ask(floor, floor.a1, at(20, 8), at(20, 16))
        before = await post(floor, f"/v1/leave/{first['id']}/approve", deputy)
        assert before.status_code == 403
        assert [t for t in await tasks_of(floor, deputy) if t["kind"] == "leave.approve"] == []

        clock.set(at(11, 9))
        [task] = [t for t in await tasks_of(floor, deputy) if t["kind"] == "leave.approve"]
        assert task["object_id"] == first["id"]
        assert "Wang Fang" in task["title"]
        assert "LEV-7" in task["title"]
        assert (await floor.client.get(f"/v1/leave/{first['id']}", headers=deputy.headers)).status_code == 200
        during = await post(floor, f"/v1/leave/{first['id']}/approve", deputy)
        assert during.status_code == 200, during.text
        body = during.json()
        assert (body["status"], body["awaiting"]) == ("requested", str(floor.manager.id))
        assert (body["first_approved_by"], body["first_approved_by_name"]) == (str(deputy.id), "Zhou Min")
        assert body["first_acting_for_id"] == str(floor.leader_a.id)
        assert body["first_acting_for_name"].startswith("emp-")  # the leader, by name

        second = await ask(floor, floor.a2, at(21, 8), at(21, 16))
        refused = await post(floor, f"/v1/leave/{second['id']}/reject", deputy, {"reason": "Peak week"})
        assert refused.status_code == 200, refused.text
        assert refused.json()["decided_acting_for_id"] == str(floor.leader_a.id)
        [rejected] = await events("callcenter.scheduling.leave.rejected.v1")
        assert (rejected["rejected_by"], rejected["acting_for_id"]) == (str(deputy.id), str(floor.leader_a.id))

        third = await ask(floor, floor.a2, at(22, 8), at(22, 16))
        clock.set(at(12, 0))  # the leave is over: the leader decides again
        after = await post(floor, f"/v1/leave/{third['id']}/approve", deputy)
        assert after.status_code == 403
        assert [t for t in await tasks_of(floor, deputy) if t["kind"] == "leave.approve"] == []
        own = await post(floor, f"/v1/leave/{third['id']}/approve", floor.leader_a)
        assert own.status_code == 200
        assert own.json()["first_acting_for_id"] is None

    async def test_the_deputy_never_decides_their_own_leave_for_the_leader_LEV_7(
        self, floor: Any, deputy: Any, clock: FrozenClock
    ) -> None:
        await leader_away(floor, deputy, at(10, 0), at(12, 0))
        mine = await ask(floor, deputy, at(20, 8), at(20, 16))
        clock.set(at(11, 9))
        refused = await post(floor, f"/v1/leave/{mine['id']}/approve", deputy)
        assert refused.status_code == 422
        assert refused.json()["rule"] == "LEV-7"
        assert mine["id"] not in {t["object_id"] for t in await tasks_of(floor, deputy)}


class TestSwapsAndHandovers:
    async def test_the_deputy_signs_a_swap_for_the_leader_on_leave_recorded_in_its_history_LEV_7(
        self, floor: Any, deputy: Any, clock: FrozenClock, events: Events
    ) -> None:
        _, mine = await floor.on_shift(floor.a1, at(14, 8))
        _, theirs = await floor.on_shift(floor.b1, at(15, 8))
        await leader_away(floor, deputy, at(10, 0), at(12, 0))
        requested = await post(
            floor, "/v1/swaps", floor.a1,
            {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs), "note": "family"},
        )  # fmt: skip
        swap_id = requested.json()["id"]
        for person, action in ((floor.b1, "accept"), (floor.leader_b, "sign")):
            assert (await post(floor, f"/v1/swaps/{swap_id}/{action}", person)).status_code == 200
        assert (await post(floor, f"/v1/swaps/{swap_id}/sign", deputy)).status_code == 403  # not on leave yet

        clock.set(at(11, 9))
        [task] = [t for t in await tasks_of(floor, deputy) if t["kind"] == "swap.sign"]
        assert task["object_id"] == swap_id
        signed = await post(floor, f"/v1/swaps/{swap_id}/sign", deputy)
        assert signed.status_code == 200, signed.text
        assert signed.json()["status"] == "signed"
        step = signed.json()["history"][-1]
        assert (step["action"], step["actor_id"], step["acting_for_id"]) == (
            "signed", str(deputy.id), str(floor.leader_a.id),
        )  # fmt: skip
        assert step["acting_for_name"].startswith("emp-")
        sent = await events("callcenter.scheduling.swap.signed.v1")
        assert [e["acting_for_id"] for e in sent] == [None, str(floor.leader_a.id)]
        again = await post(floor, f"/v1/swaps/{swap_id}/sign", floor.leader_a)  # signed: it waits for the manager
        assert (again.status_code, again.json()["rule"]) == (422, "SWP-3")

    async def test_the_deputy_publishes_and_signs_off_the_handover_for_the_leader_on_leave_LEV_7(
        self, floor: Any, deputy: Any, clock: FrozenClock, events: Events
    ) -> None:
        day, _ = await floor.on_shift(floor.a1, at(5, 8))
        evening, _ = await floor.on_shift(floor.a2, at(5, 16))
        created = await post(
            floor, "/v1/handovers", floor.leader_a,
            {"team_id": str(floor.team_a), "outgoing_shift_id": str(day), "incoming_shift_id": str(evening)},
        )  # fmt: skip
        handover = f"/v1/handovers/{created.json()['id']}"
        await leader_away(floor, deputy, at(4, 0), at(6, 0))
        before = await floor.client.put(f"{handover}/report", json=REPORT, headers=deputy.headers)
        assert before.status_code == 403

        clock.set(at(5, 15, 30))
        [task] = [t for t in await tasks_of(floor, deputy) if t["kind"] == "handover.sign_off"]
        assert task["object_id"] == created.json()["id"]
        published = await floor.client.put(f"{handover}/report", json=REPORT, headers=deputy.headers)
        assert published.status_code == 200, published.text
        assert published.json()["report_published_by"] == str(deputy.id)
        assert published.json()["report_acting_for_id"] == str(floor.leader_a.id)
        clock.set(at(5, 15, 40))
        assert (await post(floor, f"{handover}/check-ins", floor.a2)).status_code == 201
        done = await post(floor, f"{handover}/complete", deputy)
        assert done.status_code == 200, done.text
        assert (done.json()["status"], done.json()["signed_off_by"]) == ("completed", str(deputy.id))
        assert done.json()["signed_off_acting_for_id"] == str(floor.leader_a.id)
        [completed] = await events("callcenter.scheduling.handover.completed.v1")
        assert completed["acting_for_id"] == str(floor.leader_a.id)


class TestDelegationEvents:
    async def test_started_when_the_leave_begins_and_ended_when_it_is_over_LEV_7(
        self, app: FastAPI, floor: Any, deputy: Any, clock: FrozenClock, events: Events
    ) -> None:
        leave = await leader_away(floor, deputy, at(10, 0), at(12, 0))
        async with app.state.session_factory() as s:
            assert sorted(d.kind for d in await deadlines.pending(s, ref_id=leave["id"])) == sorted([ENDS, STARTS])
        await fire(app)
        assert await events(STARTED) == []  # approved days ahead: nothing acts yet

        clock.set(at(10, 0))
        await fire(app)
        [started] = await events(STARTED)
        assert (started["leave_id"], started["leader_id"]) == (leave["id"], str(floor.leader_a.id))
        assert (started["delegate_id"], started["team_id"]) == (str(deputy.id), str(floor.team_a))
        assert datetime.fromisoformat(started["ends_at"]) == at(12, 0)
        assert await events(ENDED) == []

        clock.set(at(12, 0))
        await fire(app)
        [ended] = await events(ENDED)
        assert (ended["leave_id"], ended["delegate_id"], ended["reason"]) == (
            leave["id"], str(deputy.id), "leave_over",
        )  # fmt: skip
        await fire(app)
        assert len(await events(STARTED)) == len(await events(ENDED)) == 1

    async def test_approved_leave_cancelled_before_it_starts_never_delegates_LEV_7(
        self, app: FastAPI, floor: Any, deputy: Any, clock: FrozenClock, events: Events
    ) -> None:
        leave = await leader_away(floor, deputy, at(10, 0), at(12, 0))
        cancelled = await post(floor, f"/v1/leave/{leave['id']}/cancel", floor.leader_a, {"reason": "Plans changed"})
        assert cancelled.status_code == 200, cancelled.text
        async with app.state.session_factory() as s:
            assert await deadlines.pending(s, ref_id=leave["id"]) == []
        clock.set(at(11, 0))
        await fire(app)
        assert await events(STARTED) == []
        assert await events(ENDED) == []
        first = await ask(floor, floor.a1, at(20, 8), at(20, 16))
        assert (await post(floor, f"/v1/leave/{first['id']}/approve", deputy)).status_code == 403


@pytest.mark.postgres_only
@pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs PostgreSQL (TEST_POSTGRES_URL)")
class TestLeaderAndDeputyAtOnce:
    """On PostgreSQL the pool runs both side by side; the request's row lock decides one after the other."""

    async def test_the_leader_and_the_deputy_approving_the_same_step_approve_it_once_LEV_7(
        self, floor: Any, deputy: Any, clock: FrozenClock, events: Events
    ) -> None:
        await leader_away(floor, deputy, at(10, 0), at(12, 0))
        requests = [await ask(floor, floor.a1, at(day, 8), at(day, 16)) for day in range(20, 26)]
        clock.set(at(11, 9))
        for leave in requests:  # a race needs a few tries to show
            answers = await asyncio.gather(
                post(floor, f"/v1/leave/{leave['id']}/approve", floor.leader_a),
                post(floor, f"/v1/leave/{leave['id']}/approve", deputy),
            )
            # The second finds the step taken: the deputy is no one's deputy for the next step (403), the leader's
            # step is behind it (LEV-1, 422).
            assert sorted(a.status_code for a in answers) in ([200, 403], [200, 422]), [a.text for a in answers]
            decided = next(a.json() for a in answers if a.status_code == 200)
            assert (decided["status"], decided["awaiting"]) == ("requested", str(floor.manager.id))
            first_by = decided["first_approved_by"]
            acting = str(floor.leader_a.id) if first_by == str(deputy.id) else None
            assert decided["first_acting_for_id"] == acting
