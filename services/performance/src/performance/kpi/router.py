from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Response, status

from callcenter_shared import spreadsheets
from callcenter_shared.auth import CurrentCaller, CurrentPrincipal, ServiceAccount
from callcenter_shared.concurrency import IF_MATCH_RESPONSES, IfMatch, set_etag
from callcenter_shared.errors import Forbidden
from callcenter_shared.i18n import t
from callcenter_shared.inputs import Day, Flag, Month
from callcenter_shared.names import with_names
from callcenter_shared.spreadsheets import SheetFormat
from callcenter_shared.web import DbSession, Now, Page, Paging
from performance.kpi import bonus_point, ingest, new_hire, service, sheets
from performance.kpi import definition as definitions
from performance.kpi import period as periods
from performance.kpi.schemas import (
    AdjustmentCreate,
    AdjustmentRead,
    AgentScorecardRead,
    BonusPointCreate,
    BonusPointRead,
    KpiCreate,
    KpiDefinitionRead,
    KpiRead,
    KpiUpdate,
    MetricBatchIn,
    MetricBatchResult,
    MetricRead,
    NewHireRead,
    PeriodCreate,
    PeriodRead,
    TeamBonusPoints,
)
from performance.settings import AppSettings

# The scope a metric feed's service account (SERVICE_ACCOUNTS) needs.
METRICS_WRITE = "metrics:write"

router = APIRouter(prefix="/v1", tags=["kpi"])


