"""Deadlines as rows with a due time, fired by a worker loop that survives restarts.

The worker claims due rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
replicas never fire the same deadline twice; the handler's effect and the row's
`fired_at` commit in one transaction. (SQLite ignores the lock: one worker per database.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callcenter_shared import metrics
from callcenter_shared.clock import Clock
from callcenter_shared.tables import deadline

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    id: str
    kind: str
    ref_id: str
    due_at: datetime
    payload: dict[str, Any]


DeadlineHandler = Callable[[AsyncSession, Due, datetime], Awaitable[None]]


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
    deadline_id = str(uuid.uuid4())
    await session.execute(
        insert(deadline).values(
            id=deadline_id,
            kind=kind,
            ref_id=str(ref_id),
            due_at=due_at,
            payload=json.dumps(dict(payload or {}), default=str),
            created_at=now,
            attempts=0,
        )
    )
    return deadline_id


async def cancel(session: AsyncSession, *, ref_id: str | uuid.UUID, now: datetime, kind: str | None = None) -> int:
    """Cancel the pending deadlines of `ref_id` (of one kind, or all); returns how many."""
    condition = (deadline.c.ref_id == str(ref_id)) & deadline.c.fired_at.is_(None) & deadline.c.cancelled_at.is_(None)
    if kind is not None:
        condition &= deadline.c.kind == kind
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
        handlers: Mapping[str, DeadlineHandler],
        clock: Clock,
        poll_seconds: float = 1.0,
        batch_size: int = 200,
        retry_after: timedelta = timedelta(seconds=30),
    ) -> None:
        self.service = service
        self._session_factory = session_factory
        self._handlers = handlers
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._retry_after = retry_after
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"deadline-worker-{self.service}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                while await self.fire_due() == self._batch_size:
                    pass
            except Exception:
                log.exception("deadline worker for %s failed; retrying", self.service)
            await asyncio.sleep(self._poll_seconds)

    async def fire_due(self) -> int:
        """Fire one batch of due deadlines; returns how many rows were settled."""
        now = self._clock.now()
        try:
            async with self._session_factory() as session, session.begin():
                due = await self._claim(session, now, self._batch_size)
                for item in due:
                    await self._fire(session, item, now, mark=False)
                if due:  # one statement for the batch instead of one per deadline
                    fired_ids = [item.id for item in due]
                    await session.execute(update(deadline).where(deadline.c.id.in_(fired_ids)).values(fired_at=now))
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

    async def _fire(self, session: AsyncSession, item: Due, now: datetime, *, mark: bool = True) -> None:
        handler = self._handlers.get(item.kind)
        if handler is None:
            raise LookupError(f"no handler for deadline kind {item.kind!r}")
        await handler(session, item, now)
        if mark:
            await session.execute(update(deadline).where(deadline.c.id == item.id).values(fired_at=now))
        metrics.DEADLINES_FIRED.labels(self.service, item.kind).inc()


async def due_backlog(session: AsyncSession, now: datetime) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(deadline)
        .where(deadline.c.fired_at.is_(None), deadline.c.cancelled_at.is_(None), deadline.c.due_at <= now)
    )
    return int(count or 0)
