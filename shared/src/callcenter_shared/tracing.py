"""W3C trace context and OpenTelemetry spans across HTTP, SQL, logs and events.

Each request continues the caller's `traceparent` (or starts a trace); logs written
while handling it carry its trace id, events it records carry its traceparent in the
envelope (the CloudEvents distributed-tracing extension), and a consumer handling such
an event continues that trace.

Spans are recorded only when the app has a tracer provider: one built from
`OTEL_EXPORTER_OTLP_ENDPOINT`, or one a test passes in. Without one nothing is wrapped
and no span is made; the traceparent still travels as above. Each app holds its own
provider (never the process-global one), so several apps in one process stay apart.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager
from contextvars import ContextVar
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Tracer, TracerProvider, format_span_id, format_trace_id
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcenter_shared.envelope import new_traceparent

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
# The envelope is written by `Envelope.model_dump_json`, so its traceparent has this exact shape.
_TRACEPARENT_IN_PAYLOAD = re.compile(rb'"traceparent":"(00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})"')
_W3C = TraceContextTextMapPropagator()
INSTRUMENTATION = "callcenter_shared"
UNTRACED_PATHS = "/healthz,/readyz,/metrics"

current_traceparent: ContextVar[str | None] = ContextVar("current_traceparent", default=None)


def valid_or_new(traceparent: str | None) -> str:
    if traceparent and _TRACEPARENT.match(traceparent) and traceparent[3:35] != "0" * 32:
        return traceparent
    return new_traceparent()


def trace_id(traceparent: str | None) -> str | None:
    match = _TRACEPARENT.match(traceparent or "")
    return match.group(1) if match else None


def _active_span_context() -> trace.SpanContext | None:
    context = trace.get_current_span().get_span_context()
    return context if context.is_valid else None


def current() -> str | None:
    """The traceparent to record with an event: the active span's, else the request's or event's."""
    context = _active_span_context()
    if context is None:
        return current_traceparent.get()
    return f"00-{format_trace_id(context.trace_id)}-{format_span_id(context.span_id)}-{context.trace_flags:02x}"