@router.get(
    "/kpis",
    response_model=Page[KpiDefinitionRead],
    summary="The KPI definitions every agent is told in advance (PRF-1)",
)
async def list_definitions(
    _principal: CurrentPrincipal, session: DbSession, paging: Paging, include_inactive: Flag = False
) -> Page[KpiDefinitionRead]:
    rows, total = await definitions.page_of_definitions(
        session, active_only=not include_inactive, limit=paging.limit, offset=paging.offset
    )
    items = [KpiDefinitionRead.model_validate(d) for d in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.post("/kpis", status_code=status.HTTP_201_CREATED, response_model=KpiDefinitionRead)
async def create_definition(
    data: KpiCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> KpiDefinitionRead:
    return KpiDefinitionRead.model_validate(
        await definitions.create_definition(session, principal=principal, data=data, now=now)
    )


@router.patch(
    "/kpis/{code}",
    response_model=KpiDefinitionRead,
    responses=IF_MATCH_RESPONSES,
    description="Change a KPI definition (PRF-1). Level 3 and above; periods already opened keep the definitions "
    'their agents were told. Send `If-Match` with the `version` you read (as `"<version>"`) to refuse with 412 '
    "a change made by someone else in the meantime.",
)
async def update_definition(
    code: str,
    data: KpiUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    if_match: IfMatch,
    response: Response,
) -> KpiDefinitionRead:
    definition = await definitions.update_definition(
        session, principal=principal, code=code, data=data, now=now, if_match=if_match
    )
    set_etag(response, definition.version)
    return KpiDefinitionRead.model_validate(definition)


@router.post(
    "/metrics/batches",
    response_model=MetricBatchResult,
    summary="Raw per-agent daily metrics from phone/CRM systems, up to 10,000 rows; re-sending changes nothing (PRF-2)",
    description=(
        "Who may call: a service account with the scope `metrics:write` (the phone/CRM systems); "
        "employees are refused whatever their level. PRF-2: a batch is taken once per (source, batch_id)."
    ),
)
async def submit_metrics(
    data: Annotated[MetricBatchIn, Body()], caller: CurrentCaller, session: DbSession, now: Now
) -> MetricBatchResult:
    if not isinstance(caller, ServiceAccount):
        raise Forbidden(t("Metric batches come from the phone/CRM systems' service accounts, not from employees."))
    caller.require(METRICS_WRITE)
    result = await ingest.ingest_batch(session, source=data.source, batch_id=data.batch_id, rows=data.rows, now=now)
    return MetricBatchResult.model_validate(result)


@router.get("/metrics", response_model=Page[MetricRead], summary="Raw metrics: agents see their own")
async def list_metrics(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    agent_id: Annotated[uuid.UUID | None, Query()] = None,
    day_from: Annotated[Day | None, Query(alias="from")] = None,
    day_to: Annotated[Day | None, Query(alias="to")] = None,
    metric: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[MetricRead]:
    rows, total = await service.list_metrics(
        session,
        principal=principal,
        agent_id=agent_id,
        day_from=day_from,
        day_to=day_to,
        metric=metric,
        limit=paging.limit,
        offset=paging.offset,
    )
    return await with_names(
        session,
        Page(
            items=[MetricRead.model_validate(r) for r in rows],
            limit=paging.limit,
            offset=paging.offset,
            total=total,
        ),
    )


@router.post("/periods", status_code=status.HTTP_201_CREATED, response_model=PeriodRead)
async def open_period(data: PeriodCreate, principal: CurrentPrincipal, session: DbSession, now: Now) -> PeriodRead:
    return PeriodRead.model_validate(await periods.open_period(session, principal=principal, data=data, now=now))


@router.get("/periods", response_model=Page[PeriodRead])
async def list_periods(_principal: CurrentPrincipal, session: DbSession, paging: Paging) -> Page[PeriodRead]:
    rows, total = await periods.list_periods(session, limit=paging.limit, offset=paging.offset)
    return await with_names(
        session,
        Page(items=[PeriodRead.model_validate(r) for r in rows], limit=paging.limit, offset=paging.offset, total=total),
    )


@router.get("/periods/{period_id}", response_model=PeriodRead)
async def get_period(period_id: uuid.UUID, _principal: CurrentPrincipal, session: DbSession) -> PeriodRead:
    return PeriodRead.model_validate(await periods.get_period(session, period_id))


@router.get("/periods/{period_id}/kpis", response_model=Page[KpiRead], summary="The definitions frozen for the period")
async def list_period_kpis(
    period_id: uuid.UUID, _principal: CurrentPrincipal, session: DbSession, paging: Paging
) -> Page[KpiRead]:
    rows, total = await periods.period_definitions(session, period_id, limit=paging.limit, offset=paging.offset)
    items = [KpiRead.model_validate(d) for d in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.post("/periods/{period_id}/close", response_model=PeriodRead, summary="Close the period (PRF-3)")
async def close_period(
    period_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> PeriodRead:
    period = await periods.close_period(
        session, principal=principal, period_id=period_id, now=now, policy=settings.policy
    )
    return PeriodRead.model_validate(period)


@router.get("/periods/{period_id}/scorecards", response_model=Page[AgentScorecardRead])
async def list_period_scorecards(
    period_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    settings: AppSettings,
    team_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[AgentScorecardRead]:
    rows, total = await service.list_scorecards(
        session,
        principal=principal,
        period_id=period_id,
        team_id=team_id,
        limit=paging.limit,
        offset=paging.offset,
        policy=settings.policy,
    )
    return await with_names(session, Page(items=rows, limit=paging.limit, offset=paging.offset, total=total))


@router.get("/periods/{period_id}/scorecards/{agent_id}", response_model=AgentScorecardRead)
async def get_agent_scorecard(
    period_id: uuid.UUID, agent_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> AgentScorecardRead:
    return await with_names(
        session,
        await service.read_scorecard(
            session, principal=principal, period_id=period_id, agent_id=agent_id, policy=settings.policy
        ),
    )


@router.post(
    "/periods/{period_id}/scorecards/{agent_id}/adjustments",
    status_code=status.HTTP_201_CREATED,
    response_model=AdjustmentRead,
)
async def adjust_scorecard(
    period_id: uuid.UUID,
    agent_id: uuid.UUID,
    data: AdjustmentCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
) -> AdjustmentRead:
    adjustment = await service.adjust(
        session, principal=principal, period_id=period_id, agent_id=agent_id, data=data, now=now
    )
    return await with_names(session, AdjustmentRead.model_validate(adjustment))


@router.post("/bonus-points", status_code=status.HTTP_201_CREATED, response_model=BonusPointRead)
async def give_bonus_points(
    data: BonusPointCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> BonusPointRead:
    point = await bonus_point.give_bonus_points(
        session, principal=principal, data=data, now=now, policy=settings.policy
    )
    return await with_names(session, BonusPointRead.model_validate(point))


@router.get("/teams/{team_id}/bonus-points", response_model=TeamBonusPoints)
async def list_team_bonus_points(
    team_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    month: Annotated[Month, Query()],
) -> TeamBonusPoints:
    return await with_names(
        session, await bonus_point.team_bonus_points(session, principal=principal, team_id=team_id, month=month)
    )


@router.get(
    "/new-hires",
    response_model=Page[NewHireRead],
    summary="Agents in their first days, this month's KPIs against new-hire targets (PRF-8)",
)
async def list_new_hires(
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    paging: Paging,
    as_of: Annotated[Day | None, Query(description="Default: today")] = None,
) -> Page[NewHireRead]:
    items, total = await new_hire.new_hires(
        session,
        principal=principal,
        as_of=as_of or now.date(),
        policy=settings.policy,
        limit=paging.limit,
        offset=paging.offset,
    )
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get(
    "/exports/scorecards",
    response_class=Response,
    responses=spreadsheets.EXPORT_RESPONSES,
    tags=["spreadsheets"],
    summary="A KPI period's scorecards as CSV or XLSX (PRF-1..PRF-4)",
    description="One row an agent: each KPI's value and attainment, the composite, adjustments (PRF-3), ranks "
    "and the bonus percentage (PRF-4), best first. Who may call: everyone; the rows are those "
    "`GET /v1/periods/{period_id}/scorecards` shows the caller (an agent their own, a team leader their team's, "
    "level 3 and above the center's). `team_id` narrows to one team. The format is `format=csv|xlsx`, else the "
    "Accept header; CSV is UTF-8 with a BOM, and text a spreadsheet would run as a formula is written as text.",
)
async def export_scorecards(
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    period_id: Annotated[uuid.UUID, Query()],
    team_id: Annotated[uuid.UUID | None, Query()] = None,
    format_: Annotated[SheetFormat | None, Query(alias="format", description=spreadsheets.FORMAT_DESCRIPTION)] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    sheet = await sheets.scorecard_sheet(
        session, principal=principal, period_id=period_id, team_id=team_id, policy=settings.policy
    )
    return await spreadsheets.download(sheet, spreadsheets.export_format(format_, accept))
