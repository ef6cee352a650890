"""Bottom-rank review: each PRF-7 trigger, and the steps after a flag."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from callcenter_shared.contracts.escalation import ComplaintAttributedV1
from callcenter_shared.contracts.scheduling import HandoverLateV1
from callcenter_shared.envelope import Envelope
from performance.review.models import Review
from performance.subscriptions import subscriptions

FLAGGED = "callcenter.performance.review.flagged.v1"


async def deliver(app: FastAPI, event: Any) -> None:
    """Hand an event to the service's registered handler, as the consumer does."""
    handler = subscriptions(app.state.settings)[type(event)]
    async with app.state.session_factory() as s:
        await handler(s, event, Envelope.wrap(event, time=datetime(2026, 11, 2, 9, tzinfo=UTC)))
        await s.commit()


def complaint(agent: Any, day: date) -> ComplaintAttributedV1:
    return ComplaintAttributedV1(
        case_id=uuid.uuid4(), agent_id=agent.id, verified_by=uuid.uuid4(), category="attitude", complaint_date=day,
        attributed_at=datetime(2026, 11, 1, tzinfo=UTC),
    )  # fmt: skip


def late(person: Any, starts: datetime) -> HandoverLateV1:
    return HandoverLateV1(
        handover_id=uuid.uuid4(), employee_id=person.id, team_id=person.team_id, shift_starts_at=starts,
        checked_in_at=starts + timedelta(minutes=20), minutes_late=5,
    )  # fmt: skip


async def reviews(app: FastAPI, agent: Any) -> list[Review]:
    async with app.state.session_factory() as s:
        return list((await s.scalars(select(Review).where(Review.agent_id == agent.id))).all())


class TestComplaints:
    async def test_three_complaints_in_a_calendar_month_flag_PRF_7a(self, app: FastAPI, org: Any, events: Any) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        for day in (3, 14):
            await deliver(app, complaint(agent, date(2026, 10, day)))
        assert await reviews(app, agent) == []
        await deliver(app, complaint(agent, date(2026, 10, 30)))
        [review] = await reviews(app, agent)
        assert review.rule == "PRF-7a"
        assert review.status == "flagged"
        assert "3 verified complaints in 2026-10" in review.evidence
        [event] = await events(app, FLAGGED)
        assert event["data"]["agent_id"] == str(agent.id)
        assert event["data"]["rule"] == "PRF-7a"

    async def test_three_complaints_across_two_months_do_not_flag_PRF_7a(self, app: FastAPI, org: Any) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        for day in (date(2026, 9, 29), date(2026, 10, 1), date(2026, 10, 2)):
            await deliver(app, complaint(agent, day))
        assert await reviews(app, agent) == []

    async def test_five_complaints_in_a_rolling_year_flag_PRF_7a(self, app: FastAPI, org: Any) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        days = [date(2025, 10, 1), date(2025, 12, 5), date(2026, 2, 1), date(2026, 2, 20), date(2026, 6, 1)]
        for day in days[:4]:
            await deliver(app, complaint(agent, day))
        await deliver(app, complaint(agent, date(2026, 10, 2)))  # 2025-10-01 has left the 12 months
        assert await reviews(app, agent) == []
        await deliver(app, complaint(agent, date(2026, 9, 1)))
        [review] = await reviews(app, agent)
        assert review.rule == "PRF-7a"
        assert "12 months" in review.evidence

    async def test_complaint_is_counted_once_per_case_PRF_7a(self, app: FastAPI, org: Any) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        same = complaint(agent, date(2026, 10, 3))
        for _ in range(3):
            await deliver(app, same)
        assert await reviews(app, agent) == []

    async def test_an_open_review_is_not_flagged_twice_PRF_7a(self, app: FastAPI, org: Any) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        for day in (1, 2, 3, 4):
            await deliver(app, complaint(agent, date(2026, 10, day)))
        assert len(await reviews(app, agent)) == 1


