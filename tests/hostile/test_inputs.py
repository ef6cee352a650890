"""Hostile and odd input: a clear 4xx problem, nothing stored; Chinese names round-trip."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from callcenter_shared.tables import outbox
from callcenter_testing import TestDatabases, bearer, http_client
from scheduling.main import create_app
from scheduling.org.models import Employee
from scheduling.settings import Settings


@pytest.fixture
async def app(test_databases: TestDatabases) -> AsyncIterator[FastAPI]:
    application = create_app(
        Settings(database_url=await test_databases.fresh("scheduling"), env="test", relay_enabled=False)
    )
    yield application
    await application.state.engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as c:
        yield c


@pytest.fixture
async def admin(app: FastAPI) -> dict[str, str]:
    """An executive in the directory, written straight to the table so that no event is stored."""
    now = datetime.now(UTC)
    executive = Employee(id=uuid.uuid4(), name="Exec", level=5, active=True, version=1, created_at=now, updated_at=now)
    async with app.state.session_factory() as session, session.begin():
        session.add(executive)
    return bearer(app.state.settings, executive.id)


async def nothing_stored(app: FastAPI) -> bool:
    async with app.state.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(outbox)) == 0


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["detail"]
    return body


async def test_deeply_nested_json_is_refused(app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = await client.post(
        "/v1/employee-imports", content=deep, headers={**admin, "Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"
    assert await nothing_stored(app)


async def test_malformed_json_is_422_problem(app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.post(
        "/v1/teams", content=b'{"name": ', headers={**admin, "Content-Type": "application/json"}
    )
    assert_problem(response, 422)
    assert await nothing_stored(app)


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "1", "00000000-0000-0000-0000-00000000000g", "%00"])
async def test_invalid_uuid_in_path_is_4xx(client: httpx.AsyncClient, admin: dict[str, str], bad_id: str) -> None:
    response = await client.get(f"/v1/employees/{bad_id}", headers=admin)
    assert response.status_code in (404, 422)
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01", "2026-02-30", "yesterday", 0])
async def test_dates_far_off_or_impossible_are_refused(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str], day: object
) -> None:
    response = await client.post("/v1/employees", json={"name": "x", "level": 5, "birthday": day}, headers=admin)
    body = assert_problem(response, 422)
    assert [e["path"] for e in body["errors"]] == ["body.birthday"]
    assert await nothing_stored(app)


@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31"])
async def test_dates_at_the_bounds_are_stored(client: httpx.AsyncClient, admin: dict[str, str], day: str) -> None:
    response = await client.post("/v1/employees", json={"name": "x", "level": 5, "birthday": day}, headers=admin)
    assert response.status_code == 201, response.text
    assert response.json()["birthday"] == day


async def test_chinese_names_round_trip(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    name = "欧阳娜娜·𠮷野家 Ōyáng"
    created = await client.post("/v1/employees", json={"name": name, "level": 5}, headers=admin)
    assert created.status_code == 201
    again = await client.get(f"/v1/employees/{created.json()['id']}", headers=admin)
    assert again.json()["name"] == name


async def test_overlong_and_blank_names_are_refused(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for name in ("x" * 201, "   ", ""):
        response = await client.post("/v1/employees", json={"name": name, "level": 5}, headers=admin)
        assert_problem(response, 422)
    assert await nothing_stored(app)


async def test_unknown_fields_are_refused(app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.post("/v1/teams", json={"name": "A", "is_admin": True}, headers=admin)
    body = assert_problem(response, 422)
    assert body["errors"][0]["path"] == "body.is_admin"
    assert await nothing_stored(app)


async def test_expired_and_forged_tokens_are_401(client: httpx.AsyncClient) -> None:
    forged = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    for header in ({"Authorization": forged}, {"Authorization": "Basic abc"}, {}):
        assert_problem(await client.get("/v1/teams", headers=header), 401)


async def test_nul_characters_and_huge_numbers_are_4xx_on_every_database(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    nul = await client.post("/v1/teams", json={"name": "bad\u0000name"}, headers=admin)
    assert 400 <= nul.status_code < 500 or nul.status_code == 201
    if nul.status_code == 201:  # SQLite stores NUL; then it must read back unchanged
        again = await client.get(f"/v1/teams/{nul.json()['id']}", headers=admin)
        assert again.json()["name"] == "bad\u0000name"
    huge = await client.get("/v1/employees", params={"limit": 10**30}, headers=admin)
    assert_problem(huge, 422)
