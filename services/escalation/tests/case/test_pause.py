"""A case waiting on the customer or a third party is paused: its clocks stop and resume with the time
they had left; a pause ends by itself after the maximum; every pause is in the history (ESC-13)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from callcenter_shared.clock import FrozenClock
from callcenter_shared.deadlines import DeadlineWorker
from callcenter_shared.tables import deadline
from escalation.case.chain import LEVEL_TIMEOUT
from escalation.deadlines import DEADLINE_HANDLERS

OpenCase = Callable[..., Awaitable[dict[str, Any]]]
Published = Callable[[str], Awaitable[list[dict[str, Any]]]]
WAITING = {"waiting_on": "customer", "reason": "The customer will send a copy of the invoice."}


async def fire(app: FastAPI) -> int:
    fired: int = await app.state.worker.fire_due()
    return fired


async def case_of(client: httpx.AsyncClient, case_id: str, who: Any) -> dict[str, Any]:
    response = await client.get(f"/v1/cases/{case_id}", headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def actions(client: httpx.AsyncClient, case_id: str, who: Any) -> list[dict[str, Any]]:
    history = await client.get(f"/v1/cases/{case_id}/history", headers=who.headers)
    return [{"action": line["action"], **line["detail"]} for line in history.json()["items"]]


def at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class TestPause:
    async def test_a_pause_stops_every_clock_and_resume_gives_back_the_time_left_ESC_13(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        case = await open_case(org.agent)  # inquiry by phone: 60 min at L1, warned 15 min before, reply in 480 min
        opened = clock.now()
        clock.advance(minutes=20)
        paused = await client.post(f"/v1/cases/{case['id']}/pause", json=WAITING, headers=org.agent.headers)
        assert paused.status_code == 200, paused.text
        assert paused.json()["pause_waiting_on"] == "customer"
        assert at(paused.json()["pause_ends_at"]) == clock.now() + timedelta(hours=72)  # CASE_MAX_PAUSE_MINUTES
        (event,) = await published("callcenter.escalation.case.paused.v1")
        assert event["paused_by"] == str(org.agent.id)
        assert event["waiting_on"] == "customer"

        # Three hours of waiting: past the level's limit, its warning and nothing fires.
        for _ in range(6):
            clock.advance(minutes=30)
            await fire(app)
        still = await case_of(client, case["id"], org.agent)
        assert (still["level"], still["overdue_at"], still["reply_breached"]) == (1, None, False)
        assert await published("callcenter.escalation.case.escalated.v1") == []
        assert await published("callcenter.escalation.case.deadline_warning.v1") == []
        overdue = await client.get("/v1/cases", params={"overdue": "true"}, headers=org.deputy.headers)
        assert case["id"] not in [c["id"] for c in overdue.json()["items"]]

        resumed = await client.post(f"/v1/cases/{case['id']}/resume", headers=org.agent.headers)
        assert resumed.status_code == 200, resumed.text
        body = resumed.json()
        assert body["paused_at"] is None
        assert body["paused_minutes"] == 180
        assert at(body["level_due_at"]) == clock.now() + timedelta(minutes=40)  # 60 - 20 before the pause
        assert at(body["reply_due_at"]) == opened + timedelta(minutes=480 + 180)
        (event,) = await published("callcenter.escalation.case.resumed.v1")
        assert (event["automatic"], event["paused_seconds"], event["resumed_by"]) == (False, 10800, str(org.agent.id))

        clock.advance(minutes=24)
        await fire(app)
        assert await published("callcenter.escalation.case.deadline_warning.v1") == []
        clock.advance(minutes=1)  # 15 minutes left: the warning, as without the pause
        await fire(app)
        assert len(await published("callcenter.escalation.case.deadline_warning.v1")) == 1
        clock.advance(minutes=14)
        await fire(app)
        assert (await case_of(client, case["id"], org.agent))["level"] == 1
        clock.advance(minutes=1)
        await fire(app)
        assert (await case_of(client, case["id"], org.leader))["level"] == 2
        lines = await actions(client, case["id"], org.leader)
        assert [line["action"] for line in lines if line["action"] in ("paused", "resumed")] == ["paused", "resumed"]
        pause_line = next(line for line in lines if line["action"] == "paused")
        assert (pause_line["waiting_on"], pause_line["reason"]) == ("customer", WAITING["reason"])
        assert pause_line["time_left_seconds"] == 40 * 60

    async def test_a_pause_ends_by_itself_after_the_categorys_maximum_ESC_13(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        category = await client.post(
            "/v1/categories",
            json={"code": "billing_dispute", "name": "Billing dispute", "entry_level": 1,
                  "level_minutes": [60, 120, 240, 480, 1440], "max_pause_minutes": 30},
            headers=org.deputy.headers,
        )  # fmt: skip
        assert category.status_code == 201, category.text
        assert category.json()["max_pause_minutes"] == 30
        case = await open_case(org.agent, category="billing_dispute")
        too_long = await client.post(
            f"/v1/cases/{case['id']}/pause", json={**WAITING, "minutes": 31}, headers=org.agent.headers
        )
        assert too_long.status_code == 422
        assert too_long.json()["rule"] == "ESC-13"
        paused = await client.post(
            f"/v1/cases/{case['id']}/pause",
            json={"waiting_on": "third_party", "reason": "Billing system vendor investigates."},
            headers=org.agent.headers,
        )
        assert paused.status_code == 200, paused.text
        again = await client.post(f"/v1/cases/{case['id']}/pause", json=WAITING, headers=org.agent.headers)
        assert (again.status_code, again.json()["rule"]) == (422, "ESC-13")

        clock.advance(minutes=29)
        await fire(app)
        assert (await case_of(client, case["id"], org.agent))["paused_at"] is not None
        clock.advance(minutes=1)
        await fire(app)
        resumed = await case_of(client, case["id"], org.agent)
        assert resumed["paused_at"] is None
        assert at(resumed["level_due_at"]) == clock.now() + timedelta(minutes=60)
        (event,) = await published("callcenter.escalation.case.resumed.v1")
        assert (event["automatic"], event["resumed_by"], event["paused_seconds"]) == (True, None, 1800)
        (line,) = [line for line in await actions(client, case["id"], org.agent) if line["action"] == "resumed"]
        assert line["why"] == "maximum pause reached"
        not_paused = await client.post(f"/v1/cases/{case['id']}/resume", headers=org.agent.headers)
        assert (not_paused.status_code, not_paused.json()["rule"]) == (422, "ESC-13")

    async def test_only_the_handler_or_a_superior_above_pauses_and_resumes_ESC_13(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        for outsider in (org.colleague, org.other_leader, org.other_agent):
            refused = await client.post(f"/v1/cases/{case['id']}/pause", json=WAITING, headers=outsider.headers)
            assert refused.status_code == 403, outsider
        assert (await client.post(f"/v1/cases/{case['id']}/pause", json=WAITING, headers=org.leader.headers)).is_success
        refused = await client.post(f"/v1/cases/{case['id']}/resume", headers=org.colleague.headers)
        assert refused.status_code == 403
        assert (await client.post(f"/v1/cases/{case['id']}/resume", headers=org.agent.headers)).is_success
        unknown_wait = await client.post(
            f"/v1/cases/{case['id']}/pause", json={"waiting_on": "lunch", "reason": "x"}, headers=org.agent.headers
        )
        assert unknown_wait.status_code == 422

    async def test_paused_time_is_reported_apart_from_level_time_ESC_13(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        case = await open_case(org.agent)
        clock.advance(minutes=5)
        await client.post(f"/v1/cases/{case['id']}/pause", json=WAITING, headers=org.agent.headers)
        clock.advance(minutes=90)  # longer than the level allows, paused
        await fire(app)
        resolved = await client.post(
            f"/v1/cases/{case['id']}/resolve", json={"resolution": "Invoice corrected."}, headers=org.agent.headers
        )
        assert resolved.status_code == 200, resolved.text
        assert resolved.json()["paused_at"] is None
        lines = [line["action"] for line in await actions(client, case["id"], org.agent)]
        assert lines[-3:] == ["paused", "resumed", "resolved"]
        assert len(await published("callcenter.escalation.case.resumed.v1")) == 1
        (stint,) = (await client.get(f"/v1/cases/{case['id']}/stints", headers=org.agent.headers)).json()["items"]
        assert stint["paused_seconds"] == 90 * 60
        report = await client.get("/v1/cases/reports/time-per-level", headers=org.deputy.headers)
        (level_one,) = [row for row in report.json()["items"] if row["level"] == 1]
        assert (level_one["average_minutes"], level_one["paused_minutes"], level_one["paused_stints"]) == (5, 90, 1)
        async with app.state.session_factory() as s:
            pending = await s.scalar(
                select(deadline.c.id).where(
                    deadline.c.ref_id == case["id"], deadline.c.fired_at.is_(None), deadline.c.cancelled_at.is_(None)
                )
            )
        assert pending is None  # no clock, nor the pause's end, is left behind


class TestPauseRace:
    """On PostgreSQL (TEST_POSTGRES_URL) two deadline workers and the pause run side by side."""

    async def test_a_deadline_firing_during_a_pause_never_breaches_the_paused_case_ESC_13(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase
    ) -> None:
        workers = [
            DeadlineWorker(
                service="escalation", session_factory=app.state.session_factory, handlers=DEADLINE_HANDLERS,
                clock=clock,
            )
            for _ in range(2)
        ]  # fmt: skip
        outcomes = []
        for _ in range(6):
            case = await open_case(org.agent)
            clock.advance(minutes=60)  # the level's time runs out right now, the warning is due too
            *_fired, paused = await asyncio.gather(
                workers[0].fire_due(),
                workers[1].fire_due(),
                client.post(f"/v1/cases/{case['id']}/pause", json=WAITING, headers=org.agent.headers),
            )
            now = await case_of(client, case["id"], org.deputy)
            breaches = [
                line for line in await actions(client, case["id"], org.deputy)
                if line["action"] in ("escalated_on_timeout", "overdue", "deadline_warning")
            ]  # fmt: skip
            if paused.status_code == 200:
                outcomes.append("paused")
                assert now["paused_at"] is not None
                assert now["level"] == 1
                assert [b for b in breaches if b["action"] != "deadline_warning"] == []
                async with app.state.session_factory() as s:
                    running = await s.scalar(
                        select(deadline.c.id).where(
                            deadline.c.ref_id == case["id"], deadline.c.kind == LEVEL_TIMEOUT,
                            deadline.c.fired_at.is_(None), deadline.c.cancelled_at.is_(None),
                        )
                    )  # fmt: skip
                assert running is None
                # The time left (none) comes back on resume: the level then runs out at once.
                assert (await client.post(f"/v1/cases/{case['id']}/resume", headers=org.agent.headers)).is_success
                while await fire(app):
                    pass
                assert (await case_of(client, case["id"], org.deputy))["level"] == 2
            else:
                outcomes.append("escalated first")
                assert paused.status_code == 403, paused.text  # the agent no longer holds it
                assert (now["level"], now["paused_at"]) == (2, None)
                assert [b["action"] for b in breaches if b["action"] != "deadline_warning"] == ["escalated_on_timeout"]
        assert outcomes  # which side wins each round is up to the database