def provider_from_settings(service: str, endpoint: str, service_name: str = "") -> SdkTracerProvider | None:
    """An OTLP-exporting provider when an endpoint is configured, else None (no spans at all).

    The exporter reads the other standard variables itself (OTEL_EXPORTER_OTLP_HEADERS,
    _TIMEOUT, _COMPRESSION, OTEL_TRACES_SAMPLER, OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES).
    """
    if not endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    provider = SdkTracerProvider(resource=Resource.create({SERVICE_NAME: service_name or service}))
    exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def trace_sql(engine: Engine, tracer: Tracer) -> None:
    """A client span per statement run inside a request or message span.

    Statements outside any span (the relay's and the deadline worker's polling) are not
    traced: a root trace per poll would bury the traces people look for. The statement
    text is recorded, never its parameters.
    """
    system = "postgresql" if engine.dialect.name == "postgresql" else engine.dialect.name
    namespace = engine.url.database or ""

    @event.listens_for(engine, "before_cursor_execute")
    def _start(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        if _active_span_context() is None or context is None:
            return
        operation = statement.split(None, 1)[0].upper() if statement.strip() else system
        context._callcenter_span = tracer.start_span(
            operation,
            kind=SpanKind.CLIENT,
            attributes={
                "db.system.name": system,
                "db.namespace": namespace,
                "db.operation.name": operation,
                "db.query.text": statement,
            },
        )

    @event.listens_for(engine, "after_cursor_execute")
    def _end(_conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        span = getattr(context, "_callcenter_span", None)
        if span is not None:
            span.end()
            context._callcenter_span = None

    @event.listens_for(engine, "handle_error")
    def _failed(exception_context: Any) -> None:
        span = getattr(exception_context.execution_context, "_callcenter_span", None)
        if span is not None:
            # The error's type only: a driver's message can quote the row's values.
            span.set_status(trace.Status(trace.StatusCode.ERROR, type(exception_context.original_exception).__name__))
            span.end()
            exception_context.execution_context._callcenter_span = None


@contextlib.contextmanager
def consuming(tracer: Tracer | None, traceparent: str | None, *, subject: str, event_id: str) -> Iterator[None]:
    """Handle an event inside its producer's trace: a consumer span, child of the envelope's context."""
    traceparent = valid_or_new(traceparent)
    if tracer is None:
        token = current_traceparent.set(traceparent)
        try:
            yield
        finally:
            current_traceparent.reset(token)
        return
    attributes = {
        "messaging.system": "nats",
        "messaging.destination.name": subject,
        "messaging.operation.type": "process",
        "messaging.message.id": event_id,
    }
    parent = _W3C.extract({"traceparent": traceparent})
    with tracer.start_as_current_span(
        f"process {subject}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
    ):
        token = current_traceparent.set(current())
        try:
            yield
        finally:
            current_traceparent.reset(token)


@contextlib.contextmanager
def consuming_batch(tracer: Tracer | None, traceparents: list[str | None], *, subject: str) -> Iterator[None]:
    """Handle several events in one call: one consumer span linked to each event's trace (OTel batch receive).

    What the handler logs or records continues the last event's trace.
    """
    last = valid_or_new(traceparents[-1] if traceparents else None)
    if tracer is None:
        token = current_traceparent.set(last)
        try:
            yield
        finally:
            current_traceparent.reset(token)
        return
    links = []
    for traceparent in traceparents:
        context = trace.get_current_span(_W3C.extract({"traceparent": valid_or_new(traceparent)})).get_span_context()
        links.append(trace.Link(context))
    attributes: dict[str, str | int] = {
        "messaging.system": "nats",
        "messaging.destination.name": subject,
        "messaging.operation.type": "process",
        "messaging.batch.message_count": len(traceparents),
    }
    parent = _W3C.extract({"traceparent": last})
    with tracer.start_as_current_span(
        f"process {subject}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes, links=links
    ):
        token = current_traceparent.set(current())
        try:
            yield
        finally:
            current_traceparent.reset(token)


def firing(tracer: Tracer | None, kinds: Collection[str]) -> AbstractContextManager[Any]:
    """A span around a batch of fired deadlines, so the events their handlers record start a trace."""
    if tracer is None or not kinds:
        return contextlib.nullcontext()
    return tracer.start_as_current_span(
        "fire deadlines",
        attributes={"callcenter.deadline.kinds": sorted(set(kinds)), "callcenter.deadline.count": len(kinds)},
    )


class PublishSpans:
    """JetStream's `publish` in a producer span, a child of the context the event was recorded in.

    The relay publishes later than the request that recorded the event; the envelope's
    traceparent is that request's context, so the publish joins the request's trace.
    """

    def __init__(self, js: Any, tracer: Tracer) -> None:
        self._js = js
        self._tracer = tracer

    async def publish(self, subject: str, payload: bytes, **kwargs: Any) -> Any:
        found = _TRACEPARENT_IN_PAYLOAD.search(payload)
        parent = _W3C.extract({"traceparent": found.group(1).decode()}) if found else None
        attributes = {
            "messaging.system": "nats",
            "messaging.destination.name": subject,
            "messaging.operation.type": "send",
            "messaging.message.id": str((kwargs.get("headers") or {}).get("Nats-Msg-Id", "")),
        }
        with self._tracer.start_as_current_span(
            f"publish {subject}", context=parent, kind=SpanKind.PRODUCER, attributes=attributes
        ):
            return await self._js.publish(subject, payload, **kwargs)


def trace_http(app: Any, provider: TracerProvider) -> None:
    """A server span per request (probes left out), continuing the caller's traceparent."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=provider, excluded_urls=UNTRACED_PATHS, exclude_spans=["receive", "send"]
    )


class TraceMiddleware:
    """Continues or starts the request's trace and echoes it in the response.

    Inside a server span the echoed traceparent is the span's; without tracing it is the
    caller's (or a new one).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"traceparent", b"").decode("latin-1")
        traceparent = current() if _active_span_context() else valid_or_new(incoming)
        token = current_traceparent.set(traceparent)

        async def with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"traceparent", str(traceparent).encode()))
            await send(message)

        try:
            await self.app(scope, receive, with_header)
        finally:
            current_traceparent.reset(token)


class TraceIdFilter(logging.Filter):
    """Puts the current trace id (`trace_id`) and, inside a span, its id (`span_id`) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _active_span_context()
        if context is not None:
            record.trace_id = format_trace_id(context.trace_id)
            record.span_id = format_span_id(context.span_id)
        else:
            record.trace_id = trace_id(current_traceparent.get())
            record.span_id = None
        return True
