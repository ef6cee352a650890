"""Display names next to person ids in scheduling's responses, from its own directory."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import names
from scheduling.org.models import Employee

Response = TypeVar("Response")

DIRECTORY: Table = Employee.__table__  # type: ignore[assignment]


async def with_names(session: AsyncSession, response: Response) -> Response:
    """`response` with every `PersonName` field filled from the directory, in one statement."""
    return await names.with_names(session, response, DIRECTORY)
