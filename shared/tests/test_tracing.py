"""Trace context: a request's traceparent reaches its logs and the events it records."""

from __future__ import annotations

import json
import logging

from opentelemetry.sdk.resources import SERVICE_NAME
from sqlalchemy import select

from callcenter_shared.logs import JsonFormatter
from callcenter_shared.tables import outbox
from callcenter_shared.tracing import TraceIdFilter, current_traceparent, provider_from_settings
from callcenter_testing import HR_SYSTEM, TestDatabases, http_client, service_bearer
from scheduling.main import create_app
from scheduling.settings import Settings

CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


async def test_request_traceparent_is_continued_into_the_event_and_the_response(test_databases: TestDatabases) -> None:
    app = create_app(Settings(database_url=await test_databases.fresh("scheduling"), env="test", relay_enabled=False))
    headers = {**service_bearer(app.state.settings, HR_SYSTEM), "traceparent": CALLER}
    async with http_client(app) as client:
        response = await client.post("/v1/teams", json={"name": "A"}, headers=headers)
        fresh = await client.get("/healthz", headers={"traceparent": "garbage"})
    assert response.headers["traceparent"] == CALLER
    assert fresh.headers["traceparent"].startswith("00-")
    assert fresh.headers["traceparent"] != CALLER
    async with app.state.session_factory() as session:
        payload = await session.scalar(select(outbox.c.payload))
    assert json.loads(payload)["traceparent"] == CALLER
    await app.state.engine.dispose()


def test_json_log_lines_carry_the_trace_id() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello 王芳", None, None)
    token = current_traceparent.set(CALLER)
    try:
        TraceIdFilter().filter(record)
    finally:
        current_traceparent.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert line["message"] == "hello 王芳"


def test_spans_are_exported_over_otlp_only_when_an_endpoint_is_set() -> None:
    assert provider_from_settings("scheduling", "") is None
    provider = provider_from_settings("scheduling", "http://127.0.0.1:4318")
    assert provider is not None
    try:
        assert provider.resource.attributes[SERVICE_NAME] == "scheduling"
        renamed = provider_from_settings("scheduling", "http://127.0.0.1:4318", "scheduling-eu")
        assert renamed is not None
        assert renamed.resource.attributes[SERVICE_NAME] == "scheduling-eu"
        renamed.shutdown()
    finally:
        provider.shutdown()


async def test_without_a_provider_nothing_is_instrumented(test_databases: TestDatabases) -> None:
    app = create_app(Settings(database_url=await test_databases.fresh("scheduling"), env="test"))
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)
    assert not app.state.relay._tracer
    assert not app.state.consumer._tracer
    await app.state.engine.dispose()
