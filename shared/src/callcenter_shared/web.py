"""HTTP plumbing every service uses: session and clock dependencies, probes, metrics, limits."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel, Field
from pydantic_core import to_json
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcenter_shared import metrics
from callcenter_shared.db import make_read_only
from callcenter_shared.deadlines import due_backlog
from callcenter_shared.errors import problem_body, problem_response, request_language, send_problem
from callcenter_shared.i18n import t
from callcenter_shared.outbox import backlog
from callcenter_shared.streams import durable_name, stream_name

log = logging.getLogger(__name__)


READ_METHODS = frozenset({"GET", "HEAD"})

# Where the idempotency middleware leaves the request's claim on its key (`idempotency.Claim`).
IDEMPOTENCY_CLAIM = "callcenter.idempotency_claim"


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent.

    The request's Idempotency-Key (if any) is marked committed in this same transaction. A GET only
    reads: without a transaction on PostgreSQL, and any write it tried would be refused (`make_read_only`).
    """
    async with request.app.state.session_factory() as session:
        if request.method in READ_METHODS:
            await make_read_only(session)
        yield session
        claim = request.scope.get(IDEMPOTENCY_CLAIM)
        if claim is not None:
            await claim.mark_committed(session, request.app.state.clock.now())
        await session.commit()


async def get_now(request: Request) -> datetime:
    now: datetime = request.app.state.clock.now()
    return now


DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
Now = Annotated[datetime, Depends(get_now)]
# The language the caller asks for with Accept-Language: `i18n.ENGLISH` or `i18n.CHINESE`.
Language = Annotated[str, Depends(request_language)]


def set_content_language(response: Response, language: str) -> None:
    """Say which language a response's text is in (a body whose names follow `Language`)."""
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"


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


def validated_json(model: BaseModel, status_code: int = 200) -> Response:
    """A response already built from validated models, as JSON.

    FastAPI would dump a returned model to a dict, validate that against the `response_model`
    again and then serialize it: for a page of fifty entries the second validation costs more
    than the statement. The route keeps its `response_model` for the OpenAPI document.
    """
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


def json_page(items: list[dict[str, Any]], *, limit: int, offset: int, total: int) -> Response:
    """A page whose items the service built as plain dicts in the response model's shape and field
    order, encoded as JSON at once: the same bytes as validating them into the model and dumping it."""
    return Response(
        to_json({"items": items, "limit": limit, "offset": offset, "total": total}), media_type="application/json"
    )


probes = APIRouter(tags=["operations"])


@probes.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@probes.get(
    "/readyz",
    summary="Readiness: the database answers",
    description=(
        "200 while the database answers, else 503 (problem+json). NATS is not a condition: the API "
        "keeps working without it and events wait in the outbox. The body also reports the NATS "
        "connection, the outbox backlog, the due deadlines and each durable consumer's lag. "
        "Unauthenticated, for the kubelet and load balancers."
    ),
    response_model=None,
)
async def readyz(request: Request) -> Any:
    state = request.app.state
    checks: dict[str, str] = {}
    try:
        async with state.engine.connect() as connection:
            await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=2)
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    report = await observe(state, database=checks["database"] == "ok")
    if checks["database"] == "ok":
        return {"status": "ready", "checks": checks, **report}
    body = problem_body(503, t("Not ready"), t("The database is not reachable."), "not-ready", checks=checks, **report)
    return problem_response(body, language=request_language(request))


@probes.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics_endpoint(request: Request) -> Response:
    await observe(request.app.state)
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


async def observe(state: Any, *, database: bool = True) -> dict[str, Any]:
    """Read the NATS connection, the backlogs and the consumers' lag into the gauges, and return them."""
    service = state.settings.service_name
    report: dict[str, Any] = {}
    if state.uses_nats:
        connected = state.broker.is_connected
        metrics.NATS_CONNECTED.labels(service).set(int(connected))
        report["nats"] = "connected" if connected else "disconnected"
    if database:
        try:
            async with state.session_factory() as session:
                report["outbox_backlog"] = await backlog(session)
                report["deadlines_due"] = await due_backlog(session, state.clock.now())
            metrics.OUTBOX_BACKLOG.labels(service).set(report["outbox_backlog"])
            metrics.DEADLINES_DUE.labels(service).set(report["deadlines_due"])
        except Exception as exc:  # the database being down is what /readyz reports
            log.debug("metrics: database not readable: %s", exc)
    if state.broker.is_connected and state.subscriptions:
        lag = await _consumer_lag(state.broker, service, list(state.subscriptions))
        for subject, pending in lag.items():
            metrics.CONSUMER_LAG.labels(service, subject).set(pending)
        report["consumer_lag"] = lag
    return report


async def _consumer_lag(broker: Any, service: str, event_classes: list[Any]) -> dict[str, int]:
    """Pending messages per subscribed subject; a slow broker is given a second, never the probe's time."""

    async def pending(event_class: Any) -> int | None:
        try:
            info = await broker.js.consumer_info(
                stream_name(event_class.producer()), durable_name(service, event_class.subject)
            )
            return int(info.num_pending or 0)
        except Exception as exc:
            log.debug("metrics: no info for %s: %s", event_class.subject, exc)
            return None

    try:
        counts = await asyncio.wait_for(asyncio.gather(*(pending(e) for e in event_classes)), timeout=1)
    except TimeoutError:
        return {}
    return {e.subject: count for e, count in zip(event_classes, counts, strict=True) if count is not None}


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
                await self._refuse(send, scope)
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
                await self._refuse(send, scope)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, send: Send, scope: Scope) -> None:
        body = problem_body(
            413, t("Request too large"), t("The request body exceeds {limit} bytes.", limit=self.limit), "too-large"
        )
        await send_problem(send, scope, body)


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
