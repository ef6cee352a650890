"""Deadlines as rows with a due time, fired by a worker loop that survives restarts.

The worker claims due rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
replicas, and several lanes within one replica, never fire the same deadline twice; the
handler's effect and the row's `fired_at` commit in one transaction. (SQLite ignores the
lock: one worker with one lane per database.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from opentelemetry.trace import Tracer
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callcenter_shared import metrics
from callcenter_shared.cancellation import cancel_and_wait
from callcenter_shared.clock import Clock
from callcenter_shared.db import dialect_insert
from callcenter_shared.tables import deadline
from callcenter_shared.tracing import firing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    id: str
    kind: str
    ref_id: str
    due_at: datetime
    payload: dict[str, Any]


DeadlineHandler = Callable[[AsyncSession, Due, datetime], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, Sequence[Due], datetime], Awaitable[None]]


@dataclass(frozen=True)
class FiresInBatches:
    """Registers a handler that settles all due deadlines of its kind in a claimed batch at once.

    Set-based SQL over the batch costs a handful of statements instead of a handful per deadline.
    """

    handle: BatchHandler


Handler = DeadlineHandler | FiresInBatches


@dataclass(frozen=True)
class Daily:
    """A deadline kind due every day at a local time of day; the worker keeps the next one scheduled.

    Each day's row has an id derived from the kind and the local date, so replicas that
    schedule it at the same moment write one row, and a day is never fired twice.
    """

    kind: str
    at: time
    zone: str

    def next_due(self, now: datetime) -> tuple[str, datetime]:
        """The id and due time of the first occurrence after `now`."""
        local = now.astimezone(ZoneInfo(self.zone))
        due = datetime.combine(local.date(), self.at, tzinfo=local.tzinfo)
        if due <= local:
            due = datetime.combine(local.date() + timedelta(days=1), self.at, tzinfo=local.tzinfo)
        deadline_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"callcenter:{self.kind}@{due.date().isoformat()}"))
        return deadline_id, due.astimezone(UTC)


async def keep_scheduled(session: AsyncSession, daily: Daily, now: datetime) -> None:
    """Make sure the next occurrence of `daily` has its row (a no-op when it has)."""
    deadline_id, due_at = daily.next_due(now)
    insert_fn = dialect_insert(session)
    row = {"id": deadline_id, "kind": daily.kind, "ref_id": daily.kind, "due_at": due_at}
    row |= {"payload": json.dumps({"day": due_at.astimezone(ZoneInfo(daily.zone)).date().isoformat()})}
    await session.execute(
        insert_fn(deadline).values(**row, created_at=now, attempts=0).on_conflict_do_nothing(index_elements=["id"])
    )


@dataclass(frozen=True)
class NewDeadline:
    kind: str
    ref_id: str | uuid.UUID
    due_at: datetime
    payload: Mapping[str, Any] | None = None


async def schedule(
    session: AsyncSession,
    *,
    kind: str,
    ref_id: str | uuid.UUID,
    due_at: datetime,
    now: datetime,
    payload: Mapping[str, Any] | None = None,
) -> str:
    """Record that `kind` must fire for `ref_id` at `due_at`."""
    [deadline_id] = await schedule_many(session, [NewDeadline(kind, ref_id, due_at, payload)], now=now)
    return deadline_id


async def schedule_many(session: AsyncSession, items: Sequence[NewDeadline], *, now: datetime) -> list[str]:
    """Record several deadlines in one statement; their ids, in order."""
    ids = [str(uuid.uuid4()) for _ in items]
    rows = [
        {
            "id": deadline_id,
            "kind": item.kind,
            "ref_id": str(item.ref_id),
            "due_at": item.due_at,
            "payload": json.dumps(dict(item.payload or {}), default=str),
            "created_at": now,
            "attempts": 0,
        }
        for deadline_id, item in zip(ids, items, strict=True)
    ]
    if rows:
        await session.execute(insert(deadline), rows)
    return ids


async def cancel(
    session: AsyncSession,
    *,
    ref_id: str | uuid.UUID | Collection[str | uuid.UUID],
    now: datetime,
    kind: str | None = None,
    kinds: Collection[str] = (),
) -> int:
    """Cancel the pending deadlines of `ref_id` (one id or several; of one kind, of several, or all).

    Returns how many were cancelled.
    """
    refs = [str(ref_id)] if isinstance(ref_id, str | uuid.UUID) else [str(ref) for ref in ref_id]
    condition = deadline.c.ref_id.in_(refs) & deadline.c.fired_at.is_(None) & deadline.c.cancelled_at.is_(None)
    wanted = [*kinds, *([kind] if kind is not None else [])]
    if wanted:
        condition &= deadline.c.kind.in_(wanted)
    result = await session.execute(update(deadline).where(condition).values(cancelled_at=now))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def pending(session: AsyncSession, *, ref_id: str | uuid.UUID) -> list[Due]:
    """The deadlines of `ref_id` that have neither fired nor been cancelled, soonest first."""
    rows = await session.execute(
        select(deadline)
        .where((deadline.c.ref_id == str(ref_id)) & deadline.c.fired_at.is_(None) & deadline.c.cancelled_at.is_(None))
        .order_by(deadline.c.due_at)
    )
    return [_due(row) for row in rows]


def _due(row: Any) -> Due:
    return Due(row.id, row.kind, row.ref_id, row.due_at, json.loads(row.payload or "{}"))


class DeadlineWorker:
    """Fires due deadlines through the handler registered for their kind."""

    def __init__(
        self,
        *,
        service: str,
        session_factory: async_sessionmaker[AsyncSession],
        handlers: Mapping[str, Handler],
        clock: Clock,
        poll_seconds: float = 1.0,
        batch_size: int = 50,
        concurrency: int = 1,
        retry_after: timedelta = timedelta(seconds=30),
        daily: Sequence[Daily] = (),
        tracer: Tracer | None = None,
    ) -> None:
        self.service = service
        self._session_factory = session_factory
        self._handlers = handlers
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._retry_after = retry_after
        # Lanes are concurrent transactions: while one waits on the database, another fires.
        self._concurrency = concurrency
        self._daily = daily
        self._tracer = tracer
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name=f"deadline-worker-{self.service}-{lane}")
            for lane in range(self._concurrency)
        ]

    async def stop(self) -> None:
        await cancel_and_wait(self._tasks)
        self._tasks = []

    async def _run(self) -> None:
        while True:
            try:
                while await self.fire_due() == self._batch_size:
                    pass
                metrics.loop_succeeded(self.service, "deadline_worker")
            except Exception:
                log.exception("deadline worker for %s failed; retrying", self.service)
            await asyncio.sleep(self._poll_seconds)

    async def fire_due(self) -> int:
        """Fire one batch of due deadlines; returns how many rows were settled."""
        now = self._clock.now()
        if self._daily:
            async with self._session_factory() as session, session.begin():
                for daily in self._daily:
                    await keep_scheduled(session, daily, now)
        try:
            async with self._session_factory() as session, session.begin():
                due = await self._claim(session, now, self._batch_size)
                with firing(self._tracer, [item.kind for item in due]):
                    await self._fire_batch(session, due, now)
                if due:  # one statement for the batch instead of one per deadline; the time it took counts
                    fired_ids = [item.id for item in due]
                    await session.execute(
                        update(deadline).where(deadline.c.id.in_(fired_ids)).values(fired_at=self._clock.now())
                    )
                return len(due)
        except Exception:
            log.warning("a batch of %s deadlines failed; firing them one by one", self.service)
        # One bad deadline must not hold up the others: isolate it.
        fired = 0
        for _ in range(self._batch_size):
            async with self._session_factory() as session:
                async with session.begin():
                    claimed = await self._claim(session, now, 1)
                    if not claimed:
                        return fired
                    item = claimed[0]
                try:
                    async with session.begin():
                        locked = await self._claim_one(session, item.id, now)
                        if locked:
                            await self._fire(session, item, now)
                            fired += 1
                except Exception as exc:
                    log.exception("deadline %s (%s) failed", item.id, item.kind)
                    async with session.begin():
                        await session.execute(
                            update(deadline)
                            .where(deadline.c.id == item.id)
                            .values(
                                attempts=deadline.c.attempts + 1,
                                last_error=repr(exc)[:2000],
                                due_at=now + self._retry_after,
                            )
                        )
        return fired

    async def _claim(self, session: AsyncSession, now: datetime, limit: int) -> list[Due]:
        rows = await session.execute(
            select(deadline)
            .where(
                deadline.c.fired_at.is_(None),
                deadline.c.cancelled_at.is_(None),
                deadline.c.due_at <= now,
            )
            .order_by(deadline.c.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_due(row) for row in rows]

    async def _claim_one(self, session: AsyncSession, deadline_id: str, now: datetime) -> bool:
        row = await session.execute(
            select(deadline.c.id)
            .where(
                deadline.c.id == deadline_id,
                deadline.c.fired_at.is_(None),
                deadline.c.cancelled_at.is_(None),
                deadline.c.due_at <= now,
            )
            .with_for_update(skip_locked=True)
        )
        return row.first() is not None

    async def _fire_batch(self, session: AsyncSession, due: Sequence[Due], now: datetime) -> None:
        """Run each deadline's handler; kinds that fire in batches get all of theirs in one call."""
        batched: dict[str, tuple[FiresInBatches, list[Due]]] = {}
        for item in due:
            handler = self._handler(item.kind)
            if isinstance(handler, FiresInBatches):
                batched.setdefault(item.kind, (handler, []))[1].append(item)
            else:
                await handler(session, item, now)
        for batch_handler, items in batched.values():
            await batch_handler.handle(session, items, now)
        for item in due:
            metrics.DEADLINES_FIRED.labels(self.service, item.kind).inc()

    async def _fire(self, session: AsyncSession, item: Due, now: datetime) -> None:
        with firing(self._tracer, [item.kind]):
            await self._fire_batch(session, [item], now)
        await session.execute(update(deadline).where(deadline.c.id == item.id).values(fired_at=self._clock.now()))

    def _handler(self, kind: str) -> Handler:
        handler = self._handlers.get(kind)
        if handler is None:
            raise LookupError(f"no handler for deadline kind {kind!r}")
        return handler


async def due_backlog(session: AsyncSession, now: datetime) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(deadline)
        .where(deadline.c.fired_at.is_(None), deadline.c.cancelled_at.is_(None), deadline.c.due_at <= now)
    )
    return int(count or 0)
