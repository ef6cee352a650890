"""The SQLite engine runs statements on the event loop's thread and behaves as a DB-API should."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from callcenter_shared.db import create_engine

metadata = MetaData()
item = Table("item", metadata, Column("id", Integer, primary_key=True), Column("name", String, unique=True))


async def test_statements_run_without_a_driver_thread(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    threads_before = threading.active_count()
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(insert(item), [{"name": "a"}, {"name": "b"}])
            rows = (await connection.execute(select(item.c.name).order_by(item.c.id))).scalars().all()
            assert rows == ["a", "b"]
            assert threading.active_count() == threads_before
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_a_refused_statement_raises_and_rolls_back_cleanly(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(insert(item).values(name="a"))

        async def insert_b_then_a_again() -> None:
            async with engine.begin() as connection:
                await connection.execute(insert(item).values(name="b"))
                await connection.execute(insert(item).values(name="a"))

        with pytest.raises(IntegrityError):
            await insert_b_then_a_again()
        async with engine.connect() as connection:
            assert (await connection.execute(select(func.count()).select_from(item))).scalar() == 1
        async with engine.connect() as connection:  # an isolation level goes through the driver too
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(insert(item).values(name="c"))
        async with engine.connect() as connection:
            assert (await connection.execute(select(func.count()).select_from(item))).scalar() == 2
    finally:
        await engine.dispose()


async def test_results_can_be_streamed(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(insert(item), [{"name": f"item {n:03d}"} for n in range(250)])
        async with engine.connect() as connection:
            streamed = await connection.stream(select(item.c.name).order_by(item.c.id))
            names = [row.name async for row in streamed]
        assert names == [f"item {n:03d}" for n in range(250)]
    finally:
        await engine.dispose()
