"""Fresh, migrated databases for tests: SQLite files by default, PostgreSQL with TEST_POSTGRES_URL."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, Table, text

from callcenter_shared.db import create_engine
from callcenter_shared.migrations import upgrade

SEQUENCES = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"


class TestDatabases:
    """Hands each test a freshly migrated database of a service.

    On SQLite each test gets a copy of a migrated template file in `workdir` (which is
    per pytest-xdist worker already). On PostgreSQL a service has one database per run,
    emptied between tests; its name carries TEST_DATABASE_SUFFIX (one per checkout or
    branch) and the xdist worker id, so parallel runs and workers never share one.

    Emptied, not rolled back: a test's app opens its own engine and pool, commits per request,
    runs an idempotency claim and its heartbeat beside the request's transaction, and tests
    prove locking with concurrent requests and read through second apps, second engines and
    service processes. One outer transaction on one connection would serve none of that.
    """

    __test__ = False

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.postgres_url = os.environ.get("TEST_POSTGRES_URL", "").rstrip("/")
        self._migrated: set[str] = set()
        self._tables: dict[str, list[str]] = {}
        self._sequences: dict[str, list[str]] = {}
        # Rows the migrations seed (e.g. standard KPIs), put back after each truncation.
        self._seeds: dict[str, list[tuple[Table, list[dict[str, Any]]]]] = {}

    @property
    def on_postgres(self) -> bool:
        return bool(self.postgres_url)

    def _postgres_database(self, package: str, name: str = "") -> str:
        suffix = os.environ.get("TEST_DATABASE_SUFFIX", "")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        return f"test_{package}{'_' + name if name else ''}{suffix}{'_' + worker if worker else ''}"

    async def fresh(self, package: str, *, name: str = "") -> str:
        """A database URL for `package`, migrated to head and empty."""
        key = f"{package}:{name}"
        if self.on_postgres:
            url = f"{self.postgres_url}/{self._postgres_database(package, name)}"
            if key not in self._migrated:
                await self._recreate_postgres(self._postgres_database(package, name))
                await asyncio.to_thread(upgrade, package, url)
                self._tables[key], self._seeds[key] = await self._read_tables(url)
                self._migrated.add(key)
            else:
                await self._empty(url, self._tables[key], self._seeds[key])
            return url
        template = self.workdir / f"{package}.template.db"
        if package not in self._migrated:
            await asyncio.to_thread(upgrade, package, f"sqlite+aiosqlite:///{template}")
            self._migrated.add(package)
        target = self.workdir / f"{package}-{uuid.uuid4().hex[:12]}.db"
        shutil.copyfile(template, target)
        return f"sqlite+aiosqlite:///{target}"

    async def _recreate_postgres(self, database: str) -> None:
        admin = create_engine(f"{self.postgres_url}/postgres", isolation_level="AUTOCOMMIT", pool_size=1)
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{database}"'))
        await admin.dispose()

    async def _read_tables(self, url: str) -> tuple[list[str], list[tuple[Table, list[dict[str, Any]]]]]:
        """The migrated schema's tables and sequences, and the rows its migrations seeded."""

        def read(connection: Connection) -> tuple[list[str], list[tuple[Table, list[dict[str, Any]]]]]:
            metadata = MetaData()
            metadata.reflect(connection)
            tables, seed = [], []
            for table in metadata.sorted_tables:
                if table.name != "alembic_version":
                    tables.append(table.name)
                    rows = [dict(row._mapping) for row in connection.execute(table.select())]
                    if rows:
                        seed.append((table, rows))
            return tables, seed

        engine = create_engine(url, pool_size=1)
        async with engine.connect() as connection:
            tables, seed = await connection.run_sync(read)
            self._sequences[url] = list((await connection.execute(text(SEQUENCES))).scalars().all())
        await engine.dispose()
        return tables, seed

    async def _empty(self, url: str, tables: list[str], seed: list[tuple[Table, list[dict[str, Any]]]]) -> None:
        """Every row deleted and every sequence restarted, then the migrations' seed rows put back.

        DELETE, not TRUNCATE: a test leaves a handful of rows, and TRUNCATE of some thirty
        tables costs 50-100 ms a test where DELETE costs a few. As for TRUNCATE, no row trigger
        (escalation's append-only history refuses deletes) nor foreign key check runs.
        """
        engine = create_engine(url, pool_size=1)
        async with engine.begin() as connection:
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
            for name in reversed(tables):
                await connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 (names from the schema)
            for sequence in self._sequences[url]:
                await connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
            await connection.execute(text("SET LOCAL session_replication_role = origin"))
            for table, rows in seed:
                await connection.execute(table.insert(), rows)
        await engine.dispose()
