"""`python -m recognition.migrate`: bring the database to the newest schema, then seed the award catalog."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.migrations import upgrade
from recognition import models  # noqa: F401  (maps every table)
from recognition.award.catalog import seed_catalog
from recognition.settings import Settings


async def seed(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            return await seed_catalog(session, now=datetime.now(UTC))
    finally:
        await engine.dispose()


if __name__ == "__main__":
    settings = Settings()
    upgrade("recognition", settings.database_url)
    asyncio.run(seed(settings.database_url))
