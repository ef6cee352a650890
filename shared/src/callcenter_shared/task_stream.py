"""The live "waiting for me" list: `GET /v1/tasks/mine/stream`, Server-Sent Events (decision 0008).

One `TaskHub` per process holds the open streams. It recomputes the connected callers'
lists when something may have changed them, and pushes a list only to the streams whose
list did change:

- every event the service publishes (`callcenter.<service>.>`, a core NATS subscription
  per replica): a change committed in any replica reaches the streams held by every other;
- every commit in this process that wrote anything (also changes that publish no event);
- a slow periodic recompute (`TASK_STREAM_RESYNC_SECONDS`), for deadlines that pass and
  for anything missed while NATS was away.

Recomputes are debounced (`TASK_STREAM_DEBOUNCE_SECONDS`) and one per person however many
streams they hold; at most `TASK_STREAM_MAX_CONNECTIONS` streams per process (503 beyond).
A stream ends after `TASK_STREAM_MAX_SECONDS` (the browser's EventSource reconnects and
the token is checked again), and at once when the caller leaves the directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import StreamingResponse

from callcenter_shared.auth import Principal
from callcenter_shared.broker import Broker
from callcenter_shared.cancellation import cancel_and_wait
from callcenter_shared.clock import Clock
from callcenter_shared.errors import ServiceUnavailable
from callcenter_shared.i18n import t
from callcenter_shared.settings import ServiceSettings
from callcenter_shared.tasks import Task, TaskPage, TaskSource, in_order
from callcenter_shared.web import MAX_PAGE_SIZE

log = logging.getLogger(__name__)

EVENT_NAME = "tasks"
RECONNECT_MILLISECONDS = 3000


def event_subject(service: str) -> str:
    """The subjects of the service's own events, which each replica listens to."""
    return f"callcenter.{service}.>"


@dataclass(eq=False)
class Listener:
    """One open stream: whose, the last list sent, and a wake-up when a new one is due."""

    employee_id: uuid.UUID
    latest: str | None = None
    sent: str | None = None
    gone: bool = False
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, payload: str | None) -> None:
        """A freshly computed list (None: the caller is no longer in the directory)."""
        if payload is None:
            self.gone = True
            self.changed.set()
        elif payload != self.latest:
            self.latest = payload
            self.changed.set()


class TaskHub:
    """The open task streams of one process and what keeps them current."""

    def __init__(
        self,
        *,
        service: str,
        source: TaskSource,
        session_factory: async_sessionmaker[AsyncSession],
        broker: Broker,
        clock: Clock,
        directory: Table,
        settings: ServiceSettings,
    ) -> None:
        self.service = service
        self._source = source
        self._session_factory = session_factory
        self._broker = broker
        self._clock = clock
        self._directory = directory
        self.max_connections = settings.task_stream_max_connections
        self.resync_seconds = settings.task_stream_resync_seconds
        self.debounce_seconds = settings.task_stream_debounce_seconds
        self.keepalive_seconds = settings.task_stream_keepalive_seconds
        self.max_seconds = settings.task_stream_max_seconds
        self._listeners: set[Listener] = set()
        self._dirty = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._subscription: Any = None

    @property
    def connections(self) -> int:
        return len(self._listeners)

    def poke(self) -> None:
        """Something may have changed somebody's list: recompute soon."""
        if self._listeners:
            self._dirty.set()

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._recompute_when_poked(), name=f"task-stream-{self.service}"),
            asyncio.create_task(self._listen(), name=f"task-stream-events-{self.service}"),
        ]

    async def stop(self) -> None:
        await cancel_and_wait(self._tasks)
        if self._subscription is not None:
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()
        for listener in list(self._listeners):  # open streams end; their browsers reconnect elsewhere
            listener.offer(None)

    async def _listen(self) -> None:
        """Subscribe (core NATS, no durable) to the service's own events; the client resubscribes on reconnect."""
        await self._broker.wait_connected()

        async def on_event(_message: Any) -> None:
            self.poke()

        self._subscription = await self._broker.subscribe(event_subject(self.service), on_event)

    async def _recompute_when_poked(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.resync_seconds):
                    await self._dirty.wait()
            await asyncio.sleep(self.debounce_seconds)  # gather the burst of changes one action makes
            self._dirty.clear()
            try:
                await self.recompute_all()
            except Exception as exc:  # the database away: the next poke or resync tries again
                log.warning("task stream of %s: recompute failed: %s", self.service, exc)

    async def recompute_all(self) -> None:
        by_person: dict[uuid.UUID, list[Listener]] = {}
        for listener in list(self._listeners):
            by_person.setdefault(listener.employee_id, []).append(listener)
        for employee_id, listeners in by_person.items():
            payload = await self.payload(employee_id)
            for listener in listeners:
                listener.offer(payload)

    async def payload(self, employee_id: uuid.UUID) -> str | None:
        """The person's list as the stream sends it; None when they are no longer an active employee."""
        async with self._session_factory() as session:
            principal = await _active_principal(session, self._directory, employee_id)
            if principal is None:
                return None
            tasks = in_order(await self._source(session, principal, self._clock.now()))
        page = TaskPage(items=tasks[:MAX_PAGE_SIZE], limit=MAX_PAGE_SIZE, offset=0, total=len(tasks))
        return page.model_dump_json()

    def open(self, employee_id: uuid.UUID) -> Listener:
        if len(self._listeners) >= self.max_connections:
            raise ServiceUnavailable(
                t(
                    "This server holds {max_connections} task streams already; retry shortly or poll GET "
                    "/v1/tasks/mine.",
                    max_connections=self.max_connections,
                ),
                retry_after=RECONNECT_MILLISECONDS // 1000,
            )
        listener = Listener(employee_id)
        self._listeners.add(listener)
        return listener

    def close(self, listener: Listener) -> None:
        self._listeners.discard(listener)

    async def events(self, listener: Listener) -> AsyncIterator[str]:
        """The stream's text: the list now, then each changed list, with keep-alive comments between.

        A client that goes away ends it: the server cancels it, or the next write fails.
        """
        try:
            yield f"retry: {RECONNECT_MILLISECONDS}\n\n"
            listener.offer(await self.payload(listener.employee_id))
            ends = time.monotonic() + self.max_seconds
            while not listener.gone:
                if listener.latest is not None and listener.latest != listener.sent:
                    listener.sent = listener.latest
                    yield f"event: {EVENT_NAME}\ndata: {listener.sent}\n\n"
                left = ends - time.monotonic()
                if left <= 0:
                    return
                listener.changed.clear()
                try:
                    async with asyncio.timeout(min(self.keepalive_seconds, left)):
                        await listener.changed.wait()
                except TimeoutError:
                    yield ": keep-alive\n\n"
        finally:
            self.close(listener)


