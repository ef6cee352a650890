"""Browser apps on an allowed origin may call every service; other origins get no CORS grant."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from fastapi import FastAPI

from callcenter_shared.settings import DEVELOPMENT_CORS_ORIGINS, ServiceSettings
from callcenter_testing import TestDatabases, executive, http_client

SERVICES = ["scheduling", "performance", "recognition", "escalation"]
DEV_SERVER = "http://localhost:5173"
PRODUCTION_KEYS = {"env": "production", "jwt_jwks_url": "https://idp.example/jwks"}


@pytest.fixture(params=SERVICES)
async def service_app(request: pytest.FixtureRequest, test_databases: TestDatabases) -> Any:
    service = request.param
    settings = importlib.import_module(f"{service}.settings").Settings(
        database_url=await test_databases.fresh(service), env="test"
    )
    app = importlib.import_module(f"{service}.main").create_app(settings)
    yield app
    await app.state.engine.dispose()


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key, if-match, traceparent",
    }


async def test_a_preflight_from_an_allowed_origin_is_answered(service_app: FastAPI) -> None:
    async with http_client(service_app) as client:
        response = await client.options("/v1/teams", headers=preflight(DEV_SERVER))  # was 405
        other_dev_server = await client.options("/v1/me", headers=preflight("http://127.0.0.1:3000"))
    assert other_dev_server.headers["access-control-allow-origin"] == "http://127.0.0.1:3000"
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == DEV_SERVER
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "if-match", "accept-language", "traceparent"} <= allowed
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_a_foreign_origin_gets_no_grant(service_app: FastAPI) -> None:
    async with http_client(service_app) as client:
        refused = await client.options("/v1/me", headers=preflight("https://evil.example"))
        answered = await client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert answered.status_code == 200
    assert "access-control-allow-origin" not in answered.headers


async def test_a_real_response_exposes_the_headers_a_client_reads(service_app: FastAPI) -> None:
    headers = {**await executive(service_app), "Origin": DEV_SERVER}
    async with http_client(service_app) as client:
        response = await client.get("/v1/me", headers=headers)
        refused = await client.get("/v1/me", headers={"Origin": DEV_SERVER})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == DEV_SERVER
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"location", "etag", "idempotent-replayed", "content-language"} <= exposed
    # An error is a response the browser app must be able to read too.
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == DEV_SERVER


def test_origins_come_from_a_comma_list_and_production_allows_none_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ServiceSettings(env="development").cors_origins == list(DEVELOPMENT_CORS_ORIGINS)
    assert {"http://localhost:3000", "http://127.0.0.1:5173", "http://localhost:8080"} <= set(DEVELOPMENT_CORS_ORIGINS)
    assert ServiceSettings(**PRODUCTION_KEYS).cors_origins == []
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://agents.example.com, https://admin.example.com/")
    assert ServiceSettings(**PRODUCTION_KEYS).cors_origins == [
        "https://agents.example.com",
        "https://admin.example.com",
    ]
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "")
    assert ServiceSettings(env="development").cors_origins == []
