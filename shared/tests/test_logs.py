"""One JSON log stream: uvicorn's access log included, trace and span ids, no personal data at INFO."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import logging.config
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import format_span_id, format_trace_id

from callcenter_shared.logs import UVICORN_LOGGERS, JsonFormatter, configure_logging
from callcenter_shared.tracing import TraceIdFilter
from callcenter_testing import HR_SYSTEM, TestDatabases, eventually, free_port, http_client, service_bearer
from scheduling.main import create_app
from scheduling.settings import Settings

LOG_CONFIG = Path(__file__).parents[2] / "deploy" / "docker" / "log-config.json"
CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Put the root and uvicorn loggers back as they were (pytest's capture lives on the root)."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in UVICORN_LOGGERS)]
    saved = [(logger, logger.handlers[:], logger.level, logger.propagate) for logger in loggers]
    yield
    for logger, handlers, level, propagate in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def test_access_log_lines_are_json_with_the_request_trace_id(
    test_databases: TestDatabases, restored_logging: None
) -> None:
    app = create_app(Settings(database_url=await test_databases.fresh("scheduling"), env="test", relay_enabled=False))
    # Uvicorn sets up its plain-text loggers first; the app's logging then takes them over, as in a pod.
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), lifespan="off")
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: asyncio.sleep(0, server.started))
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{config.port}/healthz", headers={"traceparent": CALLER})
        assert response.status_code == 200

        async def access_lines() -> list[dict[str, Any]]:
            return [line for line in json_lines(stream) if line["logger"] == "uvicorn.access"]

        [access] = await eventually(access_lines)
    finally:
        server.should_exit = True
        await serving
    assert access["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert access["method"] == "GET"
    assert access["path"] == "/healthz"
    assert access["status"] == 200
    # Uvicorn's own messages go to the same stream in the same format.
    assert any(line["logger"].startswith("uvicorn.error") for line in json_lines(stream))


async def test_a_conflict_logs_the_constraint_not_the_values(
    test_databases: TestDatabases, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=await test_databases.fresh("scheduling"), env="test", relay_enabled=False))
    admin = service_bearer(app.state.settings, HR_SYSTEM)
    caplog.set_level(logging.INFO)
    # Team names are unique: the second insert is refused by the database's constraint.
    async with http_client(app) as client:
        first = await client.post("/v1/teams", json={"name": "Team Quillon Marchbanks"}, headers=admin)
        assert first.status_code == 201
        conflict = await client.post("/v1/teams", json={"name": "Team Quillon Marchbanks"}, headers=admin)
    await app.state.engine.dispose()
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    [logged] = [record.getMessage() for record in caplog.records if "integrity error" in record.getMessage()]
    assert "INSERT" in logged
    assert "team" in logged
    assert "Quillon Marchbanks" not in caplog.text


def test_log_lines_inside_a_span_carry_its_trace_and_span_ids() -> None:
    tracer = TracerProvider().get_tracer("test")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "inside", None, None)
    with tracer.start_as_current_span("work") as span:
        TraceIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["trace_id"] == format_trace_id(span.get_span_context().trace_id)
    assert line["span_id"] == format_span_id(span.get_span_context().span_id)


def test_the_images_log_config_writes_uvicorns_lines_in_the_app_format(
    restored_logging: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    logging.config.dictConfig(json.loads(LOG_CONFIG.read_text(encoding="utf-8")))
    logging.getLogger("uvicorn.error").info("Started parent process [%d]", 1)
    [line] = [json.loads(text) for text in capsys.readouterr().err.splitlines() if "parent process" in text]
    assert line["logger"] == "uvicorn.error"
    assert line["message"] == "Started parent process [1]"
