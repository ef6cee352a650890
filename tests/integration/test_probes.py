"""Health, readiness and metrics endpoints every service exposes."""

from __future__ import annotations

from callcenter_shared.testing import (
    HR_SYSTEM,
    NatsServer,
    TestDatabases,
    eventually,
    http_client,
    running,
    service_bearer,
)
from scheduling.main import create_app
from scheduling.settings import Settings


async def test_ready_when_database_and_nats_answer_and_not_when_nats_is_gone(
    test_databases: TestDatabases, nats_server: NatsServer
) -> None:
    app = create_app(
        Settings(database_url=await test_databases.fresh("scheduling"), nats_url=nats_server.url, env="test")
    )
    async with running(app), http_client(app) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}

        async def ready() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await eventually(ready)
        nats_server.stop()

        async def not_ready() -> bool:
            response = await client.get("/readyz")
            return response.status_code == 503 and response.json()["checks"]["nats"] == "disconnected"

        await eventually(not_ready)
        assert (await client.get("/healthz")).status_code == 200, "liveness does not depend on NATS"


async def test_metrics_expose_latency_backlog_and_deadlines(test_databases: TestDatabases) -> None:
    app = create_app(Settings(database_url=await test_databases.fresh("scheduling"), env="test", relay_enabled=False))
    async with http_client(app) as client:
        admin = service_bearer(app.state.settings, HR_SYSTEM)
        assert (await client.post("/v1/teams", json={"name": "A"}, headers=admin)).status_code == 201
        text = (await client.get("/metrics")).text
    assert 'callcenter_outbox_backlog{service="scheduling"} 1.0' in text
    assert "callcenter_http_request_duration_seconds_bucket" in text
    assert 'route="/v1/teams"' in text
    assert "callcenter_deadlines_due" in text
    await app.state.engine.dispose()


async def test_oversized_body_is_413_problem(test_databases: TestDatabases) -> None:
    app = create_app(
        Settings(database_url=await test_databases.fresh("scheduling"), env="test", request_body_limit_bytes=2048)
    )
    async with http_client(app) as client:
        admin = service_bearer(app.state.settings, HR_SYSTEM)
        response = await client.post("/v1/teams", json={"name": "x" * 5000}, headers=admin)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    await app.state.engine.dispose()
