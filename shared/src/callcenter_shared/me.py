"""`GET /v1/me`: who the caller is as this service knows them, and what they may do here.

A front end calls it once after sign-in to greet the person and to show only the actions
they have. The person comes from the service's own directory (scheduling's tables, the
others' read copy); `may` names the service's capabilities the caller holds, each decided
by the same level and team rules the service's endpoints apply. An endpoint still checks
every call: `may` is for showing and hiding, not for deciding.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import CurrentCaller, Principal, ServiceAccount
from callcenter_shared.errors import Forbidden
from callcenter_shared.web import DbSession


@dataclass(frozen=True)
class Capability:
    """A named thing a caller may do in a service, and who holds it."""

    name: str
    meaning: str
    held_by: Callable[[Principal, Any], bool]  # (caller, the service's settings)


def passes(check: Callable[..., None], *args: Any) -> bool:
    """Whether a service's own access check (one that raises Forbidden) lets the caller through."""
    try:
        check(*args)
    except Forbidden:
        return False
    return True


class NamedRef(BaseModel):
    id: uuid.UUID
    name: str | None = Field(description="None when the directory has no such record (yet)")


class Me(BaseModel):
    """An employee (kind `employee`) or a system calling with a service account (kind `service_account`)."""

    kind: Literal["employee", "service_account"]
    employee_id: uuid.UUID | None = None
    name: str | None = None
    level: int | None = Field(default=None, description="1 agent ... 5 executive in charge")
    team: NamedRef | None = None
    superior: NamedRef | None = None
    active: bool | None = None
    account: str | None = Field(default=None, description="The service account's client id")
    scopes: list[str] = Field(default_factory=list, description="The service account's scopes")
    may: list[str] = Field(default_factory=list, description="This service's capabilities the caller holds")


async def _name(session: AsyncSession, table: Table, row_id: uuid.UUID | None) -> NamedRef | None:
    if row_id is None:
        return None
    return NamedRef(id=row_id, name=await session.scalar(select(table.c.name).where(table.c.id == row_id)))


def me_router(capabilities: Sequence[Capability]) -> APIRouter:
    """The `/v1/me` route of one service, describing that service's capabilities."""
    listed = "\n".join(f"- `{c.name}`: {c.meaning}" for c in capabilities) or "- (none)"
    router = APIRouter(prefix="/v1", tags=["me"])

    @router.get(
        "/me",
        response_model=Me,
        summary="Who I am here and what I may do",
        description=(
            "Any signed-in caller may call it: an active employee of the directory, or a configured service "
            "account (which gets its client id and scopes, and no capabilities). For an employee: id, name, "
            "level, team and superior as this service's directory has them, and `may`, the capabilities below "
            "that the caller holds. The endpoints still check each call; `may` tells a front end which actions "
            f"to offer.\n\nCapabilities in this service:\n{listed}"
        ),
    )
    async def get_me(caller: CurrentCaller, session: DbSession, request: Request) -> Me:
        if isinstance(caller, ServiceAccount):
            return Me(kind="service_account", account=caller.client_id, scopes=sorted(caller.scopes))
        state = request.app.state
        directory: Table = state.directory
        row = (
            await session.execute(
                select(directory.c.name, directory.c.active).where(directory.c.id == caller.employee_id)
            )
        ).one()
        return Me(
            kind="employee",
            employee_id=caller.employee_id,
            name=row.name,
            level=caller.level,
            team=await _name(session, state.teams, caller.team_id),
            superior=await _name(session, directory, caller.superior_id),
            active=row.active,
            may=[c.name for c in capabilities if c.held_by(caller, state.settings)],
        )

    return router
