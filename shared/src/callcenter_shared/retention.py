"""Retention: prunes the platform tables' old rows so they stop growing.

Published outbox rows, inbox rows, idempotency keys and settled deadlines older than
their window are deleted, one batch of `RETENTION_BATCH_SIZE` rows per short
transaction, so no statement holds many locks or runs long next to live traffic.
Every replica runs the job: on PostgreSQL each batch picks its rows with
`FOR UPDATE SKIP LOCKED`, so replicas delete disjoint rows and wait for nothing.
Rows still in use never match: unpublished events, pending deadlines, keys and
inbox entries inside their window.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callcenter_shared import metrics
from callcenter_shared.cancellation import cancel_and_wait
from callcenter_shared.clock import Clock
from callcenter_shared.settings import ServiceSettings
from callcenter_shared.tables import deadline, idempotency_key, inbox, outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Windows:
    """How long each kind of row is kept."""

    outbox: timedelta
    inbox: timedelta
    idempotency: timedelta
    deadlines: timedelta

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> Windows:
        return cls(
            outbox=timedelta(hours=settings.retention_outbox_hours),
            inbox=timedelta(hours=settings.retention_inbox_hours),
            idempotency=timedelta(hours=settings.idempotency_replay_hours),
            deadlines=timedelta(hours=settings.retention_deadlines_hours),
        )


def _expired(now: datetime, windows: Windows) -> list[tuple[Table, ColumnElement[bool]]]:
    """Each table with the condition its prunable rows meet."""
    settled_before = now - windows.deadlines
    return [
        (outbox, outbox.c.published_at.is_not(None) & (outbox.c.published_at < now - windows.outbox)),
        (inbox, inbox.c.received_at < now - windows.inbox),
        (idempotency_key, idempotency_key.c.created_at < now - windows.idempotency),
        (deadline, (deadline.c.fired_at < settled_before) | (deadline.c.cancelled_at < settled_before)),
    ]


async def prune(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    service: str,
    now: datetime,
    windows: Windows,
    batch_size: int = 1000,
) -> dict[str, int]:
    """Delete every expired row, batch by batch; how many went, per table."""
    pruned: dict[str, int] = {}
    for table, condition in _expired(now, windows):
        keys = list(table.primary_key.columns)
        chosen = select(*keys).where(condition).limit(batch_size).with_for_update(skip_locked=True)
        target = keys[0] if len(keys) == 1 else tuple_(*keys)
        statement = delete(table).where(target.in_(chosen))
        total = 0
        while True:
            async with session_factory() as session, session.begin():
                deleted = int((await session.execute(statement)).rowcount)  # type: ignore[attr-defined]
            total += deleted
            if deleted < batch_size:
                break
            await asyncio.sleep(0)  # let requests waiting for the connection go first
        metrics.ROWS_PRUNED.labels(service, table.name).inc(total)
        pruned[table.name] = total
    return pruned


class RetentionJob:
    """Runs `prune` at start and then every `interval_seconds`."""

    def __init__(
        self,
        *,
        service: str,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        windows: Windows,
        batch_size: int,
        interval_seconds: float,
    ) -> None:
        self.service = service
        self._session_factory = session_factory
        self._clock = clock
        self._windows = windows
        self._batch_size = batch_size
        self._interval_seconds = interval_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"retention-{self.service}")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait([self._task])
            self._task = None

    async def run_once(self) -> dict[str, int]:
        pruned = await prune(
            self._session_factory,
            service=self.service,
            now=self._clock.now(),
            windows=self._windows,
            batch_size=self._batch_size,
        )
        metrics.loop_succeeded(self.service, "retention")
        if any(pruned.values()):
            log.info("retention for %s pruned %s", self.service, pruned)
        return pruned

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # the database may be away: try again next time
                log.exception("retention for %s failed; retrying in %.0fs", self.service, self._interval_seconds)
            await asyncio.sleep(self._interval_seconds)
