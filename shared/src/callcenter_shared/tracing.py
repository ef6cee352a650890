"""W3C trace context across HTTP, logs and events.

Each request continues the caller's `traceparent` (or starts a trace); logs written
while handling it carry its trace id, events it records carry the same traceparent,
and a consumer handling such an event continues that trace.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcenter_shared.envelope import new_traceparent

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
current_traceparent: ContextVar[str | None] = ContextVar("current_traceparent", default=None)


def valid_or_new(traceparent: str | None) -> str:
    if traceparent and _TRACEPARENT.match(traceparent) and traceparent[3:35] != "0" * 32:
        return traceparent
    return new_traceparent()


def trace_id(traceparent: str | None) -> str | None:
    match = _TRACEPARENT.match(traceparent or "")
    return match.group(1) if match else None


class TraceMiddleware:
    """Continues or starts the request's trace and echoes it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"traceparent", b"").decode("latin-1")
        traceparent = valid_or_new(incoming)
        token = current_traceparent.set(traceparent)

        async def with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"traceparent", traceparent.encode()))
            await send(message)

        try:
            await self.app(scope, receive, with_header)
        finally:
            current_traceparent.reset(token)


class TraceIdFilter(logging.Filter):
    """Puts the current trace id on every log record (`trace_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = trace_id(current_traceparent.get())
        return True
