"""Who sees which case, and who sees the customer's contact; list endpoints never leak."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from callcenter_shared.clock import FrozenClock
from callcenter_testing import bearer

OpenCase = Callable[..., Awaitable[dict[str, Any]]]


class TestCaseAccess:
    async def test_agent_sees_only_cases_they_own_or_handle(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        mine = await open_case(org.agent)
        theirs = await open_case(org.colleague)
        assert (await client.get(f"/v1/cases/{theirs['id']}", headers=org.agent.headers)).status_code == 403
        listed = (await client.get("/v1/cases", headers=org.agent.headers)).json()
        assert [c["id"] for c in listed["items"]] == [mine["id"]]
        assert listed["total"] == 1
        history = await client.get(f"/v1/cases/{theirs['id']}/history", headers=org.agent.headers)
        assert history.status_code == 403

    async def test_leader_sees_their_span_with_contacts_but_not_another_team(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        ours = await open_case(org.agent)
        other = await open_case(org.other_agent)
        listed = (await client.get("/v1/cases", headers=org.leader.headers)).json()
        assert [(c["id"], c["customer_contact"]) for c in listed["items"]] == [(ours["id"], "Ms. Li, 138 0000 0000")]
        assert (await client.get(f"/v1/cases/{other['id']}", headers=org.leader.headers)).status_code == 403

    async def test_nobody_outside_the_chain_sees_the_customer_contact(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        outsider = await client.get(f"/v1/cases/{case['id']}", headers=org.outsider_deputy.headers)
        assert outsider.status_code == 200
        assert outsider.json()["customer_contact"] is None
        listed = (await client.get("/v1/cases", headers=org.outsider_deputy.headers)).json()["items"]
        assert [c["customer_contact"] for c in listed] == [None]
        in_chain = await client.get(f"/v1/cases/{case['id']}", headers=org.deputy.headers)
        assert in_chain.json()["customer_contact"] == "Ms. Li, 138 0000 0000"

    async def test_my_cases_lists_owned_and_handled_cases_paginated(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        for _ in range(3):
            await open_case(org.agent, category="major_customer_problem")
        await open_case(org.other_agent, category="major_customer_problem")
        first = (await client.get("/v1/cases/mine", params={"limit": 2}, headers=org.leader.headers)).json()
        second = (
            await client.get("/v1/cases/mine", params={"limit": 2, "offset": 2}, headers=org.leader.headers)
        ).json()
        assert (first["total"], len(first["items"]), len(second["items"])) == (3, 2, 1)
        assert all(c["handler_id"] == str(org.leader.id) for c in first["items"] + second["items"])

    async def test_my_cases_pages_owned_and_handled_cases_newest_first_with_names_and_contacts(
        self, client: httpx.AsyncClient, clock: FrozenClock, org: Any, open_case: OpenCase
    ) -> None:
        opened: list[dict[str, Any]] = []
        for n in range(7):  # every other one owned by the leader, the rest handled by them (level 2)
            opened.append(await open_case(org.leader if n % 2 else org.agent, category="major_customer_problem"))
            clock.advance(minutes=1)
        await open_case(org.other_agent)  # neither owned nor handled by the leader
        newest_first = [c["id"] for c in reversed(opened)]
        pages = [
            (await client.get("/v1/cases/mine", params={"limit": 3, "offset": o}, headers=org.leader.headers)).json()
            for o in (0, 3, 6, 9)
        ]
        assert [page["total"] for page in pages] == [7, 7, 7, 7]
        assert [c["id"] for page in pages for c in page["items"]] == newest_first
        items = [c for page in pages for c in page["items"]]
        assert {c["handler_name"] for c in items} == {"Leader Li"}
        assert {c["owner_name"] for c in items} == {"Leader Li", "Agent Wang"}
        assert {c["customer_contact"] for c in items} == {"Ms. Li, 138 0000 0000"}  # owned, or owned below them
        resolved = await client.get("/v1/cases/mine", params={"status": "resolved"}, headers=org.leader.headers)
        assert resolved.json() == {"items": [], "limit": 50, "offset": 0, "total": 0}
        opened_ones = await client.get("/v1/cases/mine", params={"status": "open"}, headers=org.leader.headers)
        assert [c["id"] for c in opened_ones.json()["items"]] == newest_first

    async def test_filters_by_level_category_and_status(
        self, client: httpx.AsyncClient, org: Any, open_case: OpenCase
    ) -> None:
        at_two = await open_case(org.agent, category="major_customer_problem")
        await open_case(org.agent)
        by_level = (await client.get("/v1/cases", params={"level": 2}, headers=org.deputy.headers)).json()
        assert [c["id"] for c in by_level["items"]] == [at_two["id"]]
        by_category = await client.get("/v1/cases", params={"category": "inquiry"}, headers=org.deputy.headers)
        assert by_category.json()["total"] == 1
        resolved = await client.get("/v1/cases", params={"status": "resolved"}, headers=org.deputy.headers)
        assert resolved.json()["total"] == 0

    async def test_reports_are_for_level_3_and_above(self, client: httpx.AsyncClient, org: Any) -> None:
        for path in ("/v1/cases/reports/breaches", "/v1/cases/reports/time-per-level"):
            assert (await client.get(path, headers=org.leader.headers)).status_code == 403
            assert (await client.get(path, headers=org.deputy.headers)).status_code == 200

    async def test_requests_without_a_token_are_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/cases")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


class TestInputErrors:
    async def test_unknown_category_is_422_with_field_path(self, client: httpx.AsyncClient, org: Any) -> None:
        response = await client.post(
            "/v1/cases",
            json={"category": "nope", "channel": "phone", "customer_contact": "x", "description": "d"},
            headers=org.agent.headers,
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["path"] == "body.category"

    async def test_unknown_case_is_404_problem(self, client: httpx.AsyncClient, org: Any) -> None:
        response = await client.get("/v1/cases/00000000-0000-0000-0000-000000000000", headers=org.agent.headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    async def test_caller_missing_from_the_directory_cannot_open_cases(
        self, client: httpx.AsyncClient, app: Any
    ) -> None:
        stranger = bearer(app.state.settings, uuid.uuid4(), 1)
        response = await client.post(
            "/v1/cases",
            json={"category": "inquiry", "channel": "phone", "customer_contact": "x", "description": "d"},
            headers=stranger,
        )
        assert response.status_code == 403


class TestReports:
    async def test_time_per_level_counts_minutes_spent_at_each_level(
        self, app: Any, client: httpx.AsyncClient, clock: Any, org: Any, open_case: OpenCase
    ) -> None:
        case = await open_case(org.agent)
        clock.advance(minutes=60)
        await app.state.worker.fire_due()
        clock.advance(minutes=30)
        await client.post(f"/v1/cases/{case['id']}/resolve", json={"resolution": "ok"}, headers=org.leader.headers)
        report = (await client.get("/v1/cases/reports/time-per-level", headers=org.deputy.headers)).json()
        assert [(r["level"], r["stints"], r["resolved_here"], r["average_minutes"]) for r in report["items"]] == [
            (1, 1, 0, 60.0),
            (2, 1, 1, 30.0),
        ]
