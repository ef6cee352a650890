"""A page of a list and the total of the whole list, for entity queries and grouped reports."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Integer, String, Table, func, insert, select

from callcenter_shared.db import create_engine, create_session_factory, new_metadata
from callcenter_shared.paging import paginate, paginate_rows


async def test_a_page_holds_its_slice_and_the_total_counts_every_row(tmp_path: Path) -> None:
    metadata = new_metadata()
    item = Table("item", metadata, Column("id", Integer, primary_key=True), Column("colour", String(8)))
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'paging.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            colours = ["red", "blue", "red", "green", "red"]
            await connection.execute(insert(item), [{"id": i, "colour": c} for i, c in enumerate(colours, start=1)])
        async with create_session_factory(engine)() as session:
            ids = select(item.c.id).order_by(item.c.id.desc())
            assert await paginate(session, ids, limit=2, offset=1) == ([4, 3], 5)
            assert await paginate(session, ids.where(item.c.colour == "red"), limit=10, offset=0) == ([5, 3, 1], 3)
            assert await paginate(session, ids, limit=2, offset=9) == ([], 5)

            grouped = select(item.c.colour, func.count().label("n")).group_by(item.c.colour).order_by(item.c.colour)
            rows, total = await paginate_rows(session, grouped, limit=1, offset=1)
            assert [(row.colour, row.n) for row in rows] == [("green", 1)]
            assert total == 3, "a grouped report counts its groups, not the rows under them"
    finally:
        await engine.dispose()
