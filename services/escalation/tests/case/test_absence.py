"""An absent next person: the case goes to whoever acts for them, never skipping a level (ESC-14, LEV-7).

A team leader on approved leave (scheduling's `delegation.started` / `.ended`): new and climbing cases
that would reach them go to their delegate, the cases at their desk pass to the delegate for the leave
and come back after it, each recorded as acting for the leader. A leaver's post (`employee.left`) is
held by the successor named for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.scheduling import (
    DelegationEndedV1,
    DelegationStartedV1,
    EmployeeLeftV1,
    EmployeeUpsertedV1,
)
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import on_employee_upserted
from escalation.case.handlers import on_delegation_ended, on_delegation_started, on_employee_left

OpenCase = Callable[..., Awaitable[dict[str, Any]]]
Published = Callable[[str], Awaitable[list[dict[str, Any]]]]


class Leave:
    """The leader's approved leave as scheduling tells it, with the colleague as the delegate."""

    def __init__(self, app: FastAPI, clock: FrozenClock, org: Any) -> None:
        self.app, self.clock, self.org, self.leave_id = app, clock, org, uuid.uuid4()

    async def _deliver(self, handler: Any, event: Any) -> None:
        async with self.app.state.session_factory() as s, s.begin():
            await handler(s, event, Envelope.wrap(event, time=self.clock.now()))

    async def starts(self) -> None:
        now = self.clock.now()
        await self._deliver(
            on_delegation_started,
            DelegationStartedV1(
                leave_id=self.leave_id, leader_id=self.org.leader.id, delegate_id=self.org.colleague.id,
                team_id=self.org.leader.team_id, starts_at=now, ends_at=now + timedelta(days=2), started_at=now,
            ),
        )  # fmt: skip

    async def ends(self) -> None:
        await self._deliver(
            on_delegation_ended,
            DelegationEndedV1(
                leave_id=self.leave_id, leader_id=self.org.leader.id, delegate_id=self.org.colleague.id,
                reason="leave_over", ended_at=self.clock.now(),
            ),
        )  # fmt: skip


async def fire(app: FastAPI) -> int:
    fired: int = await app.state.worker.fire_due()
    return fired


