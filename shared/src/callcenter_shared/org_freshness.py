"""`GET /v1/org/freshness`: up to which directory change a consuming service's read copy is current.

The copy is fed by events (ORG-5), so it trails scheduling by the event latency. An integrator
that has just changed the directory in scheduling (a hire, a transfer, a leaver) asks here whether
this service has applied it: per kind of record (`employee`, `team`), `current_to` is the time of
the newest change applied (the event's `time`, which scheduling sets to the moment of the change)
and `applied_at` when this service applied it. Changes of one kind arrive in order; the two kinds
travel separately, so compare a change with the time of its own kind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from callcenter_shared.auth import CurrentCaller
from callcenter_shared.org import org_freshness
from callcenter_shared.web import DbSession, Now

Kind = Literal["employee", "team"]
KINDS: tuple[Kind, ...] = ("employee", "team")


class KindFreshness(BaseModel):
    current_to: datetime | None = Field(
        description="The time of the newest change of this kind applied here; null before the first one"
    )
    event_id: str | None = Field(description="The id (CloudEvents `id`) of that change's event")
    applied_at: datetime | None = Field(description="When this service applied it")


class OrgFreshness(BaseModel):
    employee: KindFreshness = Field(description="Hires, transfers, promotions, leavers (`employee.upserted`)")
    team: KindFreshness = Field(description="Teams and their leaders (`team.upserted`)")
    checked_at: datetime = Field(description="This service's time of the answer")


router = APIRouter(prefix="/v1", tags=["org directory"])


@router.get(
    "/org/freshness",
    response_model=OrgFreshness,
    summary="Up to which directory change this service's copy of the organization is current",
    description=(
        "Any signed-in caller: an active employee or a configured service account (ORG-5). For employees and "
        "for teams, `current_to` is the time of the newest change this service has applied. A change that "
        "scheduling answered with `updated_at` T is reflected here once the `current_to` of its kind is at "
        "least T; poll until it is."
    ),
)
async def get_org_freshness(_caller: CurrentCaller, session: DbSession, now: Now) -> OrgFreshness:
    rows = {row.kind: row for row in (await session.execute(select(org_freshness))).all()}
    kinds = {
        kind: KindFreshness(
            current_to=rows[kind].current_to if kind in rows else None,
            event_id=rows[kind].event_id if kind in rows else None,
            applied_at=rows[kind].applied_at if kind in rows else None,
        )
        for kind in KINDS
    }
    return OrgFreshness(employee=kinds["employee"], team=kinds["team"], checked_at=now)
