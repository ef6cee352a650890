"""Each service's migrations build exactly the schema its models declare (SQLite, or PostgreSQL in CI).

A model changed without a migration (or a migration that builds something else) shows here as
Alembic autogenerate's list of differences: fix it with `alembic revision --autogenerate` in the
service (CONTRIBUTING.md, "A migration") and review what it writes.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, Table
from sqlalchemy.engine import Connection

from callcenter_shared.db import create_engine
from callcenter_testing import TestDatabases

SERVICES = ["scheduling", "performance", "recognition", "escalation"]


def service_metadata(service: str) -> MetaData:
    importlib.import_module(f"{service}.models")  # registers every table, as migrations/env.py does
    metadata: MetaData = importlib.import_module(f"{service}.db").Base.metadata
    return metadata


async def differences(url: str, metadata: MetaData) -> list[Any]:
    def compare(connection: Connection) -> list[Any]:
        # The options migrations/env.py autogenerates with, so this sees what a new revision would.
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    engine = create_engine(url)
    async with engine.connect() as connection:
        found = await connection.run_sync(compare)
    await engine.dispose()
    return found


@pytest.mark.parametrize("service", SERVICES)
async def test_migrated_database_matches_the_models(service: str, test_databases: TestDatabases) -> None:
    url = await test_databases.fresh(service, name="drift")
    found = await differences(url, service_metadata(service))
    assert found == [], f"{service}: the migrations and the models differ:\n" + "\n".join(map(str, found))


async def test_a_model_without_its_migration_is_found(test_databases: TestDatabases) -> None:
    metadata = MetaData()
    for table in service_metadata("escalation").tables.values():
        table.to_metadata(metadata)
    Table("case_tag", metadata, Column("name", String(40), primary_key=True))
    metadata.tables["case"].append_column(Column("priority", String(8)))
    url = await test_databases.fresh("escalation", name="drift")
    found = await differences(url, metadata)
    assert sorted(str(change[0]) for change in found) == ["add_column", "add_table"]
