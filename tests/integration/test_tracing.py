"""One trace from an HTTP request through the outbox and NATS to another service's handler."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.tables import outbox as outbox_table
from callcenter_testing import (
    HR_SYSTEM,
    NatsServer,
    TestDatabases,
    eventually,
    http_client,
    running,
    service_bearer,
)
from performance.main import create_app as create_performance
from performance.settings import Settings as PerformanceSettings
from scheduling.main import create_app as create_scheduling
from scheduling.settings import Settings as SchedulingSettings

UPSERTED = "callcenter.scheduling.employee.upserted.v1"


def provider(service: str, exporter: InMemorySpanExporter) -> TracerProvider:
    tracer_provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    return tracer_provider


def one(spans: Sequence[ReadableSpan], service: str, kind: SpanKind, name: str) -> ReadableSpan:
    found = [s for s in spans if s.resource.attributes[SERVICE_NAME] == service and s.kind is kind and s.name == name]
    assert len(found) == 1, [(s.resource.attributes[SERVICE_NAME], s.kind, s.name) for s in spans]
    return found[0]


def parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent else None


def attribute(span: ReadableSpan, key: str) -> str:
    return str((span.attributes or {}).get(key, ""))


async def test_a_request_its_sql_the_publish_and_the_consumer_share_one_trace(
    test_databases: TestDatabases, nats_server: NatsServer
) -> None:
    exporter = InMemorySpanExporter()
    producer = create_scheduling(
        SchedulingSettings(database_url=await test_databases.fresh("scheduling"), nats_url=nats_server.url, env="test"),
        tracer_provider=provider("scheduling", exporter),
    )
    consumer = create_performance(
        PerformanceSettings(
            database_url=await test_databases.fresh("performance"), nats_url=nats_server.url, env="test"
        ),
        tracer_provider=provider("performance", exporter),
    )
    admin = service_bearer(producer.state.settings, HR_SYSTEM)
    async with running(producer), running(consumer), http_client(producer) as client:
        await consumer.state.consumer.ready.wait()
        response = await client.post("/v1/employees", json={"name": "Traced Person", "level": 5}, headers=admin)
        assert response.status_code == 201

        async def handled() -> list[ReadableSpan]:
            spans = list(exporter.get_finished_spans())
            return spans if any(s.kind is SpanKind.CONSUMER for s in spans) else []

        spans = await eventually(handled)

    server = one(spans, "scheduling", SpanKind.SERVER, "POST /v1/employees")
    publish = one(spans, "scheduling", SpanKind.PRODUCER, f"publish {UPSERTED}")
    process = one(spans, "performance", SpanKind.CONSUMER, f"process {UPSERTED}")
    trace_id = server.context.trace_id
    # The response's traceparent names the server span, so a caller can find the trace.
    assert response.headers["traceparent"].split("-")[1:3] == [
        format_trace_id(trace_id),
        format_span_id(server.context.span_id),
    ]
    # The relay publishes after the request ended, as a child of the context stored with the event.
    assert publish.context.trace_id == trace_id
    assert parent_id(publish) == server.context.span_id
    # The consumer continues the producer's context carried in the envelope.
    assert process.context.trace_id == trace_id
    assert parent_id(process) == server.context.span_id
    assert attribute(process, "messaging.message.id") == attribute(publish, "messaging.message.id")

    # SQL runs as children of the request in scheduling and of the handler in performance.
    request_sql = [s for s in spans if s.kind is SpanKind.CLIENT and parent_id(s) == server.context.span_id]
    assert any(s.name == "INSERT" and "employee" in attribute(s, "db.query.text") for s in request_sql)
    handler_sql = [s for s in spans if parent_id(s) == process.context.span_id]
    assert handler_sql
    assert all(s.kind is SpanKind.CLIENT for s in handler_sql)
    # Every span of the request and of the event is in the one trace; statements are recorded without values.
    for span in [server, publish, process, *request_sql, *handler_sql]:
        assert span.context.trace_id == trace_id
    assert not any("Traced Person" in str(value) for s in spans for value in (s.attributes or {}).values())


async def test_events_recorded_by_a_fired_deadline_start_their_trace_at_the_firing(
    test_databases: TestDatabases,
) -> None:
    exporter = InMemorySpanExporter()
    tracer_provider = provider("scheduling", exporter)
    app = create_scheduling(
        SchedulingSettings(database_url=await test_databases.fresh("scheduling"), env="test"),
        tracer_provider=tracer_provider,
    )
    now = datetime.now(UTC)

    async def on_due(session: AsyncSession, due: deadlines.Due, at: datetime) -> None:
        event = EmployeeUpsertedV1(employee_id=uuid.UUID(due.ref_id), name="x", level=5, version=1)
        await outbox.add(session, event, at=at)

    worker = deadlines.DeadlineWorker(
        service="scheduling",
        session_factory=app.state.session_factory,
        handlers={"test.reminder": on_due},
        clock=FrozenClock(now),
        tracer=tracer_provider.get_tracer("test"),
    )
    async with app.state.session_factory() as session, session.begin():
        await deadlines.schedule(
            session, kind="test.reminder", ref_id=uuid.uuid4(), due_at=now - timedelta(minutes=1), now=now
        )
    assert await worker.fire_due() == 1
    async with app.state.session_factory() as session:
        envelope = json.loads(await session.scalar(select(outbox_table.c.payload)))
    await app.state.engine.dispose()

    [fired] = [s for s in exporter.get_finished_spans() if s.name == "fire deadlines"]
    assert attribute(fired, "callcenter.deadline.count") == "1"
    assert envelope["traceparent"].split("-")[1:3] == [
        format_trace_id(fired.context.trace_id),
        format_span_id(fired.context.span_id),
    ]
    # The handler's statements are children of the firing.
    assert any(
        s.kind is SpanKind.CLIENT and parent_id(s) == fired.context.span_id for s in exporter.get_finished_spans()
    )
