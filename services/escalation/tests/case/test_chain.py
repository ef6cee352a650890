"""The five-level chain: automatic climbing on time-out, one level at a time, warnings, overdue at L5."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared import deadlines
from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import on_employee_upserted
from escalation.case.chain import LEVEL_TIMEOUT

OpenCase = Callable[..., Awaitable[dict[str, Any]]]
Published = Callable[[str], Awaitable[list[dict[str, Any]]]]

ESCALATED = "callcenter.escalation.case.escalated.v1"


async def fire(app: FastAPI) -> int:
    fired: int = await app.state.worker.fire_due()
    return fired


class TestAutomaticEscalation:
    async def test_unhandled_case_climbs_L1_L2_L3_at_the_right_moments_ESC_3(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        case = await open_case(org.agent)  # inquiry: 60 min at L1, 120 min at L2
        assert (case["level"], case["handler_id"]) == (1, str(org.agent.id))

        clock.advance(minutes=59)
        await fire(app)
        assert (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()["level"] == 1
        assert await published(ESCALATED) == []

        clock.advance(minutes=1)
        await fire(app)
        after_first = (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()
        assert (after_first["level"], after_first["handler_id"]) == (2, str(org.leader.id))

        clock.advance(minutes=119)
        await fire(app)
        assert len(await published(ESCALATED)) == 1
        clock.advance(minutes=1)
        await fire(app)
        after_second = (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()
        assert (after_second["level"], after_second["handler_id"]) == (3, str(org.deputy.id))

        events = await published(ESCALATED)
        assert [(e["from_level"], e["to_level"]) for e in events] == [(1, 2), (2, 3)]
        assert all(e["automatic"] for e in events)
        assert [(e["from_handler_id"], e["to_handler_id"]) for e in events] == [
            (str(org.agent.id), str(org.leader.id)),
            (str(org.leader.id), str(org.deputy.id)),
        ]

        stints = (await client.get(f"/v1/cases/{case['id']}/stints", headers=org.agent.headers)).json()["items"]
        assert [(s["level"], s["handler_id"], s["outcome"]) for s in stints] == [
            (1, str(org.agent.id), "escalated_on_timeout"),
            (2, str(org.leader.id), "escalated_on_timeout"),
            (3, str(org.deputy.id), None),
        ]
        history = (await client.get(f"/v1/cases/{case['id']}/history", headers=org.agent.headers)).json()["items"]
        climbs = [h for h in history if h["action"] == "escalated_on_timeout"]
        assert [(h["case_level"], h["detail"]["from_handler_id"]) for h in climbs] == [
            (2, str(org.agent.id)),
            (3, str(org.leader.id)),
        ]
        breaches = (await client.get("/v1/cases/reports/breaches", headers=org.deputy.headers)).json()["items"]
        assert [(b["category"], b["level_timeouts"], b["total"]) for b in breaches] == [("inquiry", 2, 2)]

    async def test_taking_a_case_does_not_stop_the_clock_ESC_3(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        taken = await client.post(f"/v1/cases/{case['id']}/acknowledge", headers=org.agent.headers)
        assert taken.status_code == 200
        assert taken.json()["acknowledged_at"] is not None
        clock.advance(minutes=60)
        await fire(app)
        assert (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()["level"] == 2

    async def test_resolved_case_does_not_climb(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        case = await open_case(org.agent)
        response = await client.post(
            f"/v1/cases/{case['id']}/resolve", json={"resolution": "Explained the bill."}, headers=org.agent.headers
        )
        assert response.status_code == 200
        clock.advance(hours=10)
        await fire(app)
        assert await published(ESCALATED) == []

    async def test_warning_goes_to_the_handler_15_minutes_before_the_deadline_ESC_3(
        self, app: FastAPI, clock: FrozenClock, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent)
        clock.advance(minutes=44)
        await fire(app)
        assert await published("callcenter.escalation.case.deadline_warning.v1") == []
        clock.advance(minutes=1)
        await fire(app)
        warnings = await published("callcenter.escalation.case.deadline_warning.v1")
        assert [(w["case_id"], w["handler_id"], w["level"]) for w in warnings] == [(case["id"], str(org.agent.id), 1)]

    async def test_time_out_at_level_5_raises_overdue_alert_not_a_climb_ESC_3(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        created = await client.post(
            "/v1/categories",
            json={"code": "board_matter", "name": "Board matter", "entry_level": 5, "level_minutes": [1, 1, 1, 1, 30]},
            headers=org.deputy.headers,
        )
        assert created.status_code == 201, created.text
        case = await open_case(org.agent, category="board_matter")
        assert (case["level"], case["handler_id"]) == (5, str(org.exec.id))
        clock.advance(minutes=30)
        await fire(app)
        overdue = await published("callcenter.escalation.case.overdue.v1")
        assert [(o["case_id"], o["level"], o["handler_id"]) for o in overdue] == [(case["id"], 5, str(org.exec.id))]
        assert await published(ESCALATED) == []
        listed = await client.get("/v1/cases", params={"overdue": "true"}, headers=org.exec.headers)
        assert [c["id"] for c in listed.json()["items"]] == [case["id"]]


class TestTimeOutsFiredTogether:
    async def test_one_batch_climbs_each_case_once_and_alerts_where_it_cannot_ESC_3(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        created = await client.post(
            "/v1/categories",
            json={"code": "board_matter", "name": "Board matter", "entry_level": 5, "level_minutes": [1, 1, 1, 1, 60]},
            headers=org.deputy.headers,
        )
        assert created.status_code == 201, created.text
        climbing = [await open_case(org.agent), await open_case(org.agent), await open_case(org.other_agent)]
        at_top = await open_case(org.agent, category="board_matter")
        blocked = await open_case(org.colleague)
        broken = EmployeeUpsertedV1(
            employee_id=org.colleague.id, name="Agent Chen", level=1, superior_id=org.deputy.id,
            team_id=org.colleague.team_id, version=2,
        )  # fmt: skip
        async with app.state.session_factory() as s, s.begin():
            await on_employee_upserted(s, broken, Envelope.wrap(broken, time=clock.now()))
            # The same time-out recorded twice must still move its case only once.
            [timeout] = [d for d in await deadlines.pending(s, ref_id=climbing[0]["id"]) if d.kind == LEVEL_TIMEOUT]
            await deadlines.schedule(
                s, kind=LEVEL_TIMEOUT, ref_id=timeout.ref_id, due_at=timeout.due_at, now=clock.now(),
                payload=timeout.payload,
            )  # fmt: skip

        clock.advance(minutes=60)
        assert await fire(app) == 11  # six time-outs (one twice) and five warnings, in one batch

        escalated = await published(ESCALATED)
        assert sorted((e["case_id"], e["from_level"], e["to_level"]) for e in escalated) == sorted(
            (case["id"], 1, 2) for case in climbing
        )
        for case, leader in zip(climbing, [org.leader, org.leader, org.other_leader], strict=True):
            after = (await client.get(f"/v1/cases/{case['id']}", headers=org.deputy.headers)).json()
            assert (after["level"], after["handler_id"]) == (2, str(leader.id))
            stints = (await client.get(f"/v1/cases/{case['id']}/stints", headers=org.deputy.headers)).json()["items"]
            assert [(st["level"], st["outcome"]) for st in stints] == [(1, "escalated_on_timeout"), (2, None)]
        overdue = await published("callcenter.escalation.case.overdue.v1")
        assert sorted((o["case_id"], o["level"]) for o in overdue) == sorted([(at_top["id"], 5), (blocked["id"], 1)])
        history = (await client.get(f"/v1/cases/{blocked['id']}/history", headers=org.deputy.headers)).json()["items"]
        assert [h["action"] for h in history][-2:] == ["escalation_blocked", "overdue"]

        async with app.state.session_factory() as s:
            for case in climbing:  # the new level's clocks, set for the new stint
                clocks = [d for d in await deadlines.pending(s, ref_id=case["id"]) if d.kind.startswith("case.level")]
                assert sorted(d.kind for d in clocks) == sorted([LEVEL_TIMEOUT, "case.level_warning"])
                assert {d.payload["level"] for d in clocks} == {2}
        clock.advance(minutes=120)
        assert len(await published(ESCALATED)) == 3
        await fire(app)
        assert len(await published(ESCALATED)) == 6


class TestDeadlinesFixedAtOpening:
    async def test_policy_edit_does_not_move_deadlines_of_open_cases_ESC_2(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        categories = (await client.get("/v1/categories", headers=org.agent.headers)).json()["items"]
        inquiry = next(c for c in categories if c["code"] == "inquiry")
        edited = await client.patch(
            f"/v1/categories/{inquiry['id']}", json={"level_minutes": [5, 5, 5, 5, 5]}, headers=org.deputy.headers
        )
        assert edited.status_code == 200
        assert edited.json()["version"] == 2
        clock.advance(minutes=10)
        await fire(app)
        assert (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()["level"] == 1
        later = await open_case(org.colleague)
        assert later["allowances_minutes"] == [5, 5, 5, 5, 5]
        clock.advance(minutes=50)
        await fire(app)
        assert (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()["level"] == 2

    async def test_category_decides_the_first_level_ESC_2(self, org: Any, open_case: OpenCase) -> None:
        case = await open_case(org.agent, category="safety_threat")
        assert (case["level"], case["handler_id"], case["owner_id"]) == (3, str(org.deputy.id), str(org.agent.id))


class TestNoSkipping:
    async def test_escalating_from_L2_straight_to_L4_is_refused_ESC_4(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent, category="major_customer_problem")
        assert case["level"] == 2
        response = await client.post(
            f"/v1/cases/{case['id']}/escalate", json={"reason": "Too big", "to_level": 4}, headers=org.leader.headers
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["rule"] == "ESC-4"
        assert "one level at a time" in response.json()["detail"]
        unchanged = (await client.get(f"/v1/cases/{case['id']}", headers=org.leader.headers)).json()
        assert (unchanged["level"], unchanged["handler_id"]) == (2, str(org.leader.id))

    async def test_escalating_to_someone_other_than_the_direct_superior_is_refused_ESC_4(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent, category="major_customer_problem")
        response = await client.post(
            f"/v1/cases/{case['id']}/escalate",
            json={"reason": "Straight to the GM", "to_handler_id": str(org.gm.id)},
            headers=org.leader.headers,
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-4"

    async def test_manual_escalation_goes_to_the_direct_superior_one_level_up_ESC_4(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent, category="major_customer_problem")
        response = await client.post(
            f"/v1/cases/{case['id']}/escalate", json={"reason": "Refund above my authority", "to_level": 3},
            headers=org.leader.headers,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assert (response.json()["level"], response.json()["handler_id"]) == (3, str(org.deputy.id))
        events = await published(ESCALATED)
        assert [(e["from_level"], e["to_level"], e["automatic"]) for e in events] == [(2, 3, False)]

    async def test_chain_follows_the_org_read_copy_after_a_transfer_ORG_1(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        moved = EmployeeUpsertedV1(
            employee_id=org.agent.id, name="Agent Wang", level=1, superior_id=org.other_leader.id,
            team_id=org.other_leader.team_id, version=2,
        )  # fmt: skip
        async with app.state.session_factory() as s, s.begin():
            await on_employee_upserted(s, moved, Envelope.wrap(moved, time=clock.now()))
        clock.advance(minutes=60)
        await fire(app)
        after = (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()
        assert (after["level"], after["handler_id"]) == (2, str(org.other_leader.id))

    async def test_handler_without_a_superior_one_level_up_cannot_escalate_and_time_out_alerts_ORG_1(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        case = await open_case(org.agent)
        broken = EmployeeUpsertedV1(
            employee_id=org.agent.id, name="Agent Wang", level=1, superior_id=org.deputy.id,
            team_id=org.agent.team_id, version=2,
        )  # fmt: skip
        async with app.state.session_factory() as s, s.begin():
            await on_employee_upserted(s, broken, Envelope.wrap(broken, time=clock.now()))
        response = await client.post(
            f"/v1/cases/{case['id']}/escalate", json={"reason": "help"}, headers=org.agent.headers
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-4"
        assert "without skipping" in response.json()["detail"]
        clock.advance(minutes=60)
        await fire(app)
        after = (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()
        assert (after["level"], after["handler_id"]) == (1, str(org.agent.id))
        assert after["overdue_at"] is not None
        history = (await client.get(f"/v1/cases/{case['id']}/history", headers=org.agent.headers)).json()["items"]
        assert [h["action"] for h in history][-2:] == ["escalation_blocked", "overdue"]
        assert len(await published("callcenter.escalation.case.overdue.v1")) == 1


class TestCaseNumber:
    async def test_numbers_are_human_readable_and_sequential_per_year(self, org: Any, open_case: OpenCase) -> None:
        first = await open_case(org.agent)
        second = await open_case(org.colleague)
        assert first["number"] == "ESC-2026-000001"
        assert second["number"] == "ESC-2026-000002"


class TestReopenClock:
    async def test_reopened_case_gets_a_fresh_clock_from_its_fixed_allowance_ESC_5(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        case = await open_case(org.agent)
        clock.advance(minutes=30)
        await client.post(f"/v1/cases/{case['id']}/resolve", json={"resolution": "ok"}, headers=org.agent.headers)
        clock.advance(minutes=20)
        reopened = await client.post(
            f"/v1/cases/{case['id']}/reopen", json={"reason": "Customer called again"}, headers=org.agent.headers
        )
        assert reopened.json()["level_due_at"] == "2026-11-02T10:50:00Z"
        clock.advance(minutes=59)
        await fire(app)
        assert await published(ESCALATED) == []
        clock.advance(minutes=1)
        await fire(app)
        assert [(e["from_level"], e["to_level"]) for e in await published(ESCALATED)] == [(1, 2)]
