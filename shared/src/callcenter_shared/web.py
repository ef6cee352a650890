"""HTTP plumbing every service uses: session and clock dependencies, probes, metrics, limits."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcenter_shared import metrics
from callcenter_shared.deadlines import due_backlog
from callcenter_shared.errors import PROBLEM_JSON, problem_body, problem_response
from callcenter_shared.idempotency import mark_committed
from callcenter_shared.outbox import backlog
from callcenter_shared.streams import durable_name, stream_name

log = logging.getLogger(__name__)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent.

    The request's Idempotency-Key (if any) is marked committed in this same transaction.
    """
    async with request.app.state.session_factory() as session:
        yield session
        await mark_committed(session, request.scope, request.app.state.clock.now())
        await session.commit()


async def get_now(request: Request) -> datetime:
    now: datetime = request.app.state.clock.now()
    return now


DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
Now = Annotated[datetime, Depends(get_now)]


MAX_PAGE_SIZE = 500
MAX_OFFSET = 1_000_000


class PageParams(BaseModel):
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    limit: int
    offset: int
    total: int


probes = APIRouter(tags=["operations"])


@probes.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@probes.get("/readyz", summary="Readiness: database and NATS reachable", response_model=None)
async def readyz(request: Request) -> Any:
    state = request.app.state
    checks: dict[str, str] = {}
    try:
        async with state.engine.connect() as connection:
            await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=2)
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    if state.uses_nats:
        checks["nats"] = "ok" if state.broker.is_connected else "disconnected"
    if all(value == "ok" for value in checks.values()):
        return {"status": "ready", "checks": checks}
    body = problem_body(503, "Not ready", "A dependency is not reachable.", "not-ready", checks=checks)
    return problem_response(body)


@probes.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics_endpoint(request: Request) -> Response:
    state = request.app.state
    service = state.settings.service_name
    try:
        async with state.session_factory() as session:
            metrics.OUTBOX_BACKLOG.labels(service).set(await backlog(session))
            metrics.DEADLINES_DUE.labels(service).set(await due_backlog(session, state.clock.now()))
    except Exception as exc:  # the database being down is what /readyz reports
        log.debug("metrics: database not readable: %s", exc)
    if state.broker.is_connected:
        for event_class in state.subscriptions:
            try:
                info = await state.broker.js.consumer_info(
                    stream_name(event_class.producer()), durable_name(service, event_class.subject)
                )
                metrics.CONSUMER_LAG.labels(service, event_class.subject).set(info.num_pending or 0)
            except Exception as exc:
                log.debug("metrics: no info for %s: %s", event_class.subject, exc)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class RequestMetricsMiddleware:
    """Records each request's latency by route template."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            metrics.HTTP_REQUEST_SECONDS.labels(self.service, scope["method"], template, str(status)).observe(
                time.perf_counter() - started
            )


class BodyLimitMiddleware:
    """Refuses request bodies over the limit with 413 before they reach a route.

    A declared Content-Length is checked up front. A body sent without one (chunked) is read
    here, up to the limit, before the route runs: counting it while the route reads would let
    the route's own body parsing turn the overflow into a 400.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.limit:
                await self._refuse(send)
                return
            # The server holds the client to its declared length, so no counting is needed.
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            problem_body(413, "Request too large", f"The request body exceeds {self.limit} bytes.", "too-large")
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _replay(body: bytes, receive: Receive) -> Receive:
    """The buffered body as one message, then the server's own messages (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