async def _active_principal(session: AsyncSession, directory: Table, employee_id: uuid.UUID) -> Principal | None:
    row = (
        await session.execute(
            select(directory.c.id, directory.c.level, directory.c.team_id, directory.c.superior_id).where(
                directory.c.id == employee_id, directory.c.active.is_(True)
            )
        )
    ).first()
    return Principal(row.id, row.level, row.team_id, row.superior_id) if row is not None else None


def task_stream(request: Request, principal: Principal) -> StreamingResponse:
    """The caller's task stream as a `text/event-stream` response (503 when this process is full)."""
    hub: TaskHub = request.app.state.task_hub
    listener = hub.open(principal.employee_id)
    return StreamingResponse(
        hub.events(listener),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


__all__ = ["Listener", "Task", "TaskHub", "event_subject", "task_stream"]

STREAM_DESCRIPTION = (
    "The caller's `GET /v1/tasks/mine` list as Server-Sent Events (`text/event-stream`): an event "
    "`tasks` at once with the whole list (`{items, limit, offset, total}`, up to 500 items), then a "
    "new `tasks` event whenever the list changes, whichever replica the change was made on; a "
    "comment line (`: keep-alive`) when idle. The stream ends after `TASK_STREAM_MAX_SECONDS` "
    "(default an hour) or when the caller leaves the directory; `EventSource` reconnects by itself "
    "(the first event after a reconnect is the whole list again). Any signed-in employee; a "
    "service account is refused (403). 503 when this server holds `TASK_STREAM_MAX_CONNECTIONS` "
    "streams already. Browsers cannot set an Authorization header on `EventSource`: use a "
    "fetch-based SSE client that sends the bearer token."
)
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An endless event stream",
        "content": {
            "text/event-stream": {
                # One event (OpenAPI 3.0/3.1 tools read `schema` per event): `data` is the list as JSON text.
                "schema": {
                    "type": "object",
                    "required": ["data"],
                    "properties": {
                        "event": {"type": "string", "enum": [EVENT_NAME]},
                        "data": {"type": "string", "contentMediaType": "application/json"},
                        "retry": {"type": "integer"},
                    },
                },
                "example": (
                    'retry: 3000\n\nevent: tasks\ndata: {"items": [], "limit": 500, "offset": 0, "total": 0}\n\n'
                ),
            }
        },
    }
}
