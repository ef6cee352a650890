"""Retention prunes expired platform rows in batches and leaves every live row alone."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callcenter_shared import metrics
from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.envelope import Envelope
from callcenter_shared.inbox import record_once
from callcenter_shared.retention import Windows, prune
from callcenter_shared.tables import deadline, idempotency_key, inbox, outbox
from callcenter_testing import TestDatabases, eventually, running
from scheduling.main import create_app
from scheduling.settings import Settings

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WINDOWS = Windows(
    outbox=timedelta(hours=168),
    inbox=timedelta(hours=744),
    idempotency=timedelta(hours=24),
    deadlines=timedelta(hours=720),
)


@pytest.fixture
async def factory(test_databases: TestDatabases) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(await test_databases.fresh("scheduling"))
    yield create_session_factory(engine)
    await engine.dispose()


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


async def add_outbox(session: AsyncSession, name: str, *, created: datetime, published: datetime | None) -> None:
    row = {"event_id": name, "subject": "callcenter.test", "payload": "{}", "created_at": created, "attempts": 0}
    await session.execute(insert(outbox).values(**row, published_at=published))


async def add_deadline(session: AsyncSession, name: str, *, due: datetime, **settled: datetime) -> None:
    row = {"id": name, "kind": "test", "ref_id": name, "due_at": due, "payload": "{}", "created_at": due}
    await session.execute(insert(deadline).values(**row, attempts=0, **settled))


async def add_key(session: AsyncSession, name: str, *, created: datetime, completed: datetime | None) -> None:
    row = {"principal": "p", "key": name, "request_hash": "h", "created_at": created, "completed_at": completed}
    await session.execute(insert(idempotency_key).values(**row))


async def names(factory: async_sessionmaker[AsyncSession], column: Any) -> set[str]:
    async with factory() as session:
        return set((await session.execute(select(column))).scalars())


async def test_expired_rows_go_and_live_rows_stay(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory() as session, session.begin():
        await add_outbox(session, "published-long-ago", created=ago(300), published=ago(299))
        await add_outbox(session, "published-recently", created=ago(300), published=ago(10))
        await add_outbox(session, "never-published", created=ago(900), published=None)
        await session.execute(insert(inbox).values(event_id="seen-long-ago", subject="s", received_at=ago(745)))
        await session.execute(insert(inbox).values(event_id="seen-recently", subject="s", received_at=ago(743)))
        await add_key(session, "key-expired", created=ago(25), completed=ago(25))
        await add_key(session, "key-abandoned", created=ago(30), completed=None)
        await add_key(session, "key-in-window", created=ago(23), completed=ago(23))
        await add_deadline(session, "fired-long-ago", due=ago(800), fired_at=ago(800))
        await add_deadline(session, "cancelled-long-ago", due=ago(800), cancelled_at=ago(721))
        await add_deadline(session, "fired-recently", due=ago(800), fired_at=ago(719))
        await add_deadline(session, "pending-overdue", due=ago(2000))
        await add_deadline(session, "pending-future", due=NOW + timedelta(days=1))

    pruned = await prune(factory, service="scheduling", now=NOW, windows=WINDOWS)

    assert pruned == {"outbox": 1, "inbox": 1, "idempotency_key": 2, "deadline": 2}
    assert await names(factory, outbox.c.event_id) == {"published-recently", "never-published"}
    assert await names(factory, inbox.c.event_id) == {"seen-recently"}
    assert await names(factory, idempotency_key.c.key) == {"key-in-window"}
    assert await names(factory, deadline.c.id) == {"fired-recently", "pending-overdue", "pending-future"}


async def test_a_backlog_larger_than_a_batch_is_pruned_batch_by_batch(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with factory() as session, session.begin():
        for index in range(7):
            await add_outbox(session, f"old-{index}", created=ago(300), published=ago(300))
            await add_key(session, f"old-{index}", created=ago(48), completed=ago(48))
    before = metrics.ROWS_PRUNED.labels("scheduling", "outbox")._value.get()

    pruned = await prune(factory, service="scheduling", now=NOW, windows=WINDOWS, batch_size=3)

    assert pruned["outbox"] == pruned["idempotency_key"] == 7
    assert await names(factory, outbox.c.event_id) == set()
    assert await names(factory, idempotency_key.c.key) == set()
    assert metrics.ROWS_PRUNED.labels("scheduling", "outbox")._value.get() - before == 7


async def test_a_redelivered_event_inside_the_window_is_still_recognised(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    event = EmployeeUpsertedV1(employee_id=uuid.uuid4(), name="A", level=1, version=1)
    envelope = Envelope.wrap(event, time=ago(743))
    async with factory() as session, session.begin():
        assert await record_once(session, envelope, at=ago(743))

    await prune(factory, service="scheduling", now=NOW, windows=WINDOWS)

    async with factory() as session, session.begin():
        assert not await record_once(session, envelope, at=NOW), "the redelivery is a duplicate"


async def test_a_batch_skips_rows_another_transaction_holds_instead_of_waiting(
    factory: async_sessionmaker[AsyncSession], test_databases: TestDatabases
) -> None:
    if not test_databases.on_postgres:
        pytest.skip("row locks need PostgreSQL: SQLite runs one connection per database")
    async with factory() as session, session.begin():
        for name in ("held", "free-1", "free-2"):
            await add_outbox(session, name, created=ago(300), published=ago(300))
    async with factory() as holder, holder.begin():
        await holder.execute(select(outbox).where(outbox.c.event_id == "held").with_for_update())
        # Well inside the default lock wait: a blocked DELETE would run into the timeout.
        await asyncio.wait_for(prune(factory, service="scheduling", now=NOW, windows=WINDOWS), timeout=5)
        async with factory() as reader:
            remaining = set((await reader.execute(select(outbox.c.event_id))).scalars())
        assert remaining == {"held"}


async def test_the_app_prunes_on_its_own_and_reports_the_pass(test_databases: TestDatabases) -> None:
    clock = FrozenClock(NOW)
    settings = Settings(
        database_url=await test_databases.fresh("scheduling"),
        env="test",
        relay_enabled=False,
        consumer_enabled=False,
        worker_enabled=False,
        retention_interval_seconds=0.05,
    )
    app = create_app(settings, clock=clock)
    async with app.state.session_factory() as session, session.begin():
        await add_outbox(session, "published-long-ago", created=ago(300), published=ago(300))
    before = metrics.LOOP_LAST_SUCCESS.labels("scheduling", "retention")._value.get()

    async with running(app):

        async def pruned() -> bool:
            async with app.state.session_factory() as session:
                return await session.scalar(select(func.count()).select_from(outbox)) == 0

        async def reported() -> bool:
            return bool(metrics.LOOP_LAST_SUCCESS.labels("scheduling", "retention")._value.get() > before)

        await eventually(pruned)
        await eventually(reported)


def test_an_inbox_window_shorter_than_redelivery_is_refused() -> None:
    with pytest.raises(ValidationError, match="RETENTION_INBOX_HOURS"):
        Settings(retention_inbox_hours=0.1)
    assert Settings().retention_inbox_hours * 3600 > 30 * 24 * 3600, "the default outlives the stream's retention"
