"""The escalation schema upgrades and downgrades cleanly; history is append-only in the database itself."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, inspect, update
from sqlalchemy.exc import DBAPIError

from callcenter_shared.db import create_engine
from callcenter_shared.migrations import downgrade, upgrade
from callcenter_testing import TestDatabases
from escalation.case.models import Case, CaseHistory


async def test_migrations_downgrade_to_base_and_upgrade_again(test_databases: TestDatabases) -> None:
    url = await test_databases.fresh("escalation", name="migrations")
    await asyncio.to_thread(downgrade, "escalation", url, "base")
    engine = create_engine(url)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    assert "case" not in tables
    assert "case_history" not in tables
    await asyncio.to_thread(upgrade, "escalation", url)
    engine = create_engine(url)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    assert {"case", "case_history", "case_stint", "case_instruction", "category", "case_number_counter"} <= tables


class TestAppendOnly:
    async def test_history_rows_cannot_be_changed_or_deleted_in_the_database_ESC_5(
        self, app: FastAPI, org: object, open_case: object
    ) -> None:
        case = await open_case(org.agent)  # type: ignore[attr-defined, operator]
        case_id = uuid.UUID(case["id"])
        for statement in (
            update(CaseHistory).where(CaseHistory.case_id == case_id).values(action="tampered"),
            delete(CaseHistory).where(CaseHistory.case_id == case_id),
            delete(Case).where(Case.id == case_id),
        ):
            async with app.state.session_factory() as session:
                with pytest.raises(DBAPIError, match="ESC-5"):
                    await session.execute(statement)
                await session.rollback()
