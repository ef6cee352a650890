"""Every list endpoint of every service pages: found from each app's OpenAPI, not listed by hand.

Each GET with `limit`/`offset` is called with a page size over the maximum (422), an offset
past the end (an empty page) and a page size of one (one item, the same one the full page
starts with, and the next one at offset 1). Enough data is created that the lists named in
PROVEN_WITH_DATA hold at least two items, so those checks cannot pass on empty lists.
A collection GET (an array or a page) without paging parameters fails the second test.
The third holds every list to one shape: no GET answers a bare JSON array, and every GET that
pages answers `{items, limit, offset, total}`.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock
from callcenter_shared.web import MAX_OFFSET, MAX_PAGE_SIZE
from callcenter_testing import TestDatabases, bearer, executive, http_client, seed_person

SERVICES = ["scheduling", "performance", "recognition", "escalation"]

# Collection GETs that legitimately have no paging.
UNPAGED = {
    ("recognition", "/v1/praise/values"): "the handful of company values from the settings, not rows",
}

# Paged GETs whose body is not a page itself, with the reason.
NOT_A_PAGE = {
    ("recognition", "/v1/points/{employee_id}"): "a person's balance, with their ledger as a page inside it",
}

# Lists the walk must see with two or more items (data created below or seeded by migrations).
PROVEN_WITH_DATA = {
    ("scheduling", "/v1/teams"),
    ("scheduling", "/v1/employees"),
    ("scheduling", "/v1/holidays"),
    ("performance", "/v1/kpis"),
    ("recognition", "/v1/praise/leaderboard"),
    ("recognition", "/v1/rewards"),
    ("escalation", "/v1/categories"),
}

# Values for required query parameters, by name (and format, for times).
QUERY_VALUES = {"from": "2026-01-01", "to": "2026-12-31", "month": "2026-11", "year": "2026", "quarter": "4"}
DATE_TIMES = {"from": "2026-01-01T00:00:00Z", "to": "2026-12-31T00:00:00Z"}


async def seed_scheduling(app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    for name in ("Alpha", "Bravo", "Charlie"):
        assert (await client.post("/v1/teams", json={"name": name}, headers=admin)).status_code == 201
    for name in ("Ada", "Bo"):
        response = await client.post("/v1/employees", json={"name": name, "level": 5}, headers=admin)
        assert response.status_code == 201, response.text


async def seed_recognition(app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    async with app.state.session_factory() as session, session.begin():
        giver = await seed_person(session, level=1)
        receivers = [await seed_person(session, level=1) for _ in range(3)]
    value = app.state.settings.company_values[0]
    for points, receiver in enumerate(receivers, start=1):
        response = await client.post(
            "/v1/praise",
            json={"receiver_id": str(receiver), "points": points, "message": "Stayed late to help", "value": value},
            headers=bearer(app.state.settings, giver, 1),
        )
        assert response.status_code == 201, response.text
    for name in ("Mug", "Day off"):
        response = await client.post("/v1/rewards", json={"name": name, "cost_points": 5, "stock": 3}, headers=admin)
        assert response.status_code == 201, response.text


async def no_seed(app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """The migrations' seed (standard KPIs, case categories) is the data."""


SEEDS: dict[str, Callable[[FastAPI, httpx.AsyncClient, dict[str, str]], Awaitable[None]]] = {
    "scheduling": seed_scheduling,
    "performance": no_seed,
    "recognition": seed_recognition,
    "escalation": no_seed,
}


async def make_app(service: str, test_databases: TestDatabases) -> FastAPI:
    settings = importlib.import_module(f"{service}.settings").Settings(
        database_url=await test_databases.fresh(service),
        env="test",
        relay_enabled=False,
        consumer_enabled=False,
        worker_enabled=False,
    )
    app: FastAPI = importlib.import_module(f"{service}.main").create_app(settings, clock=FrozenClock())
    return app


def get_operations(app: FastAPI) -> list[tuple[str, dict[str, Any]]]:
    return [(path, ops["get"]) for path, ops in app.openapi()["paths"].items() if "get" in ops]


