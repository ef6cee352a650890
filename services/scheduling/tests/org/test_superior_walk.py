"""Scheduling walks its own directory's chain of superiors in one statement (ORG-1, LEV-1, SWP-3)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event

from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.levels import Level
from scheduling import access
from scheduling.db import Base
from scheduling.org.models import Employee, Team


async def test_superior_at_a_level_is_one_statement_and_stops_at_a_gap_or_a_loop_ORG_1(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'directory.db'}")
    top, gm, deputy, leader, agent, a, b, orphan = (uuid.uuid4() for _ in range(8))
    people = [
        (top, None, 5), (gm, top, 4), (deputy, gm, 3), (leader, deputy, 2), (agent, leader, 1),
        (a, b, 1), (b, a, 2),  # a loop in a broken directory
        (orphan, None, 1),  # nobody above: a gap
    ]  # fmt: skip
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    now = datetime(2026, 3, 2, tzinfo=UTC)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all, tables=[Team.__table__, Employee.__table__])
        async with create_session_factory(engine)() as session:
            rows = {
                i: Employee(id=i, name=str(i), level=level, created_at=now, updated_at=now) for i, _, level in people
            }
            session.add_all(rows.values())
            await session.flush()  # everyone exists before anyone points at a superior (the loop too)
            for i, sup, _ in people:
                rows[i].superior_id = sup
            await session.commit()
        async with create_session_factory(engine)() as session:
            person = await access.employee(session, agent)
            statements.clear()
            found = await access.superior_at_level(session, person, Level.DEPUTY_GENERAL_MANAGER)
            assert found is not None
            assert found.id == deputy
            assert len(statements) == 1
            assert statements[0].lstrip().upper().startswith("WITH")
            assert [s.id for s in await access.superior_chain(session, person)] == [leader, deputy, gm, top]
            # Past the level without meeting it (an L3 asked for its L2 superior): nobody.
            assert await access.superior_at_level(session, await access.employee(session, deputy), 2) is None
            assert await access.superior_at_level(session, await access.employee(session, a), 3) is None
            assert await access.superior_at_level(session, await access.employee(session, orphan), 2) is None
    finally:
        await engine.dispose()