async def read(client: httpx.AsyncClient, case: dict[str, Any], who: Any) -> dict[str, Any]:
    response = await client.get(f"/v1/cases/{case['id']}", headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def history(client: httpx.AsyncClient, case: dict[str, Any], who: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get(f"/v1/cases/{case['id']}/history", headers=who.headers)).json()[
        "items"
    ]
    return items


class TestNewCases:
    async def test_a_case_for_the_absent_leader_goes_to_the_delegate_and_climbs_from_the_leaders_seat_ESC_14(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        await Leave(app, clock, org).starts()
        case = await open_case(org.agent, category="major_customer_problem")  # entry level 2: the leader's
        assert (case["level"], case["handler_id"], case["acting_for_id"]) == (
            2, str(org.colleague.id), str(org.leader.id),
        )  # fmt: skip
        assert case["acting_for_name"] == "Leader Li"
        [opened] = await published("callcenter.escalation.case.opened.v1")
        assert (opened["handler_id"], opened["acting_for_id"]) == (str(org.colleague.id), str(org.leader.id))
        [notified] = await published("callcenter.escalation.case.chain_notified.v1")
        assert str(org.colleague.id) in notified["notified_ids"]
        assert str(org.leader.id) in notified["notified_ids"]
        [line] = [h for h in await history(client, case, org.colleague) if h["action"] == "opened"]
        assert line["detail"]["acting_for_id"] == str(org.leader.id)
        tasks = (await client.get("/v1/tasks/mine", headers=org.colleague.headers)).json()["items"]
        [task] = [t for t in tasks if t["object_id"] == case["id"]]
        assert "Leader Li" in task["title"]
        assert "ESC-14" in task["title"]

        clock.advance(minutes=case["allowances_minutes"][1])  # the level's time runs out at the delegate's desk
        await fire(app)
        climbed = await read(client, case, org.deputy)
        # One level up from the leader's seat: the leader's superior, not the delegate's (the leader).
        assert (climbed["level"], climbed["handler_id"], climbed["acting_for_id"]) == (3, str(org.deputy.id), None)

    async def test_manual_escalation_to_an_absent_leader_goes_to_the_delegate_never_past_them_ESC_14(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        await Leave(app, clock, org).starts()
        case = await open_case(org.agent)
        skipped = await client.post(
            f"/v1/cases/{case['id']}/escalate", json={"reason": "help", "to_handler_id": str(org.deputy.id)},
            headers=org.agent.headers,
        )  # fmt: skip
        assert (skipped.status_code, skipped.json()["rule"]) == (422, "ESC-4")
        moved = await client.post(
            f"/v1/cases/{case['id']}/escalate", json={"reason": "help", "to_handler_id": str(org.leader.id)},
            headers=org.agent.headers,
        )  # fmt: skip
        assert moved.status_code == 200, moved.text
        assert (moved.json()["level"], moved.json()["handler_id"]) == (2, str(org.colleague.id))
        [escalated] = await published("callcenter.escalation.case.escalated.v1")
        assert (escalated["to_handler_id"], escalated["acting_for_id"]) == (str(org.colleague.id), str(org.leader.id))
        resolved = await client.post(
            f"/v1/cases/{case['id']}/resolve", json={"resolution": "Refunded."}, headers=org.colleague.headers
        )
        assert resolved.status_code == 200, resolved.text

    async def test_before_the_leave_starts_and_after_it_ends_cases_go_to_the_leader_LEV_7(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase
    ) -> None:
        leave = Leave(app, clock, org)
        before = await open_case(org.agent, category="major_customer_problem")
        assert (before["handler_id"], before["acting_for_id"]) == (str(org.leader.id), None)
        await leave.starts()
        await leave.ends()
        after = await open_case(org.agent, category="major_customer_problem")
        assert (after["handler_id"], after["acting_for_id"]) == (str(org.leader.id), None)

    async def test_an_end_that_overtakes_its_start_leaves_nobody_acting_LEV_7(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase
    ) -> None:
        leave = Leave(app, clock, org)
        await leave.ends()
        await leave.starts()  # redelivered late: the leave is already over
        case = await open_case(org.agent, category="major_customer_problem")
        assert (case["handler_id"], case["acting_for_id"]) == (str(org.leader.id), None)


class TestCasesAtTheLeadersDesk:
    async def test_the_leaders_open_cases_pass_to_the_delegate_for_the_leave_and_come_back_LEV_7(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase
    ) -> None:
        leave = Leave(app, clock, org)
        case = await open_case(org.agent, category="major_customer_problem")
        due = case["level_due_at"]
        clock.advance(minutes=30)
        await leave.starts()
        held = await read(client, case, org.colleague)
        assert (held["level"], held["handler_id"], held["acting_for_id"]) == (
            2, str(org.colleague.id), str(org.leader.id),
        )  # fmt: skip
        assert held["level_due_at"] == due  # the level's time is not restarted by the absence
        stints = (await client.get(f"/v1/cases/{case['id']}/stints", headers=org.deputy.headers)).json()["items"]
        assert [(s["handler_id"], s["acting_for_id"], s["outcome"]) for s in stints] == [
            (str(org.leader.id), None, "moved_to_acting"),
            (str(org.colleague.id), str(org.leader.id), None),
        ]

        clock.advance(minutes=30)
        await leave.ends()
        back = await read(client, case, org.leader)
        assert (back["handler_id"], back["acting_for_id"], back["level_due_at"]) == (str(org.leader.id), None, due)
        lines = [h for h in await history(client, case, org.leader) if h["action"].endswith("acting")]
        assert [(h["action"], h["detail"]["to_handler_id"], h["detail"]["acting_for_id"]) for h in lines] == [
            ("moved_to_acting", str(org.colleague.id), str(org.leader.id)),
            ("returned_from_acting", str(org.leader.id), None),
        ]

        clock.advance(minutes=case["allowances_minutes"][1] - 60)
        await fire(app)  # the clock moved with the case: it runs out when it always would have
        assert (await read(client, case, org.deputy))["level"] == 3


class TestComplaintVerification:
    async def test_the_delegate_verifies_the_absent_leaders_complaints_only_during_the_leave_LEV_7(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        case = await open_case(org.colleague, category="service_attitude", named_agent_id=org.agent.id)
        path = f"/v1/cases/{case['id']}/attribution"

        async def verify_tasks() -> list[dict[str, Any]]:
            tasks = (await client.get("/v1/tasks/mine", headers=org.colleague.headers)).json()["items"]
            return [task for task in tasks if task["kind"] == "complaint.verify"]

        assert (await client.post(path, json={}, headers=org.colleague.headers)).status_code == 403
        assert await verify_tasks() == []

        leave = Leave(app, clock, org)
        await leave.starts()
        assert [task["object_id"] for task in await verify_tasks()] == [case["id"]]
        verified = await client.post(path, json={}, headers=org.colleague.headers)
        assert verified.status_code == 200, verified.text
        (event,) = await published("callcenter.escalation.complaint.attributed.v1")
        assert (event["agent_id"], event["verified_by"]) == (str(org.agent.id), str(org.colleague.id))
        history = (await client.get(f"/v1/cases/{case['id']}/history", headers=org.leader.headers)).json()["items"]
        (line,) = [h for h in history if h["action"] == "attributed"]
        assert line["detail"]["acting_for_id"] == str(org.leader.id)

        await leave.ends()
        other = await open_case(org.agent, category="service_attitude", named_agent_id=org.colleague.id)
        after = await client.post(f"/v1/cases/{other['id']}/attribution", json={}, headers=org.colleague.headers)
        assert after.status_code == 403


class TestVacantPost:
    async def test_a_case_for_a_leaver_goes_to_the_successor_and_never_waits_on_the_vacant_post_ESC_14(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase
    ) -> None:
        waiting = await open_case(org.agent)  # at the agent's desk, level 1; the leader above leaves
        gone = EmployeeUpsertedV1(
            employee_id=org.leader.id, name="Leader Li", level=2, superior_id=org.deputy.id,
            team_id=org.leader.team_id, active=False, version=2,
        )  # fmt: skip
        async with app.state.session_factory() as s, s.begin():
            await on_employee_upserted(s, gone, Envelope.wrap(gone, time=clock.now()))
        refused = await client.post(
            "/v1/cases",
            json={"category": "major_customer_problem", "channel": "phone", "customer_contact": "Ms. Li",
                  "description": "Outage"},
            headers=org.agent.headers,
        )  # fmt: skip
        assert (refused.status_code, refused.json()["rule"]) == (422, "ESC-14")
        clock.advance(minutes=waiting["allowances_minutes"][0])
        await fire(app)  # the time-out finds the post vacant: the alarm, not a wait on the leaver
        stuck = await read(client, waiting, org.agent)
        assert (stuck["level"], stuck["handler_id"]) == (1, str(org.agent.id))
        assert stuck["overdue_at"] is not None
        blocked = [h for h in await history(client, waiting, org.agent) if h["action"] == "escalation_blocked"]
        assert "Leader Li has left" in blocked[0]["detail"]["reason"]

        left = EmployeeLeftV1(
            employee_id=org.leader.id, successor_id=org.other_leader.id, version=2, left_at=clock.now()
        )
        async with app.state.session_factory() as s, s.begin():
            await on_employee_left(s, left, Envelope.wrap(left, time=clock.now()))
        case = await open_case(org.agent, category="major_customer_problem")
        assert (case["level"], case["handler_id"], case["acting_for_id"]) == (
            2, str(org.other_leader.id), str(org.leader.id),
        )  # fmt: skip