class TestQaFailures:
    async def test_same_item_failed_three_times_in_sixty_days_flags_PRF_7b(
        self, app: FastAPI, qa: Any, org: Any
    ) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        await qa.released(team.leader, agent, close="fail")
        await qa.released(team.leader, agent, close="fail", greeting="fail")
        assert await reviews(app, agent) == []
        await qa.released(team.leader, agent, close="fail")
        [review] = await reviews(app, agent)
        assert review.rule == "PRF-7b"
        assert "'close' failed in 3 evaluations" in review.evidence

    async def test_failures_of_different_items_do_not_flag_PRF_7b(self, app: FastAPI, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        for code in ("close", "greeting", "upsell"):
            await qa.released(team.leader, agent, **{code: "fail"})
        assert await reviews(app, agent) == []


class TestTraining:
    async def _record(self, client: httpx.AsyncClient, leader: Any, agent: Any, **body: Any) -> httpx.Response:
        payload = {"agent_id": str(agent.id), "course": "5G tariffs", "taken_on": "2026-10-10", **body}
        return await client.post("/v1/training-results", json=payload, headers=leader.headers)

    async def test_failed_assessment_and_failed_resit_flag_PRF_7c(
        self, app: FastAPI, client: httpx.AsyncClient, org: Any
    ) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        first = await self._record(client, team.leader, agent, kind="assessment", outcome="failed")
        assert first.status_code == 201, first.text
        assert await reviews(app, agent) == []
        await self._record(client, team.leader, agent, kind="resit", outcome="failed", taken_on="2026-10-20")
        [review] = await reviews(app, agent)
        assert review.rule == "PRF-7c"
        assert "resit on 2026-10-20" in review.evidence

    async def test_passed_resit_does_not_flag_PRF_7c(self, app: FastAPI, client: httpx.AsyncClient, org: Any) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        await self._record(client, team.leader, agent, kind="assessment", outcome="failed")
        await self._record(client, team.leader, agent, kind="resit", outcome="passed")
        assert await reviews(app, agent) == []

    async def test_missed_mandatory_training_flags_PRF_7e(
        self, app: FastAPI, client: httpx.AsyncClient, org: Any
    ) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        response = await self._record(client, team.leader, agent, kind="mandatory", outcome="missed")
        assert response.status_code == 201
        [review] = await reviews(app, agent)
        assert review.rule == "PRF-7e"
        assert "5G tariffs" in review.evidence

    async def test_agent_cannot_record_training_results(self, client: httpx.AsyncClient, org: Any) -> None:
        team = await org.team(agents=2)
        response = await self._record(client, team.agents[1], team.agents[0], kind="mandatory", outcome="missed")
        assert response.status_code == 403


class TestDiscipline:
    async def test_three_late_handovers_in_a_month_flag_PRF_7d(self, app: FastAPI, org: Any) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        for day in (2, 9):
            await deliver(app, late(agent, datetime(2026, 10, day, 0, tzinfo=UTC)))
        assert await reviews(app, agent) == []
        await deliver(app, late(agent, datetime(2026, 10, 16, 0, tzinfo=UTC)))
        [review] = await reviews(app, agent)
        assert review.rule == "PRF-7d"
        assert "handover_late" in review.evidence

    async def test_lateness_in_two_months_does_not_flag_PRF_7d(self, app: FastAPI, org: Any) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        # 2026-10-31 17:00 UTC is 2026-11-01 01:00 in Shanghai: a November violation.
        for starts in (datetime(2026, 10, 2, tzinfo=UTC), datetime(2026, 10, 9, tzinfo=UTC),
                       datetime(2026, 10, 31, 17, tzinfo=UTC)):  # fmt: skip
            await deliver(app, late(agent, starts))
        assert await reviews(app, agent) == []

    async def test_violations_recorded_by_the_leader_count_with_lateness_PRF_7d(
        self, app: FastAPI, client: httpx.AsyncClient, org: Any
    ) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        await deliver(app, late(agent, datetime(2026, 10, 2, tzinfo=UTC)))
        for day in ("2026-10-05", "2026-10-06"):
            response = await client.post(
                "/v1/violations",
                json={"employee_id": str(agent.id), "kind": "absent_from_post", "occurred_on": day,
                      "detail": "left the post for 30 minutes"},
                headers=team.leader.headers,
            )  # fmt: skip
            assert response.status_code == 201, response.text
        [review] = await reviews(app, agent)
        assert review.rule == "PRF-7d"


class TestWorkflow:
    async def _flagged(self, app: FastAPI, org: Any) -> tuple[Any, Review]:
        team = await org.team(agents=1)
        for day in (1, 2, 3):
            await deliver(app, complaint(team.agents[0], date(2026, 10, day)))
        [review] = await reviews(app, team.agents[0])
        return team, review

    async def test_flag_training_and_failed_reassessment_refer_to_hr_with_every_step_recorded_PRF_7(
        self, app: FastAPI, client: httpx.AsyncClient, org: Any, events: Any
    ) -> None:
        team, review = await self._flagged(app, org)
        url = f"/v1/reviews/{review.id}"
        early = await client.post(
            f"{url}/reassessment", json={"passed": True, "note": "fine by me"}, headers=team.leader.headers
        )
        assert early.status_code == 409
        silent = await client.post(f"{url}/training", json={"note": ""}, headers=team.leader.headers)
        assert silent.status_code == 422
        training = await client.post(f"{url}/training", json={"note": "Two weeks off post, complaint handling course"},
                                     headers=team.leader.headers)  # fmt: skip
        assert training.status_code == 200
        assert training.json()["status"] == "in_training"
        result = await client.post(
            f"{url}/reassessment",
            json={"passed": False, "note": "Failed the role-play twice"},
            headers=team.leader.headers,
        )
        assert result.status_code == 200
        body = result.json()
        assert body["status"] == "referred_to_hr"
        assert [s["step"] for s in body["steps"]] == ["flagged", "in_training", "referred_to_hr"]
        assert body["steps"][2]["by"] == str(team.leader.id)
        started = await events(app, "callcenter.performance.review.training_started.v1")
        reassessed = await events(app, "callcenter.performance.review.reassessed.v1")
        assert len(started) == 1
        assert reassessed[0]["data"]["outcome"] == "referred_to_hr"

    async def test_passed_reassessment_puts_the_agent_back_on_post_PRF_7(
        self, app: FastAPI, client: httpx.AsyncClient, org: Any
    ) -> None:
        team, review = await self._flagged(app, org)
        url = f"/v1/reviews/{review.id}"
        await client.post(f"{url}/training", json={"note": "One week off post"}, headers=team.leader.headers)
        result = await client.post(f"{url}/reassessment", json={"passed": True, "note": "Passed all scenarios"},
                                   headers=org.deputy.headers)  # fmt: skip
        assert result.json()["status"] == "back_on_post"

    async def test_agent_sees_their_own_review_and_not_others(
        self, app: FastAPI, client: httpx.AsyncClient, org: Any
    ) -> None:
        team, review = await self._flagged(app, org)
        other = await org.agent(team)
        own = await client.get(f"/v1/reviews/{review.id}", headers=team.agents[0].headers)
        assert own.status_code == 200
        assert own.json()["rule"] == "PRF-7a"
        hidden = await client.get(f"/v1/reviews/{review.id}", headers=other.headers)
        assert hidden.status_code == 404
        assert (await client.get("/v1/reviews", headers=other.headers)).json()["total"] == 0
