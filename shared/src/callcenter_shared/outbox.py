"""Transactional outbox: events commit with the business change, a relay publishes them.

`add()` writes the event row in the caller's transaction. The relay is woken right
after any commit that added rows, publishes unpublished rows to JetStream with
`Nats-Msg-Id` = event id (the stream's duplicate window drops a re-publish) and
`Content-Type: application/cloudevents+json` (CloudEvents NATS binding, structured mode)
and marks them published. While NATS is down it retries with backoff; nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from opentelemetry.trace import Tracer
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callcenter_shared import metrics
from callcenter_shared.broker import Broker
from callcenter_shared.cancellation import cancel_and_wait
from callcenter_shared.clock import Clock
from callcenter_shared.envelope import CONTENT_TYPE, Envelope, Event
from callcenter_shared.streams import ensure_stream
from callcenter_shared.tables import outbox
from callcenter_shared.tracing import PublishSpans, current

log = logging.getLogger(__name__)

PENDING_FLAG = "outbox_pending"


async def add(session: AsyncSession, event: Event, *, at: datetime, traceparent: str | None = None) -> Envelope:
    """Record an event to publish once the caller's transaction commits."""
    [envelope] = await add_many(session, [event], at=at, traceparent=traceparent)
    return envelope


async def add_many(
    session: AsyncSession, events: Sequence[Event], *, at: datetime, traceparent: str | None = None
) -> list[Envelope]:
    """Record several events in one statement, to publish once the caller's transaction commits."""
    trace = traceparent or current()
    envelopes = [Envelope.wrap(event, time=at, traceparent=trace) for event in events]
    if envelopes:
        await session.execute(
            insert(outbox),
            [
                {
                    "event_id": envelope.id,
                    "subject": event.subject,
                    "payload": envelope.to_json(),
                    "created_at": at,
                    "attempts": 0,
                }
                for event, envelope in zip(events, envelopes, strict=True)
            ],
        )
        session.info[PENDING_FLAG] = True
    return envelopes


async def backlog(session: AsyncSession) -> int:
    """How many events wait to be published."""
    count = await session.scalar(select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)))
    return int(count or 0)


class OutboxRelay:
    """Publishes outbox rows to JetStream; one per service process."""

    def __init__(
        self,
        *,
        service: str,
        session_factory: async_sessionmaker[AsyncSession],
        broker: Broker,
        clock: Clock,
        batch_size: int = 2000,
        in_flight: int = 250,
        idle_poll_seconds: float = 1.0,
        tracer: Tracer | None = None,
    ) -> None:
        self.service = service
        self._session_factory = session_factory
        self._broker = broker
        self._clock = clock
        self._batch_size = batch_size
        self._in_flight = in_flight
        self._idle_poll_seconds = idle_poll_seconds
        self._tracer = tracer
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self.service}")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait([self._task])

    async def _run(self) -> None:
        await self._broker.wait_connected()
        backoff = 0.1
        stream_ready = False
        while True:
            try:
                if not stream_ready:
                    await ensure_stream(self._broker.js, self.service)
                    stream_ready = True
                await self.drain()
                metrics.loop_succeeded(self.service, "relay")
                backoff = 0.1
            except Exception as exc:  # NATS down or database hiccup: retry, never give up
                log.warning("outbox relay for %s paused: %s", self.service, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            # Poll too: another replica may have written rows this one was not told about.
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancel that lands
            # as the wake-up fires, and `stop()` would then wait for this loop forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._idle_poll_seconds):
                    await self._wake.wait()
            self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished events; returns how many were published."""
        rows = await self._read(after=0)
        if not rows:
            metrics.OUTBOX_BACKLOG.labels(self.service).set(0)
            return 0
        return await self._mark(rows, await self._publish(rows))

    async def drain(self) -> int:
        """Publish every unpublished event; returns how many were published.

        JetStream is kept busy: while one batch's acknowledgements arrive, the next
        batch is read, and the batch before is marked published. No transaction stays
        open while JetStream acknowledges (SQLite has one connection, and a slow broker
        must not hold up HTTP requests). Replicas that pick the same rows publish them
        twice; the `Nats-Msg-Id` makes JetStream drop the second.
        """
        total = 0
        marking: asyncio.Future[int] | None = None
        reading: asyncio.Future[list[Any]] | None = None
        rows = await self._read(after=0)
        try:
            while rows:
                reading = asyncio.ensure_future(self._read(after=rows[-1].seq))
                results = await self._publish(rows)
                if marking is not None:
                    total += await marking
                marking = asyncio.ensure_future(self._mark(rows, results))
                rows = await reading
        finally:
            if reading is not None and not reading.done():
                reading.cancel()
            if marking is not None:
                total += await marking
        metrics.OUTBOX_BACKLOG.labels(self.service).set(0)
        return total

    async def _read(self, *, after: int) -> list[Any]:
        async with self._session_factory() as session:
            result = await session.execute(
                select(outbox.c.seq, outbox.c.event_id, outbox.c.subject, outbox.c.payload)
                .where(outbox.c.published_at.is_(None), outbox.c.seq > after)
                .order_by(outbox.c.seq)
                .limit(self._batch_size)
            )
            return list(result.all())

    async def _publish(self, rows: list[Any]) -> list[Any]:
        """Publish rows with `in_flight` acknowledgements outstanding; a result or error per row."""
        if not self._broker.is_connected:
            raise ConnectionError("NATS is disconnected")
        js = self._broker.js if self._tracer is None else PublishSpans(self._broker.js, self._tracer)
        results: list[Any] = [None] * len(rows)
        pending = iter(enumerate(rows))

        async def publisher() -> None:
            # Long-lived publishers pulling from one iterator: no task per message.
            for index, row in pending:
                try:
                    headers = {"Nats-Msg-Id": row.event_id, "Content-Type": CONTENT_TYPE}
                    results[index] = await js.publish(row.subject, row.payload.encode(), headers=headers)
                except Exception as exc:
                    results[index] = exc

        await asyncio.gather(*(publisher() for _ in range(min(self._in_flight, len(rows)))))
        return results

    async def _mark(self, rows: list[Any], results: list[Any]) -> int:
        """Record which rows JetStream acknowledged; raise when any was not."""
        published = [
            row.seq for row, result in zip(rows, results, strict=True) if not isinstance(result, BaseException)
        ]
        failed = [row.seq for row, result in zip(rows, results, strict=True) if isinstance(result, BaseException)]
        async with self._session_factory() as session, session.begin():
            if published:
                await session.execute(
                    update(outbox).where(outbox.c.seq.in_(published)).values(published_at=self._clock.now())
                )
            if failed:
                first_error = next(r for r in results if isinstance(r, BaseException))
                await session.execute(
                    update(outbox)
                    .where(outbox.c.seq.in_(failed))
                    .values(attempts=outbox.c.attempts + 1, last_error=repr(first_error)[:2000])
                )
        metrics.EVENTS_PUBLISHED.labels(self.service).inc(len(published))
        if failed:
            raise ConnectionError(f"{len(failed)} of {len(rows)} events not acknowledged by JetStream")
        return len(published)
