"""The chain of direct superiors is read in one statement and survives gaps and loops (ORG-1)."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import event, insert

from callcenter_shared.db import create_engine, create_session_factory, new_metadata
from callcenter_shared.org import include_org_tables, org_employee, superior_chain


async def test_chain_runs_up_to_the_top_and_stops_at_a_gap_or_a_loop_ORG_1(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'org.db'}")
    metadata = new_metadata()
    include_org_tables(metadata)
    top, gm, deputy, leader, agent, a, b, orphan = (uuid.uuid4() for _ in range(8))
    people = [
        (top, None, 5), (gm, top, 4), (deputy, gm, 3), (leader, deputy, 2), (agent, leader, 1),
        (a, b, 2), (b, a, 3),  # a loop in a broken directory
        (orphan, uuid.uuid4(), 1),  # a superior the copy does not know
    ]  # fmt: skip
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(
                insert(org_employee),
                [
                    {"id": i, "name": str(i), "level": level, "superior_id": sup, "version": 1}
                    for i, sup, level in people
                ],
            )
        async with create_session_factory(engine)() as session:
            statements.clear()
            chain = await superior_chain(session, agent)
            assert [p.id for p in chain] == [leader, deputy, gm, top]
            assert len([s for s in statements if s.lstrip().upper().startswith("WITH")]) == 1
            assert [p.id for p in await superior_chain(session, a)] == [b]
            assert await superior_chain(session, orphan) == []
            assert await superior_chain(session, top) == []
    finally:
        await engine.dispose()
