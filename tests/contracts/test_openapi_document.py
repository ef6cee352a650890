"""Every service's OpenAPI document is one a client generator can use as it is.

Protected operations carry the bearer scheme and the probes an empty requirement (no token); operationIds are short,
camelCase and unique; every error response refers to the one `Problem` schema; the POSTs
that honour `Idempotency-Key` document it; every tag is described; `/docs` works offline.
Which operations are protected is read from the routes (do they depend on the caller?),
not from the document under test.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from callcenter_shared.auth import current_caller
from callcenter_shared.errors import PROBLEM_JSON
from callcenter_testing import TestDatabases, executive, http_client

SERVICES = ["scheduling", "performance", "recognition", "escalation"]
PROBES = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
CAMEL_CASE = re.compile(r"[a-z][a-zA-Z0-9]*")


@pytest.fixture(params=SERVICES)
async def service_app(request: pytest.FixtureRequest, test_databases: TestDatabases) -> Any:
    """The app on a fresh database, for the tests that call it."""
    service = request.param
    settings = importlib.import_module(f"{service}.settings").Settings(
        database_url=await test_databases.fresh(service), env="test"
    )
    app = importlib.import_module(f"{service}.main").create_app(settings)
    yield app
    await app.state.engine.dispose()


@pytest.fixture(scope="module", params=SERVICES)
def documented_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The app whose document and routes the read-only tests inspect: built once per service, never called,
    so its database is never opened, and its document is generated once."""
    service = request.param
    unopened = tmp_path_factory.mktemp("documented") / f"{service}.db"
    settings = importlib.import_module(f"{service}.settings").Settings(
        database_url=f"sqlite+aiosqlite:///{unopened}", env="test"
    )
    app: FastAPI = importlib.import_module(f"{service}.main").create_app(settings)
    return app


def _depends_on_caller(dependant: Dependant) -> bool:
    return any(d.call is current_caller or _depends_on_caller(d) for d in dependant.dependencies)


def protected_operations(app: FastAPI) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(method, path) of the documented operations that need a caller, and of those that do not."""
    protected, open_ = set(), set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        target = protected if _depends_on_caller(route.dependant) else open_
        target |= {(method, context.path_format or "") for method in route.methods if method != "HEAD"}
    return protected, open_


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_protected_operations_carry_the_bearer_scheme_and_the_probes_none(documented_app: FastAPI) -> None:
    spec = documented_app.openapi()
    protected, open_ = protected_operations(documented_app)
    assert open_ == PROBES
    assert spec["security"] == [{"bearerAuth": []}]
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    wrong = []
    for method, path, operation in operations(spec):
        if (method, path) in protected:
            if operation.get("security") != [{"bearerAuth": []}] or "401" not in operation["responses"]:
                wrong.append(f"{method} {path}: no bearer security or no 401")
        elif operation.get("security") != [] or "401" in operation["responses"] or "403" in operation["responses"]:
            wrong.append(f"{method} {path}: a probe with security or 401/403")
    assert wrong == []
    assert {(m, p) for m, p, _ in operations(spec)} == protected | open_


def test_operation_ids_are_unique_camel_case_route_names(documented_app: FastAPI) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(documented_app.openapi())]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if not CAMEL_CASE.fullmatch(i)] == []
    assert {"getMe", "healthz"} <= set(ids)


# The probes keep their conventional one-word names; everything else says what it acts on.
PROBE_OPERATIONS = {"healthz", "readyz", "metrics"}


def test_operation_ids_name_the_action_and_its_object(documented_app: FastAPI) -> None:
    """`approveNomination`, not `approve`: a generated client holds every operation in one namespace."""
    ids = [operation["operationId"] for _, _, operation in operations(documented_app.openapi())]
    assert [i for i in ids if i not in PROBE_OPERATIONS and i.islower()] == []


def _inlined_problems(node: Any, where: str) -> Iterator[str]:
    """Places outside the `Problem` component that spell out a problem document's schema."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict) and {"type", "title", "status", "detail"} <= properties.keys():
            yield where
        for key, value in node.items():
            yield from _inlined_problems(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _inlined_problems(value, f"{where}/{index}")


def test_every_error_response_refers_to_the_one_problem_schema(documented_app: FastAPI) -> None:
    spec = documented_app.openapi()
    schemas = spec["components"]["schemas"]
    assert schemas["Problem"]["properties"].keys() >= {"type", "title", "status", "detail", "rule"}
    outside = {**spec, "components": {**spec["components"], "schemas": {**schemas, "Problem": {}}}}
    assert list(_inlined_problems(outside, "#")) == []
    wrong = []
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status[0] in "45" and response.get("content", {}).get(PROBLEM_JSON, {}).get("schema") != PROBLEM_REF:
                wrong.append(f"{method} {path} {status}")
    assert wrong == []
    # Generated clients name models after these; a module path in a name means two models collide.
    assert [name for name in schemas if "__" in name] == []


def test_posts_that_honour_idempotency_keys_document_the_header(documented_app: FastAPI) -> None:
    spec = documented_app.openapi()
    protected, _ = protected_operations(documented_app)
    wrong = []
    for method, path, operation in operations(spec):
        headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
        documented = "Idempotency-Key" in headers and headers["Idempotency-Key"]["required"] is False
        if documented != (method == "POST" and (method, path) in protected):
            wrong.append(f"{method} {path}")
    assert wrong == []


def test_tags_are_described_and_the_document_names_its_server(documented_app: FastAPI) -> None:
    spec = documented_app.openapi()
    described = {tag["name"] for tag in spec["tags"] if tag.get("description")}
    used = {tag for _, _, operation in operations(spec) for tag in operation.get("tags", [])}
    assert used - described == set()
    assert spec["servers"] == [{"url": "/", "description": f"The {documented_app.state.settings.service_name} API"}]


async def test_docs_are_served_from_bundled_assets(service_app: FastAPI) -> None:
    async with http_client(service_app) as client:
        page = await client.get("/docs")
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets
        assert all(asset.startswith("/docs/assets/") for asset in assets), assets
        for asset in assets:
            response = await client.get(asset)
            assert response.status_code == 200, asset
            assert response.content, asset
        assert (await client.get("/openapi.json")).json()["info"]["title"] == service_app.title


async def test_the_documented_idempotency_key_bounds_are_enforced(service_app: FastAPI) -> None:
    headers = await executive(service_app)
    async with http_client(service_app) as client:
        for key in ("", "k" * 201):
            response = await client.post("/v1/me", headers={**headers, "Idempotency-Key": key}, json={})
            assert response.status_code == 422, (key, response.text)
            assert response.headers["content-type"] == PROBLEM_JSON
