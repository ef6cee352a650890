"""Idempotent consumers: each event's effect and its inbox row commit together.

A redelivered event finds its id in the inbox and is acknowledged without effect.
A handler that keeps failing is sent, with its error, to the service's dead-letter
subject after `max_deliveries` attempts, and the consumer carries on with others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import FetchTimeoutError
from opentelemetry.trace import Tracer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callcenter_shared import metrics
from callcenter_shared.broker import Broker
from callcenter_shared.cancellation import cancel_and_wait
from callcenter_shared.clock import Clock
from callcenter_shared.db import dialect_insert
from callcenter_shared.envelope import Envelope, Event
from callcenter_shared.streams import (
    dead_letter_subject,
    durable_name,
    ensure_dead_letter_stream,
    ensure_stream,
    stream_name,
)
from callcenter_shared.tables import inbox
from callcenter_shared.tracing import consuming, consuming_batch

log = logging.getLogger(__name__)

# The most a fetch of an announced backlog waits; it returns as soon as the messages are in.
BACKLOG_PROBE_SECONDS = 0.05

Handler = Callable[[AsyncSession, Any, Envelope], Awaitable[None]]
Subscriptions = Mapping[type[Event], Handler]


class Batched:
    """A handler that applies several new events of its subject in one call, in delivery order.

    The consumer hands it a fetched batch's events not applied before (one statement for the
    inbox rows, then as few for the effect as the handler manages); called with one event,
    it is an ordinary `Handler`.
    """

    def __init__(self, apply_all: Callable[[AsyncSession, list[tuple[Any, Envelope]]], Awaitable[None]]) -> None:
        self.apply_all = apply_all

    async def __call__(self, session: AsyncSession, event: Any, envelope: Envelope) -> None:
        await self.apply_all(session, [(event, envelope)])


async def record_once(session: AsyncSession, envelope: Envelope, *, at: Any) -> bool:
    """Insert the event id into the inbox; False when it was already there."""
    insert_fn = dialect_insert(session)
    result = await session.execute(
        insert_fn(inbox)
        .values(event_id=envelope.id, subject=envelope.type, received_at=at)
        .on_conflict_do_nothing(index_elements=["event_id"])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def record_new(session: AsyncSession, envelopes: list[Envelope], *, at: Any) -> set[str]:
    """Insert the event ids into the inbox in one statement; the ids that were not there before."""
    if not envelopes:
        return set()
    result = await session.execute(
        dialect_insert(session)(inbox)
        .values([{"event_id": e.id, "subject": e.type, "received_at": at} for e in envelopes])
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(inbox.c.event_id)
    )
    return set(result.scalars())


async def apply_new(
    session: AsyncSession,
    handler: Handler,
    parsed: list[tuple[Event, Envelope]],
    *,
    subject: str,
    at: Any,
    tracer: Tracer | None = None,
) -> int:
    """Run the handler for the events of `parsed` not applied before, in order; how many ran."""
    new_ids = await record_new(session, [envelope for _, envelope in parsed], at=at)
    new: list[tuple[Event, Envelope]] = []
    for event, envelope in parsed:
        if envelope.id in new_ids:
            new_ids.discard(envelope.id)  # delivered twice in one batch: applied once
            new.append((event, envelope))
    if isinstance(handler, Batched) and len(new) > 1:
        with consuming_batch(tracer, [envelope.traceparent for _, envelope in new], subject=subject):
            await handler.apply_all(session, new)
        return len(new)
    for event, envelope in new:
        with consuming(tracer, envelope.traceparent, subject=subject, event_id=envelope.id):
            await handler(session, event, envelope)
    return len(new)


async def apply_once(
    session: AsyncSession, handler: Handler, event: Event, envelope: Envelope, *, at: Any, tracer: Tracer | None = None
) -> bool:
    """Run the handler unless this event was applied before; True when it ran."""
    # The handler's logs, spans and the events it records continue the event's trace.
    with consuming(tracer, envelope.traceparent, subject=envelope.type, event_id=envelope.id):
        if not await record_once(session, envelope, at=at):
            return False
        await handler(session, event, envelope)
    return True


class PoisonMessage(Exception):
    """The message can never be handled (not an envelope, or data that fails its contract)."""


class EventConsumer:
    """One durable pull consumer per subscribed subject, each with its own fetch loop."""

    def __init__(
        self,
        *,
        service: str,
        session_factory: async_sessionmaker[AsyncSession],
        broker: Broker,
        subscriptions: Subscriptions,
        clock: Clock,
        max_deliveries: int = 5,
        batch_size: int = 100,
        retry_delay_seconds: float = 0.5,
        ack_wait_seconds: float = 30.0,
        tracer: Tracer | None = None,
    ) -> None:
        self.service = service
        self._session_factory = session_factory
        self._broker = broker
        self._subscriptions = subscriptions
        self._clock = clock
        self._max_deliveries = max_deliveries
        self._batch_size = batch_size
        self._retry_delay_seconds = retry_delay_seconds
        self._ack_wait_seconds = ack_wait_seconds
        self._tracer = tracer
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self.ready = asyncio.Event()

    def start(self) -> None:
        self._stopping = False
        self._tasks.append(asyncio.create_task(self._start_all(), name=f"consumer-{self.service}"))

    async def stop(self) -> None:
        # Set before the tasks are read: a subscribe that outlives its cancel then starts no fetch loop.
        self._stopping = True
        await cancel_and_wait(self._tasks)
        self._tasks.clear()

    async def _start_all(self) -> None:
        await self._broker.wait_connected()
        while True:
            try:
                subscriptions = [await self._subscribe(event) for event in self._subscriptions]
                break
            except Exception as exc:  # JetStream not ready yet: try again shortly
                log.warning("%s could not subscribe yet: %s", self.service, exc)
                await asyncio.sleep(0.5)
        if self._stopping:
            return
        for event_class, subscription in zip(self._subscriptions, subscriptions, strict=True):
            self._tasks.append(
                asyncio.create_task(self._fetch_loop(event_class, subscription), name=f"consume-{event_class.subject}")
            )
        self.ready.set()

    async def _subscribe(self, event_class: type[Event]) -> Any:
        js = self._broker.js
        # The consumer may start before its producer: both create the stream the same way.
        await ensure_stream(js, event_class.producer(), align=False)
        await ensure_dead_letter_stream(js)
        durable = durable_name(self.service, event_class.subject)
        return await js.pull_subscribe(
            event_class.subject,
            durable=durable,
            stream=stream_name(event_class.producer()),
            config=ConsumerConfig(
                durable_name=durable,
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=self._ack_wait_seconds,
                max_ack_pending=1000,
            ),
        )

    async def _next_batch(self, subscription: Any) -> list[Msg]:
        """Wait for one message, then take the backlog JetStream says is behind it.

        A pull for a whole batch would hold a lone event until the batch fills or the
        pull expires (up to a second); a pull for one message returns at once. Its
        metadata counts the messages still pending behind it: only then is more fetched,
        so a backlog is applied in one transaction and a lone event waits for nothing.
        """
        messages: list[Msg] = await subscription.fetch(1, timeout=1)
        behind = messages[0].metadata.num_pending if messages else 0
        if self._batch_size > 1 and behind:
            with contextlib.suppress(FetchTimeoutError, TimeoutError):
                wanted = min(behind, self._batch_size - 1)
                messages += await subscription.fetch(wanted, timeout=BACKLOG_PROBE_SECONDS)
        return messages

    async def _fetch_loop(self, event_class: type[Event], subscription: Any) -> None:
        handler = self._subscriptions[event_class]
        while True:
            try:
                messages = await self._next_batch(subscription)
            except (FetchTimeoutError, TimeoutError):  # nothing to fetch: a healthy, idle pass
                metrics.loop_succeeded(self.service, "consumer")
                continue
            except Exception as exc:  # reconnecting: wait and fetch again
                log.debug("fetch for %s failed: %s", event_class.subject, exc)
                await asyncio.sleep(0.5)
                continue
            if messages:  # fetch can return nothing around a reconnect
                await self.handle_batch(event_class, handler, messages)
                metrics.loop_succeeded(self.service, "consumer")

    async def handle_batch(self, event_class: type[Event], handler: Handler, messages: list[Msg]) -> None:
        """Apply a fetched batch in one transaction; if anything in it fails, one by one.

        One commit per batch instead of per message is what lets a consumer catch up
        after an outage; the fallback keeps a bad message from holding up the others.
        """
        try:
            parsed = [self._parse(event_class, message) for message in messages]
            async with self._session_factory() as session, session.begin():
                applied = await apply_new(
                    session, handler, parsed, subject=event_class.subject, at=self._clock.now(), tracer=self._tracer
                )
        except Exception as exc:
            log.info("batch of %d %s failed (%s); handling one by one", len(messages), event_class.subject, exc)
            for message in messages:
                await self.handle(event_class, handler, message)
            return
        await asyncio.gather(*(message.ack() for message in messages))
        consumed = metrics.EVENTS_CONSUMED
        consumed.labels(self.service, event_class.subject, "applied").inc(applied)
        consumed.labels(self.service, event_class.subject, "duplicate").inc(len(messages) - applied)

    @staticmethod
    def _parse(event_class: type[Event], message: Msg) -> tuple[Event, Envelope]:
        try:
            envelope = Envelope.model_validate_json(message.data)
            return event_class.model_validate(envelope.data), envelope
        except ValidationError as exc:
            raise PoisonMessage(str(exc)) from exc

    async def handle(self, event_class: type[Event], handler: Handler, message: Msg) -> None:
        """Apply one delivered message exactly once in effect, then acknowledge it."""
        subject = event_class.subject
        try:
            event, envelope = self._parse(event_class, message)
            async with self._session_factory() as session, session.begin():
                applied = await apply_once(session, handler, event, envelope, at=self._clock.now(), tracer=self._tracer)
            await message.ack()
            metrics.EVENTS_CONSUMED.labels(self.service, subject, "applied" if applied else "duplicate").inc()
        except Exception as exc:
            deliveries = message.metadata.num_delivered or 1
            if isinstance(exc, PoisonMessage) or deliveries >= self._max_deliveries:
                await self._dead_letter(message, subject, exc, deliveries)
            else:
                log.warning("handling %s failed (delivery %d): %s", subject, deliveries, exc)
                metrics.EVENTS_CONSUMED.labels(self.service, subject, "retried").inc()
                await message.nak(delay=self._retry_delay_seconds * deliveries)

    async def _dead_letter(self, message: Msg, subject: str, exc: Exception, deliveries: int) -> None:
        log.error("%s gave up on %s after %d deliveries: %s", self.service, subject, deliveries, exc)
        headers = {
            "Callcenter-Original-Subject": subject,
            "Callcenter-Error": f"{type(exc).__name__}: {exc}"[:1000].replace("\n", " "),
            "Callcenter-Deliveries": str(deliveries),
            "Callcenter-Consumer": self.service,
        }
        original_id = (message.headers or {}).get("Nats-Msg-Id")
        if original_id:
            headers["Nats-Msg-Id"] = f"{original_id}:{self.service}"
        await self._broker.js.publish(dead_letter_subject(self.service), message.data, headers=headers)
        await message.ack()
        metrics.DEAD_LETTERS.labels(self.service, subject).inc()
        metrics.EVENTS_CONSUMED.labels(self.service, subject, "dead_lettered").inc()
