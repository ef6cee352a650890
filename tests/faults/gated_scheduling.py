"""The real scheduling service, with gates in each request's transaction for the crash tests.

Each gate is a file named by an environment variable; a request reaching it creates
`<gate>.reached` and waits while the gate file exists (the test kills the process there,
or removes the file to let the request go on):

- `GATE_BEFORE_WORK`: before the request's session opens (slow work holding no connection);
- `GATE_BEFORE_COMMIT`: after the route ran and flushed its change, before the commit;
- `GATE_AFTER_COMMIT`: after the commit, before the response is stored and sent.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.web import get_session
from scheduling.main import create_app as create_scheduling


async def _pass(variable: str) -> None:
    name = os.environ.get(variable)
    if not name:
        return
    gate = Path(name)
    gate.with_name(gate.name + ".reached").touch()
    # The test process opens the gate: a file is what crosses the process boundary.
    while gate.exists():  # noqa: ASYNC110, ASYNC240
        await asyncio.sleep(0.02)


async def gated_session(request: Request) -> AsyncIterator[AsyncSession]:
    await _pass("GATE_BEFORE_WORK")
    async with asynccontextmanager(get_session)(request) as session:
        yield session
        await session.flush()
        await _pass("GATE_BEFORE_COMMIT")
    await _pass("GATE_AFTER_COMMIT")


def create_app() -> FastAPI:
    app = create_scheduling()
    app.dependency_overrides[get_session] = gated_session
    return app
