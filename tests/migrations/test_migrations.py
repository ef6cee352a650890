"""Every service's migrations go up to head, down to base and up again (SQLite, or PostgreSQL in CI)."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import inspect

from callcenter_shared.db import create_engine
from callcenter_shared.migrations import downgrade, upgrade
from callcenter_testing import TestDatabases

SERVICES = ["scheduling", "performance", "recognition", "escalation"]


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names


@pytest.mark.parametrize("service", SERVICES)
async def test_upgrade_downgrade_upgrade(
    service: str, test_databases: TestDatabases, tmp_path: os.PathLike[str]
) -> None:
    if test_databases.on_postgres:
        url = await test_databases.fresh(service, name="migrations")
        await asyncio.to_thread(downgrade, service, url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path}/{service}.db"
    await asyncio.to_thread(upgrade, service, url)
    assert {"outbox", "inbox", "idempotency_key", "deadline"} <= await table_names(url)
    await asyncio.to_thread(downgrade, service, url)
    assert await table_names(url) <= {"alembic_version"}
    await asyncio.to_thread(upgrade, service, url)
    assert "outbox" in await table_names(url)