def parameter_names(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", [])}


def is_collection(operation: dict[str, Any]) -> bool:
    schema = operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("type") == "array" or schema.get("$ref", "").split("/")[-1].startswith("Page_")


def items_of(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    if "items" in body:
        return list(body["items"])
    return list(body["ledger"]["items"])  # a person's points with their ledger page


def url_for(path: str, operation: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The path with its ids filled in (unknown ids answer 404) and the required query values."""
    query: dict[str, str] = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", str(uuid.uuid4()))
        elif parameter["in"] == "query" and parameter.get("required"):
            name = parameter["name"]
            is_time = parameter["schema"].get("format") == "date-time"
            query[name] = DATE_TIMES[name] if is_time else QUERY_VALUES[name]
    return path, query


@pytest.mark.parametrize("service", SERVICES)
async def test_every_list_endpoint_honours_limit_and_offset_and_caps_the_page(
    service: str, test_databases: TestDatabases
) -> None:
    app = await make_app(service, test_databases)
    admin = await executive(app)
    proven: set[tuple[str, str]] = set()
    async with http_client(app) as client:
        await SEEDS[service](app, client, admin)
        paged = [(p, op) for p, op in get_operations(app) if {"limit", "offset"} <= parameter_names(op)]
        assert paged, f"{service} has no paged list"
        for path, operation in paged:
            url, query = url_for(path, operation)

            async def get(url: str = url, query: dict[str, str] = query, **paging: int) -> httpx.Response:
                return await client.get(url, params={**query, **paging}, headers=admin)

            too_big = await get(limit=MAX_PAGE_SIZE + 1)
            assert too_big.status_code == 422, (path, too_big.text)
            assert (await get(offset=MAX_OFFSET + 1)).status_code == 422, path
            full = await get(limit=MAX_PAGE_SIZE)
            if full.status_code in (403, 404) and re.search(r"\{\w+\}", path):
                continue  # a list under an unknown id (404, or 403 for a team's); its paging was checked above
            assert full.status_code == 200, (path, full.text)
            everything = items_of(full.json())
            past_the_end = await get(offset=MAX_OFFSET)
            assert past_the_end.status_code == 200, (path, past_the_end.text)
            assert items_of(past_the_end.json()) == [], path
            first = await get(limit=1)
            assert items_of(first.json()) == everything[:1], path
            if len(everything) >= 2:
                second = await get(limit=1, offset=1)
                assert items_of(second.json()) == everything[1:2], path
                last = await get(limit=MAX_PAGE_SIZE, offset=len(everything) - 1)
                assert items_of(last.json()) == everything[-1:], path
                proven.add((service, path))
    await app.state.engine.dispose()
    expected = {entry for entry in PROVEN_WITH_DATA if entry[0] == service}
    assert expected <= proven, f"not walked with two or more items: {sorted(expected - proven)}"


@pytest.mark.parametrize("service", SERVICES)
async def test_every_collection_get_has_paging_parameters(service: str, test_databases: TestDatabases) -> None:
    app = await make_app(service, test_databases)
    unpaged = {
        path
        for path, operation in get_operations(app)
        if is_collection(operation)
        and not {"limit", "offset"} <= parameter_names(operation)
        and (service, path) not in UNPAGED
    }
    await app.state.engine.dispose()
    assert not unpaged, f"collection GETs without limit/offset: {sorted(unpaged)}"
    stale = {path for (owner, path) in UNPAGED if owner == service} - {path for path, _ in get_operations(app)}
    assert not stale, f"allow-listed routes that no longer exist: {sorted(stale)}"


def response_schema(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """The 200 JSON schema of an operation, its `$ref` resolved."""
    schema: dict[str, Any] = (
        operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
    )
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        resolved: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        return resolved
    return schema


@pytest.mark.parametrize("service", SERVICES)
async def test_every_list_answers_a_page_and_none_a_bare_array(service: str, test_databases: TestDatabases) -> None:
    app = await make_app(service, test_databases)
    document = app.openapi()
    await app.state.engine.dispose()
    arrays, not_pages = [], []
    for path, operation in get_operations(app):
        schema = response_schema(document, operation)
        if schema.get("type") == "array":
            arrays.append(path)
        paged = {"limit", "offset"} <= parameter_names(operation) and (service, path) not in NOT_A_PAGE
        if paged and not {"items", "limit", "offset", "total"} <= set(schema.get("properties", {})):
            not_pages.append(path)
    assert not arrays, f"GETs answering a bare JSON array (answer a Page): {arrays}"
    assert not not_pages, f"paged GETs whose body lacks items/limit/offset/total: {not_pages}"
