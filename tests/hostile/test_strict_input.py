"""No coercion: a boolean is not a number, a number is not a date or a boolean, a string is not a
number; and the first and last days inside the date bounds work end to end, without overflow."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from callcenter_testing import TestDatabases, executive, http_client

Client = tuple[httpx.AsyncClient, dict[str, str]]


@pytest.fixture
def service(test_databases: TestDatabases) -> Callable[[str], AbstractAsyncContextManager[Client]]:
    """A client for one service's app with an L5 token."""

    @asynccontextmanager
    async def open_service(name: str) -> AsyncIterator[Client]:
        settings = importlib.import_module(f"{name}.settings").Settings(
            database_url=await test_databases.fresh(name), env="test", relay_enabled=False
        )
        app: FastAPI = importlib.import_module(f"{name}.main").create_app(settings)
        try:
            async with http_client(app) as client:
                yield client, await executive(app)
        finally:
            await app.state.engine.dispose()

    return open_service


def refused(response: httpx.Response, field: str) -> bool:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return field in [error["path"] for error in response.json()["errors"]]


CASES: list[tuple[str, str, str, dict[str, Any], str]] = [
    # service, method, path, request (json= or params=), the field named in the refusal
    ("recognition", "POST", "/v1/rewards", {"json": {"name": "Mug", "cost_points": 10, "stock": False}}, "body.stock"),
    ("recognition", "POST", "/v1/rewards", {"json": {"name": "M", "cost_points": "1", "stock": 1}}, "body.cost_points"),
    ("recognition", "GET", "/v1/praise/leaderboard", {"params": {"month": "0000-09"}}, "query.month"),
    ("scheduling", "GET", "/v1/holidays", {"params": {"from": 0}}, "query.from"),
    ("scheduling", "POST", "/v1/employees", {"json": {"name": "Li", "level": True}}, "body.level"),
    ("scheduling", "POST", "/v1/employees", {"json": {"name": "Li", "level": "5"}}, "body.level"),
    ("scheduling", "POST", "/v1/employees", {"json": {"name": "Li", "level": 5, "certified": 1}}, "body.certified"),
    ("scheduling", "GET", "/v1/assignments", {"params": {"include_removed": "1"}}, "query.include_removed"),
    ("performance", "GET", "/v1/kpis", {"params": {"include_inactive": "yes"}}, "query.include_inactive"),
    ("performance", "GET", "/v1/new-hires", {"params": {"as_of": "0001-01-01"}}, "query.as_of"),
    ("performance", "POST", "/v1/periods", {"json": {"month": "0000-01"}}, "body.month"),
    ("performance", "POST", f"/v1/periods/{uuid.uuid4()}/scorecards/{uuid.uuid4()}/adjustments",
     {"json": {"composite_delta": True}}, "body.composite_delta"),
    ("escalation", "GET", "/v1/cases", {"params": {"overdue": "0"}}, "query.overdue"),
    ("escalation", "POST", "/v1/categories", {"json": {"entry_level": 1, "must_report": 0}}, "body.must_report"),
    ("escalation", "POST", "/v1/categories", {"json": {"code": "x", "entry_level": "1"}}, "body.entry_level"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "method", "path", "request_", "field"), CASES)
async def test_lax_encodings_are_refused_with_the_field_named(
    service: Callable[[str], AbstractAsyncContextManager[Client]],
    name: str,
    method: str,
    path: str,
    request_: dict[str, Any],
    field: str,
) -> None:
    async with service(name) as (client, admin):
        response = await client.request(method, path, headers=admin, **request_)
        assert refused(response, field)


async def test_a_night_shift_on_the_last_day_crosses_into_the_year_after(
    service: Callable[[str], AbstractAsyncContextManager[Client]],
) -> None:
    async with service("scheduling") as (client, admin):
        team = (await client.post("/v1/teams", json={"name": "Hotline A"}, headers=admin)).json()
        shift = {
            "team_id": team["id"],
            "name": "Night",
            "day": "2200-12-31",
            "start_time": "22:00",
            "end_time": "06:00",
            "required_headcount": 1,
        }
        response = await client.post("/v1/shifts", json=shift, headers=admin)
        assert response.status_code == 201, response.text
        assert response.json()["ends_at_local"].startswith("2201-01-01T06:00")
        for first, last in (("1900-01-01", "1900-12-31"), ("2199-01-01", "2200-12-31")):
            holidays = await client.get("/v1/holidays", params={"from": first, "to": last}, headers=admin)
            assert holidays.status_code == 200, holidays.text


async def test_the_first_and_last_days_are_usable_in_queries(
    service: Callable[[str], AbstractAsyncContextManager[Client]],
) -> None:
    async with service("performance") as (client, admin):
        for day in ("1900-01-01", "2200-12-31"):
            response = await client.get("/v1/new-hires", params={"as_of": day}, headers=admin)
            assert response.status_code == 200, response.text
        period = await client.post("/v1/periods", json={"month": "2200-12"}, headers=admin)
        assert period.status_code == 201, period.text
        assert period.json()["end_date"] == "2200-12-31"
        points = await client.get(f"/v1/teams/{uuid.uuid4()}/bonus-points", params={"month": "1900-01"}, headers=admin)
        assert points.status_code in (200, 404), points.text
    async with service("recognition") as (client, admin):
        wall = await client.get(
            "/v1/honor-wall", params={"from_date": "1900-01-01", "to_date": "2200-12-31"}, headers=admin
        )
        assert wall.status_code == 200, wall.text
