"""Builds a service's FastAPI app: database, NATS, outbox relay, consumers, deadline worker, retention.

Every service's `create_app()` calls `build_app()` with its routers, its event
subscriptions and its deadline handlers; the lifespan starts and stops the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from opentelemetry.trace import TracerProvider
from sqlalchemy import Table

from callcenter_shared import __version__, i18n, metrics
from callcenter_shared.auth import RecentCallers, TokenVerifier
from callcenter_shared.broker import Broker, connect_options
from callcenter_shared.clock import Clock, SystemClock
from callcenter_shared.cors import install_cors
from callcenter_shared.db import WROTE_FLAG, create_engine, create_session_factory, is_sqlite
from callcenter_shared.deadlines import Daily, DeadlineWorker, Handler
from callcenter_shared.errors import PROBLEM_RESPONSES, install_error_handlers
from callcenter_shared.idempotency import IdempotencyMiddleware
from callcenter_shared.inbox import EventConsumer, Subscriptions
from callcenter_shared.logs import configure_logging
from callcenter_shared.me import Capability, me_router
from callcenter_shared.openapi import SHARED_TAGS, install_docs, install_openapi, operation_id
from callcenter_shared.org import org_employee, org_team
from callcenter_shared.outbox import PENDING_FLAG, OutboxRelay
from callcenter_shared.retention import RetentionJob, Windows
from callcenter_shared.settings import Environment, ServiceSettings
from callcenter_shared.task_stream import TaskHub
from callcenter_shared.tasks import TaskSource
from callcenter_shared.tracing import INSTRUMENTATION, TraceMiddleware, provider_from_settings, trace_http, trace_sql
from callcenter_shared.web import BodyLimitMiddleware, RequestMetricsMiddleware, probes

# The relay reads its next batch while it marks the one before; the consumers' fetch loops share
# the third (a transaction each, short): few connections, as PostgreSQL's are counted per server.
EVENT_CONNECTIONS = 3


def build_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    subscriptions: Subscriptions | None = None,
    deadline_handlers: Mapping[str, Handler] | None = None,
    daily_deadlines: Sequence[Daily] = (),
    clock: Clock | None = None,
    openapi_tags: list[dict[str, Any]] | None = None,
    tracer_provider: TracerProvider | None = None,
    directory: Table = org_employee,
    tasks: TaskSource | None = None,
    teams: Table = org_team,
    capabilities: Sequence[Capability] = (),
) -> FastAPI:
    """The service's app; `tracer_provider` records its spans (default: OTLP when configured, else none).

    `tasks` is the service's "waiting for me" query; with it the app keeps a `TaskHub` for the
    live stream (`app.state.task_hub`, decision 0008). `directory` and `teams` are where callers
    are looked up (the service's own tables or the org read copy); `capabilities` are what
    `GET /v1/me` reports the caller may do.
    """
    service = settings.service_name
    i18n.use_catalog(service)  # the service's package holds its Chinese messages
    if settings.env is not Environment.test:  # the test runner keeps its own log capture
        configure_logging(settings.log_level, settings.log_format)
    clock = clock or SystemClock()
    subscriptions = dict(subscriptions or {})
    deadline_handlers = dict(deadline_handlers or {})

    # A provider built here is this app's own, shut down (flushed) with it; a passed one is the caller's.
    owned_provider = None
    if tracer_provider is None:
        tracer_provider = owned_provider = provider_from_settings(
            service, settings.otel_exporter_otlp_endpoint, settings.otel_service_name
        )
    tracer = tracer_provider.get_tracer(INSTRUMENTATION) if tracer_provider is not None else None

    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
    if tracer is not None:
        trace_sql(engine.sync_engine, tracer)
    broker = Broker(settings.nats_url, name=service, options=connect_options(settings))
    relay_holder: list[OutboxRelay] = []
    hub_holder: list[TaskHub] = []

    recent_callers = RecentCallers(settings.caller_cache_seconds)

    def after_commit(session_info: dict[str, Any]) -> None:
        if session_info.pop(PENDING_FLAG, False) and relay_holder:
            relay_holder[0].wake()
        if session_info.pop(WROTE_FLAG, False):
            recent_callers.forget_all()  # the write may have been to somebody's directory row
            if hub_holder:
                hub_holder[0].poke()

    session_factory = create_session_factory(engine, after_commit=after_commit)
    # The relay and the consumers have connections of their own: behind a queue of requests
    # waiting for the pool, every event would wait as long as that queue (SQLite has one connection).
    events_engine = engine
    events_session_factory = session_factory
    if not is_sqlite(settings.database_url):
        events_engine = create_engine(settings.database_url, pool_size=EVENT_CONNECTIONS)
        if tracer is not None:
            trace_sql(events_engine.sync_engine, tracer)
        events_session_factory = create_session_factory(events_engine, after_commit=after_commit)
    relay = OutboxRelay(
        service=service, session_factory=events_session_factory, broker=broker, clock=clock, tracer=tracer
    )
    relay_holder.append(relay)
    consumer = EventConsumer(
        service=service,
        session_factory=events_session_factory,
        broker=broker,
        subscriptions=subscriptions,
        clock=clock,
        max_deliveries=settings.consumer_max_deliveries,
        batch_size=settings.consumer_batch_size,
        ack_wait_seconds=settings.consumer_ack_wait_seconds,
        tracer=tracer,
    )
    worker = DeadlineWorker(
        service=service,
        session_factory=session_factory,
        handlers=deadline_handlers,
        clock=clock,
        poll_seconds=settings.worker_poll_seconds,
        concurrency=1 if is_sqlite(settings.database_url) else settings.worker_concurrency,
        daily=daily_deadlines,
        tracer=tracer,
    )
    retention = RetentionJob(
        service=service,
        session_factory=session_factory,
        clock=clock,
        windows=Windows.from_settings(settings),
        batch_size=settings.retention_batch_size,
        interval_seconds=settings.retention_interval_seconds,
    )
    hub = None
    if tasks is not None:
        hub = TaskHub(
            service=service,
            source=tasks,
            session_factory=session_factory,
            broker=broker,
            clock=clock,
            directory=directory,
            settings=settings,
        )
        hub_holder.append(hub)
    run_relay = settings.relay_enabled
    run_consumer = settings.consumer_enabled and bool(subscriptions)
    run_worker = settings.worker_enabled and bool(deadline_handlers)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if run_relay or run_consumer or hub is not None:
            broker.start()
        if hub is not None:
            hub.start()
        if run_relay:
            relay.start()
        if run_consumer:
            consumer.start()
        if run_worker:
            worker.start()
        if settings.retention_enabled:
            retention.start()
        try:
            yield
        finally:
            if hub is not None:
                await hub.stop()
            await retention.stop()
            await worker.stop()
            await consumer.stop()
            await relay.stop()
            await broker.close()
            await engine.dispose()
            await events_engine.dispose()
            metrics.process_exited()
            if owned_provider is not None:
                await asyncio.to_thread(owned_provider.shutdown)

    app = FastAPI(
        title=title,
        description=description,
        version=__version__,
        lifespan=lifespan,
        openapi_tags=[*(openapi_tags or []), *SHARED_TAGS],
        responses=PROBLEM_RESPONSES,
        servers=[{"url": settings.openapi_server_url or "/", "description": f"The {service} API"}],
        generate_unique_id_function=operation_id,
        docs_url=None,  # served from bundled assets below, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.engine = engine
    app.state.session_factory = session_factory
    app.state.broker = broker
    app.state.relay = relay
    app.state.consumer = consumer
    app.state.worker = worker
    app.state.retention = retention
    app.state.task_hub = hub
    app.state.subscriptions = subscriptions
    app.state.uses_nats = run_relay or run_consumer
    app.state.verifier = TokenVerifier(settings)
    app.state.recent_callers = recent_callers
    # Where callers are looked up (level, team, active): the owner's table or the read copy.
    app.state.directory = directory
    app.state.teams = teams
    app.state.capabilities = tuple(capabilities)

    install_error_handlers(app)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(BodyLimitMiddleware, limit=settings.request_body_limit_bytes)
    app.add_middleware(RequestMetricsMiddleware, service=service)
    app.add_middleware(TraceMiddleware)
    if tracer_provider is not None:
        trace_http(app, tracer_provider)
    install_cors(app, settings)  # outermost: preflights are answered before anything else runs
    app.include_router(probes)
    app.include_router(me_router(capabilities))
    for router in routers:
        app.include_router(router)
    install_openapi(app)
    install_docs(app)
    return app
