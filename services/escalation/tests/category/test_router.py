"""Categories over HTTP: defaults, policy validation, who may change them."""

from __future__ import annotations

from typing import Any

import httpx


class TestCategories:
    async def test_defaults_exist_on_a_fresh_database(self, client: httpx.AsyncClient, org: Any) -> None:
        response = await client.get("/v1/categories", params={"limit": 100}, headers=org.agent.headers)
        codes = {c["code"]: c for c in response.json()["items"]}
        assert {"inquiry", "online_message", "service_attitude", "major_customer_problem", "handover_item"} <= set(
            codes
        )
        assert codes["online_message"]["reply_limit_minutes"] == 480
        assert codes["service_attitude"]["attributable"] is True
        assert codes["major_customer_problem"]["must_report"] is True

    async def test_only_level_3_and_above_change_policies(self, client: httpx.AsyncClient, org: Any) -> None:
        body = {"code": "parcel", "name": "Parcel", "entry_level": 1, "level_minutes": [10, 20, 30, 40, 50]}
        assert (await client.post("/v1/categories", json=body, headers=org.leader.headers)).status_code == 403
        assert (await client.post("/v1/categories", json=body, headers=org.deputy.headers)).status_code == 201
        duplicate = await client.post("/v1/categories", json=body, headers=org.deputy.headers)
        assert duplicate.status_code == 409

    async def test_policy_needs_a_positive_time_for_each_of_the_five_levels(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        for minutes in ([10, 20, 30, 40], [10, 0, 30, 40, 50]):
            response = await client.post(
                "/v1/categories",
                json={"code": "bad", "name": "Bad", "entry_level": 1, "level_minutes": minutes},
                headers=org.deputy.headers,
            )
            assert response.status_code == 422
            assert response.json()["errors"][0]["path"].startswith("body.level_minutes")

    async def test_making_an_l1_category_must_report_is_refused_ESC_8(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        listed = (await client.get("/v1/categories", params={"limit": 100}, headers=org.agent.headers)).json()
        inquiry = next(c for c in listed["items"] if c["code"] == "inquiry")
        response = await client.patch(
            f"/v1/categories/{inquiry['id']}", json={"must_report": True}, headers=org.deputy.headers
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ESC-8"
        again = (await client.get(f"/v1/categories/{inquiry['id']}", headers=org.agent.headers)).json()
        assert (again["must_report"], again["version"]) == (False, 1)


class TestIdempotentOpening:
    async def test_same_idempotency_key_opens_one_case(self, client: httpx.AsyncClient, org: Any) -> None:
        body = {"category": "inquiry", "channel": "phone", "customer_contact": "c", "description": "d"}
        headers = {**org.agent.headers, "Idempotency-Key": "call-0915"}
        first = await client.post("/v1/cases", json=body, headers=headers)
        second = await client.post("/v1/cases", json=body, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json()["id"] == second.json()["id"]
        assert (await client.get("/v1/cases/mine", headers=org.agent.headers)).json()["total"] == 1
