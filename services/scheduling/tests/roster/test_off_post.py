"""An agent off post for training stays off call-taking shifts until back on post; their future call-taking
assignments are released and the gaps wait for the team's leader (PRF-9). Performance's events are handed
to scheduling's handlers here; tests/e2e proves the same over NATS."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.performance import ReviewReassessedV1, ReviewTrainingStartedV1
from callcenter_shared.envelope import Envelope, Event
from scheduling.roster.handlers import on_reassessed, on_training_started

SHANGHAI = timezone(timedelta(hours=8))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


async def deliver(app: FastAPI, event: Event, handler: Any) -> None:
    async with app.state.session_factory() as session, session.begin():
        await handler(session, event, Envelope.wrap(event, time=app.state.clock.now()))


async def assign(floor: Any, shift_id: uuid.UUID, person: Any) -> httpx.Response:
    return await floor.client.post(
        f"/v1/shifts/{shift_id}/assignments", json={"employee_id": str(person.id)}, headers=floor.leader_a.headers
    )


async def assignments_of(floor: Any, person: Any) -> list[dict[str, Any]]:
    response = await floor.client.get(
        f"/v1/assignments?employee_id={person.id}&include_removed=true", headers=floor.leader_a.headers
    )
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def gap_tasks(floor: Any, person: Any) -> list[dict[str, Any]]:
    response = await floor.client.get("/v1/tasks/mine", headers=person.headers)
    return [t for t in response.json()["items"] if t["kind"] == "roster.fill_gap"]


async def test_off_post_releases_future_call_taking_shifts_and_refuses_new_ones_until_back_PRF_9(
    app: FastAPI, floor: Any, clock: FrozenClock
) -> None:
    review_id = uuid.uuid4()
    early, _ = await floor.on_shift(floor.a1, at(3, 8))
    late, _ = await floor.on_shift(floor.a1, at(6, 8))
    training = await floor.shift(floor.team_a, at(8, 8), call_taking=False)
    assert (await assign(floor, training, floor.a1)).status_code == 201
    clock.set(at(3, 12))  # during the early shift, which is already under way

    started = ReviewTrainingStartedV1(
        review_id=review_id, agent_id=floor.a1.id, recorded_by=floor.leader_a.id, note="PRF-7a", started_at=clock.now()
    )
    await deliver(app, started, on_training_started)
    await deliver(app, started, on_training_started)  # told twice: released once

    by_shift = {a["shift_id"]: a for a in await assignments_of(floor, floor.a1)}
    assert by_shift[str(late)]["active"] is False
    assert "PRF-9" in by_shift[str(late)]["removed_reason"]
    assert by_shift[str(early)]["active"] is True  # begun before: not a future assignment
    assert by_shift[str(training)]["active"] is True  # training is not call-taking

    gaps = await gap_tasks(floor, floor.leader_a)
    assert [(t["object_id"], t["due_at"]) for t in gaps] == [(str(late), "2026-11-06T00:00:00Z")]
    assert "Wang Fang" in gaps[0]["title"]
    assert await gap_tasks(floor, floor.leader_b) == []

    refused = await assign(floor, late, floor.a1)
    assert refused.status_code == 422
    assert refused.json()["rule"] == "PRF-9"
    assert "off post" in refused.json()["detail"]
    another_training = await floor.shift(floor.team_a, at(10, 8), call_taking=False)
    assert (await assign(floor, another_training, floor.a1)).status_code == 201

    # The leader fills the gap: the task goes.
    assert (await assign(floor, late, floor.a2)).status_code == 201
    assert await gap_tasks(floor, floor.leader_a) == []

    referred = ReviewReassessedV1(
        review_id=uuid.uuid4(),
        agent_id=floor.a1.id,
        recorded_by=floor.leader_a.id,
        passed=False,
        outcome="referred_to_hr",
        note="other review",
        reassessed_at=clock.now(),
    )
    await deliver(app, referred, on_reassessed)
    back = ReviewReassessedV1(
        review_id=review_id,
        agent_id=floor.a1.id,
        recorded_by=floor.leader_a.id,
        passed=True,
        outcome="back_on_post",
        note="passed",
        reassessed_at=clock.now(),
    )
    await deliver(app, back, on_reassessed)
    again = await floor.shift(floor.team_a, at(12, 8))
    assert (await assign(floor, again, floor.a1)).status_code == 201


async def test_referred_to_hr_keeps_the_agent_off_post_PRF_9(app: FastAPI, floor: Any, clock: FrozenClock) -> None:
    review_id = uuid.uuid4()
    started = ReviewTrainingStartedV1(
        review_id=review_id, agent_id=floor.a1.id, recorded_by=floor.leader_a.id, note="", started_at=clock.now()
    )
    await deliver(app, started, on_training_started)
    failed = ReviewReassessedV1(
        review_id=review_id,
        agent_id=floor.a1.id,
        recorded_by=floor.leader_a.id,
        passed=False,
        outcome="referred_to_hr",
        note="failed the re-assessment",
        reassessed_at=clock.now(),
    )
    await deliver(app, failed, on_reassessed)
    shift = await floor.shift(floor.team_a, at(6, 8))
    assert (await assign(floor, shift, floor.a1)).json()["rule"] == "PRF-9"


async def test_a_swap_onto_a_call_taking_shift_is_refused_while_off_post_PRF_9(
    app: FastAPI, floor: Any, clock: FrozenClock
) -> None:
    _, mine = await floor.on_shift(floor.a2, at(6, 8))
    training = await floor.shift(floor.team_a, at(8, 8), call_taking=False)
    theirs = await assign(floor, training, floor.a1)
    started = ReviewTrainingStartedV1(
        review_id=uuid.uuid4(), agent_id=floor.a1.id, recorded_by=floor.leader_a.id, note="", started_at=clock.now()
    )
    await deliver(app, started, on_training_started)
    response = await floor.client.post(
        "/v1/swaps",
        json={"requester_assignment_id": str(mine), "counterpart_assignment_id": theirs.json()["id"]},
        headers=floor.a2.headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["rule"] == "PRF-9"
    assert "off post" in response.json()["detail"]
