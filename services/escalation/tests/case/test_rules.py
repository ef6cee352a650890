"""Ownership, no concealment, emergencies, instructions, must-report, replies, cross-department,
callbacks and complaint attribution (ESC-1, ESC-5..ESC-12)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock

OpenCase = Callable[..., Awaitable[dict[str, Any]]]
Published = Callable[[str], Awaitable[list[dict[str, Any]]]]


async def fire(app: FastAPI) -> None:
    await app.state.worker.fire_due()


async def history_actions(client: httpx.AsyncClient, case_id: str, actor: Any) -> list[str]:
    response = await client.get(f"/v1/cases/{case_id}/history", headers=actor.headers)
    assert response.status_code == 200, response.text
    return [h["action"] for h in response.json()["items"]]


class TestOwnership:
    async def test_owner_handing_the_customer_off_is_refused_and_recorded_ESC_1(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent)
        response = await client.post(
            f"/v1/cases/{case['id']}/handoff",
            json={"to_employee_id": str(org.colleague.id), "reason": "Not my product"},
            headers=org.agent.headers,
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-1"
        assert "recorded" in response.json()["detail"]
        shirks = await published("callcenter.escalation.case.shirked.v1")
        assert [(s["employee_id"], s["attempt"]) for s in shirks] == [(str(org.agent.id), "handoff")]
        assert "shirk_attempt" in await history_actions(client, case["id"], org.agent)
        still = (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()
        assert still["owner_id"] == str(org.agent.id)

    async def test_handler_rejecting_a_case_is_refused_and_recorded_ESC_1(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent, category="major_customer_problem")
        response = await client.post(
            f"/v1/cases/{case['id']}/reject", json={"reason": "Too busy"}, headers=org.leader.headers
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-1"
        shirks = await published("callcenter.escalation.case.shirked.v1")
        assert [(s["employee_id"], s["attempt"]) for s in shirks] == [(str(org.leader.id), "reject")]

    async def test_someone_outside_the_case_cannot_record_a_shirk_against_it(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent)
        response = await client.post(f"/v1/cases/{case['id']}/reject", json={"reason": "x"}, headers=org.leader.headers)
        assert response.status_code == 403
        assert await published("callcenter.escalation.case.shirked.v1") == []


class TestNoConcealment:
    async def test_a_case_cannot_be_deleted_ESC_5(
        self, app: FastAPI, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        response = await client.delete(f"/v1/cases/{case['id']}", headers=org.exec.headers)
        assert response.status_code == 405
        assert not any("DELETE" in getattr(route, "methods", set()) for route in app.routes)
        assert (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).status_code == 200

    async def test_closing_without_a_resolution_is_refused_ESC_5(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent)
        for body in ({}, {"resolution": "   "}):
            response = await client.post(f"/v1/cases/{case['id']}/resolve", json=body, headers=org.agent.headers)
            assert response.status_code == 422
            assert response.json()["rule"] == "ESC-5"
        assert (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()["status"] == "open"
        assert await published("callcenter.escalation.case.resolved.v1") == []

    async def test_history_keeps_every_change_and_reopen_is_allowed_ESC_5(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent)
        resolved = await client.post(
            f"/v1/cases/{case['id']}/resolve", json={"resolution": "Explained"}, headers=org.agent.headers
        )
        assert resolved.status_code == 200
        reopened = await client.post(
            f"/v1/cases/{case['id']}/reopen", json={"reason": "Customer called again"}, headers=org.agent.headers
        )
        assert reopened.status_code == 200
        assert reopened.json()["status"] == "open"
        assert reopened.json()["resolution"] is None
        history = (await client.get(f"/v1/cases/{case['id']}/history", headers=org.leader.headers)).json()["items"]
        assert [h["action"] for h in history] == ["opened", "resolved", "reopened"]
        assert history[1]["detail"]["resolution"] == "Explained"
        assert history[1]["actor_id"] == str(org.agent.id)
        assert history[1]["actor_level"] == 1
        assert history[1]["case_level"] == 1
        assert len(await published("callcenter.escalation.case.reopened.v1")) == 1


class TestEmergency:
    async def test_emergency_resolved_without_report_escalates_after_1_hour_ESC_6(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        case = await open_case(org.agent, emergency=True)
        resolved = await client.post(
            f"/v1/cases/{case['id']}/resolve", json={"resolution": "Stopped the wrong debit"}, headers=org.agent.headers
        )
        assert resolved.status_code == 200
        clock.advance(minutes=59)
        await fire(app)
        assert (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()["status"] == "resolved"
        clock.advance(minutes=1)
        await fire(app)
        after = (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()
        assert (after["status"], after["level"], after["handler_id"]) == ("open", 2, str(org.leader.id))
        events = await published("callcenter.escalation.case.escalated.v1")
        assert [(e["from_level"], e["to_level"], e["automatic"]) for e in events] == [(1, 2, True)]
        assert "ESC-6" in events[0]["reason"]
        assert "emergency_report_missing" in await history_actions(client, case["id"], org.agent)

    async def test_emergency_with_report_on_time_does_not_escalate_ESC_6(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        case = await open_case(org.agent, emergency=True)
        await client.post(f"/v1/cases/{case['id']}/resolve", json={"resolution": "Done"}, headers=org.agent.headers)
        report = await client.post(
            f"/v1/cases/{case['id']}/emergency-report", json={"text": "Stopped debit, refunded"},
            headers=org.agent.headers,
        )  # fmt: skip
        assert report.status_code == 200, report.text
        reported = await published("callcenter.escalation.case.emergency_reported.v1")
        assert [r["reported_to"] for r in reported] == [str(org.leader.id)]
        clock.advance(hours=2)
        await fire(app)
        assert (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()["status"] == "resolved"
        assert await published("callcenter.escalation.case.escalated.v1") == []

    async def test_report_on_a_normal_case_is_refused_ESC_6(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        response = await client.post(
            f"/v1/cases/{case['id']}/emergency-report", json={"text": "x"}, headers=org.agent.headers
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-6"


class TestInstructions:
    async def test_superior_instruction_is_recorded_in_detail_ESC_7(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent)
        text = "Offer a fee waiver up to 50 yuan; call the customer before 17:00."
        response = await client.post(
            f"/v1/cases/{case['id']}/instructions", json={"text": text}, headers=org.deputy.headers
        )
        assert response.status_code == 201, response.text
        listed = (await client.get(f"/v1/cases/{case['id']}/instructions", headers=org.agent.headers)).json()
        assert [(i["text"], i["given_by"], i["given_by_level"]) for i in listed["items"]] == [
            (text, str(org.deputy.id), 3)
        ]
        events = await published("callcenter.escalation.case.instruction_recorded.v1")
        assert [e["given_by"] for e in events] == [str(org.deputy.id)]

    async def test_instruction_from_outside_the_chain_is_refused_ESC_7(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        response = await client.post(
            f"/v1/cases/{case['id']}/instructions", json={"text": "Do X"}, headers=org.outsider_deputy.headers
        )
        assert response.status_code == 403
        assert response.json()["rule"] == "ESC-7"


class TestMustReport:
    async def test_must_report_category_cannot_start_at_L1_ESC_8(self, client: httpx.AsyncClient, org: Any) -> None:
        response = await client.post(
            "/v1/categories",
            json={"code": "fraud", "name": "Fraud", "entry_level": 1, "level_minutes": [10, 20, 30, 40, 50],
                  "must_report": True},
            headers=org.deputy.headers,
        )  # fmt: skip
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-8"

    async def test_must_report_case_starts_at_L2_and_notifies_the_chain_ESC_8(
        self, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent, category="major_customer_problem")
        assert case["level"] == 2
        notices = await published("callcenter.escalation.case.chain_notified.v1")
        assert [n["case_id"] for n in notices] == [case["id"]]
        assert notices[0]["notified_ids"] == [str(p.id) for p in (org.leader, org.deputy, org.gm, org.exec)]


class TestReplyLimits:
    async def test_inquiry_without_customer_contact_is_refused_ESC_9(self, client: httpx.AsyncClient, org: Any) -> None:
        response = await client.post(
            "/v1/cases",
            json={"category": "inquiry", "channel": "phone", "customer_contact": " ", "description": "?"},
            headers=org.agent.headers,
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-9"

    async def test_online_message_unanswered_after_8_hours_is_a_counted_breach_ESC_9(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase,
        published: Published,
    ) -> None:  # fmt: skip
        late = await open_case(org.agent, category="online_message", channel="online")
        answered = await open_case(org.colleague, category="online_message", channel="online")
        assert (
            await client.post(f"/v1/cases/{answered['id']}/reply", headers=org.colleague.headers)
        ).status_code == 200
        clock.advance(hours=7, minutes=59)
        await fire(app)
        assert await published("callcenter.escalation.case.reply_overdue.v1") == []
        clock.advance(minutes=1)
        await fire(app)
        breaches = await published("callcenter.escalation.case.reply_overdue.v1")
        assert [b["case_id"] for b in breaches] == [late["id"]]
        report = await client.get("/v1/cases/reports/breaches", headers=org.deputy.headers)
        online = next(r for r in report.json()["items"] if r["category"] == "online_message")
        assert online["reply_breaches"] == 1


class TestCrossDepartment:
    async def test_duty_chief_names_a_handler_in_another_department_ESC_10(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent)
        response = await client.post(
            f"/v1/cases/{case['id']}/department", json={"handler_id": str(org.other_agent.id)},
            headers=org.deputy.headers,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assigned = await published("callcenter.escalation.case.department_assigned.v1")
        assert [a["department_handler_id"] for a in assigned] == [str(org.other_agent.id)]
        seen = await client.get(f"/v1/cases/{case['id']}", headers=org.other_agent.headers)
        assert seen.status_code == 200
        assert seen.json()["customer_contact"] is None  # the result comes back through the center
        result = await client.post(
            f"/v1/cases/{case['id']}/department-result", json={"text": "Billing corrected"},
            headers=org.other_agent.headers,
        )  # fmt: skip
        assert result.status_code == 200
        owner_view = (await client.get(f"/v1/cases/{case['id']}", headers=org.agent.headers)).json()
        assert owner_view["department_result"] == "Billing corrected"
        assert owner_view["customer_contact"] == "Ms. Li, 138 0000 0000"

    async def test_team_leader_cannot_coordinate_across_departments_ESC_10(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        response = await client.post(
            f"/v1/cases/{case['id']}/department", json={"handler_id": str(org.other_agent.id)},
            headers=org.leader.headers,
        )  # fmt: skip
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-10"

    async def test_handler_from_the_same_department_is_refused_ESC_10(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        response = await client.post(
            f"/v1/cases/{case['id']}/department", json={"handler_id": str(org.colleague.id)},
            headers=org.deputy.headers,
        )  # fmt: skip
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-10"


class TestCallback:
    async def test_callback_before_resolution_is_refused_ESC_11(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        response = await client.post(
            f"/v1/cases/{case['id']}/callbacks", json={"reached": True, "satisfied": True}, headers=org.agent.headers
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-11"

    async def test_callback_after_resolution_records_the_result_ESC_11(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.agent)
        await client.post(f"/v1/cases/{case['id']}/resolve", json={"resolution": "Done"}, headers=org.agent.headers)
        response = await client.post(
            f"/v1/cases/{case['id']}/callbacks", json={"reached": True, "satisfied": False, "note": "Still unhappy"},
            headers=org.agent.headers,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assert (response.json()["callback_reached"], response.json()["callback_satisfied"]) == (True, False)
        events = await published("callcenter.escalation.case.callback_recorded.v1")
        assert [(e["reached"], e["satisfied"]) for e in events] == [(True, False)]


class TestComplaintAttribution:
    async def test_leader_attributes_a_named_agent_complaint_ESC_12(
        self, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.colleague, category="service_attitude", named_agent_id=org.agent.id)
        response = await client.post(f"/v1/cases/{case['id']}/attribution", json={}, headers=org.leader.headers)
        assert response.status_code == 200, response.text
        events = await published("callcenter.escalation.complaint.attributed.v1")
        assert [(e["agent_id"], e["verified_by"], e["complaint_date"]) for e in events] == [
            (str(org.agent.id), str(org.leader.id), clock.now().date().isoformat())
        ]
        again = await client.post(f"/v1/cases/{case['id']}/attribution", json={}, headers=org.leader.headers)
        assert again.status_code == 409
        assert len(await published("callcenter.escalation.complaint.attributed.v1")) == 1

    async def test_complaint_is_dated_by_the_centers_calendar_ESC_12(
        self, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        clock.set(datetime(2026, 11, 30, 23, 0, tzinfo=UTC))  # 07:00 on 1 December in Asia/Shanghai
        case = await open_case(org.colleague, category="service_attitude", named_agent_id=org.agent.id)
        response = await client.post(f"/v1/cases/{case['id']}/attribution", json={}, headers=org.leader.headers)
        assert response.status_code == 200, response.text
        [event] = await published("callcenter.escalation.complaint.attributed.v1")
        assert event["complaint_date"] == "2026-12-01"  # it counts in December's tally (PRF-7a)

    async def test_agent_cannot_verify_an_attribution_ESC_12(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase, published: Published
    ) -> None:
        case = await open_case(org.colleague, category="service_attitude", named_agent_id=org.agent.id)
        response = await client.post(f"/v1/cases/{case['id']}/attribution", json={}, headers=org.colleague.headers)
        assert response.status_code == 403
        assert await published("callcenter.escalation.complaint.attributed.v1") == []

    async def test_inquiry_is_not_an_attributable_complaint_ESC_12(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent, named_agent_id=org.colleague.id)
        response = await client.post(f"/v1/cases/{case['id']}/attribution", json={}, headers=org.leader.headers)
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-12"
