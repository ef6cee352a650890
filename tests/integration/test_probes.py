"""Health, readiness and metrics endpoints every service exposes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import nats
from prometheus_client import Gauge
from prometheus_client.parser import text_string_to_metric_families

from callcenter_shared import metrics
from callcenter_shared.streams import stream_name
from callcenter_testing import (
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


async def test_readiness_holds_without_nats_while_writes_commit_and_are_published_when_it_returns(
    test_databases: TestDatabases, nats_server: NatsServer
) -> None:
    app = create_app(
        Settings(database_url=await test_databases.fresh("scheduling"), nats_url=nats_server.url, env="test")
    )
    admin = service_bearer(app.state.settings, HR_SYSTEM)
    async with running(app), http_client(app) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}

        async def connected() -> bool:
            body = (await client.get("/readyz")).json()
            return bool(body["nats"] == "connected" and body["outbox_backlog"] == 0)

        await eventually(connected)
        nats_server.stop()

        async def nats_gone() -> bool:
            return bool((await client.get("/readyz")).json()["nats"] == "disconnected")

        await eventually(nats_gone)
        for name in ("A", "B", "C"):
            assert (await client.post("/v1/teams", json={"name": name}, headers=admin)).status_code == 201
        ready = await client.get("/readyz")
        assert ready.status_code == 200, "a NATS outage does not take the pod out of its Service"
        assert ready.json()["checks"] == {"database": "ok"}
        assert ready.json()["outbox_backlog"] == 3
        assert 'callcenter_nats_connected_bool{service="scheduling"} 0.0' in (await client.get("/metrics")).text

        nats_server.start()

        async def published() -> bool:
            return bool((await client.get("/readyz")).json()["outbox_backlog"] == 0)

        await eventually(published, timeout=20)
    client_ = await nats.connect(nats_server.url)
    try:
        assert (await client_.jetstream().stream_info(stream_name("scheduling"))).state.messages == 3
    finally:
        await client_.close()


async def test_every_background_loop_reports_its_last_success(
    test_databases: TestDatabases, nats_server: NatsServer
) -> None:
    app = create_app(
        Settings(database_url=await test_databases.fresh("scheduling"), nats_url=nats_server.url, env="test")
    )
    started = time.time()
    async with running(app), http_client(app) as client:

        async def every_loop_reported() -> bool:
            # The gauges belong to the process: loops of apps that earlier tests ran have set them already.
            reported = last_successes((await client.get("/metrics")).text, "scheduling")
            return all(
                reported.get(loop, 0) >= started for loop in ("relay", "consumer", "deadline_worker", "retention")
            )

        await eventually(every_loop_reported, timeout=20)


def last_successes(exposition: str, service: str) -> dict[str, float]:
    """Each loop's last success (Unix time) as the service's /metrics reports it."""
    return {
        sample.labels["loop"]: sample.value
        for family in text_string_to_metric_families(exposition)
        if family.name == "callcenter_loop_last_success_timestamp_seconds"
        for sample in family.samples
        if sample.labels["service"] == service
    }


def test_every_gauge_names_its_unit() -> None:
    gauges = [value for value in vars(metrics).values() if isinstance(value, Gauge)]
    assert gauges
    for gauge in gauges:
        assert gauge._name.endswith(("_seconds", "_bytes", "_events", "_messages", "_rows", "_bool")), gauge._name


async def test_metrics_expose_latency_backlog_and_deadlines(test_databases: TestDatabases) -> None:
    app = create_app(Settings(database_url=await test_databases.fresh("scheduling"), env="test", relay_enabled=False))
    async with http_client(app) as client:
        admin = service_bearer(app.state.settings, HR_SYSTEM)
        assert (await client.post("/v1/teams", json={"name": "A"}, headers=admin)).status_code == 201
        text = (await client.get("/metrics")).text
    assert 'callcenter_outbox_backlog_events{service="scheduling"} 1.0' in text
    assert "callcenter_http_request_duration_seconds_bucket" in text
    assert 'route="/v1/teams"' in text
    assert "callcenter_deadlines_due_rows" in text
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


async def _chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_oversized_chunked_body_without_length_is_413_problem(test_databases: TestDatabases) -> None:
    app = create_app(Settings(database_url=await test_databases.fresh("scheduling"), env="test", relay_enabled=False))
    async with http_client(app) as client:
        admin = service_bearer(app.state.settings, HR_SYSTEM)
        huge = b'{"name": "' + b"x" * 10_000_000 + b'"}'
        response = await client.post(
            "/v1/teams", content=_chunks(huge), headers={**admin, "Content-Type": "application/json"}
        )
        assert "content-length" not in response.request.headers
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == "application/problem+json"
        # A chunked body within the limit still reaches the route whole.
        small = await client.post(
            "/v1/teams",
            content=_chunks(b'{"name": "Hotline A"}', size=4),
            headers={**admin, "Content-Type": "application/json"},
        )
        assert small.status_code == 201, small.text
        assert small.json()["name"] == "Hotline A"
    await app.state.engine.dispose()
