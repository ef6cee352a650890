from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import JSONResponse

from callcenter_shared import spreadsheets
from callcenter_shared.auth import CurrentPrincipal, Principal
from callcenter_shared.errors import PROBLEM_RESPONSES, problem_response, request_language
from callcenter_shared.inputs import Flag, Moment
from callcenter_shared.names import with_names
from callcenter_shared.sorting import sort_description
from callcenter_shared.spreadsheets import SheetFormat
from callcenter_shared.web import DbSession, Now, Page, Paging
from escalation import access
from escalation.case import opening, pause, reports, service, sheets
from escalation.case.models import Case
from escalation.case.schemas import (
    AttributionCreate,
    BreachCountRead,
    CallbackCreate,
    CaseCreate,
    CaseRead,
    CaseSort,
    DepartmentAssign,
    EscalateRequest,
    HandoffRequest,
    HistoryRead,
    InstructionRead,
    LevelTimeRead,
    PauseRequest,
    ReasonRequest,
    ResolveRequest,
    StintRead,
    TextRequest,
)
from escalation.settings import AppSettings

router = APIRouter(prefix="/v1", tags=["cases"])

REFUSAL: dict[int | str, dict[str, Any]] = {
    422: {**PROBLEM_RESPONSES[422], "description": "Refused by a business rule (problem+json with `rule`)"}
}
SHIRK: dict[int | str, dict[str, Any]] = {
    422: {
        **PROBLEM_RESPONSES[422],
        "description": "Refused with rule ESC-1; the attempt is recorded and `case.shirked` published",
    },
    403: {**PROBLEM_RESPONSES[403], "description": "The caller neither owns nor handles the case"},
}


def _read(case: Case, *, show_contact: bool) -> CaseRead:
    return CaseRead(
        id=case.id,
        number=case.number,
        category=case.category_code,
        channel=case.channel,
        customer_contact=case.customer_contact if show_contact else None,
        description=case.description,
        named_agent_id=case.named_agent_id,
        emergency=case.emergency,
        owner_id=case.owner_id,
        handler_id=case.handler_id,
        acting_for_id=case.acting_for_id,
        level=case.level,
        status=case.status,
        allowances_minutes=list(case.allowances),
        level_started_at=case.level_started_at,
        level_due_at=case.level_due_at,
        acknowledged_at=case.acknowledged_at,
        overdue_at=case.overdue_at,
        reply_due_at=case.reply_due_at,
        replied_at=case.replied_at,
        reply_breached=case.reply_breached,
        emergency_report_due_at=case.emergency_report_due_at,
        emergency_reported_at=case.emergency_reported_at,
        department_handler_id=case.department_handler_id,
        department_result=case.department_result,
        handover_item_id=case.handover_item_id,
        resolution=case.resolution,
        resolved_by=case.resolved_by,
        resolved_at=case.resolved_at,
        callback_at=case.callback_at,
        callback_reached=case.callback_reached,
        callback_satisfied=case.callback_satisfied,
        attributed_agent_id=case.attributed_agent_id,
        paused_at=case.paused_at,
        pause_waiting_on=case.pause_waiting_on,
        pause_reason=case.pause_reason,
        pause_ends_at=case.pause_ends_at,
        paused_minutes=round((case.paused_seconds or 0) / 60, 2),
        opened_at=case.opened_at,
    )


async def _one(session: DbSession, principal: Principal, case: Case) -> CaseRead:
    return await with_names(session, _read(case, show_contact=await access.in_chain(session, principal, case)))


async def _page(
    session: DbSession, principal: Principal, cases: Sequence[Case], total: int, paging: Any
) -> Page[CaseRead]:
    shown = await access.contact_visible_ids(session, principal, cases)
    items = [_read(c, show_contact=c.id in shown) for c in cases]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CaseRead, responses=REFUSAL)
async def open_case(data: CaseCreate, principal: CurrentPrincipal, session: DbSession, now: Now) -> CaseRead:
    """Open a case as its first receiver and owner (ESC-1); the category decides the first level (ESC-2)."""
    # The people's names come from the rows the opening read (`opening.open_case`): no second lookup.
    return await opening.open_case(session, principal=principal, data=data, now=now)


@router.get("/cases", response_model=Page[CaseRead])
async def list_cases(
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    paging: Paging,
    status_: Annotated[Literal["open", "resolved"] | None, Query(alias="status")] = None,
    level: Annotated[int | None, Query(ge=1, le=5)] = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
    overdue: Annotated[Flag, Query(description="Open cases past their level's deadline")] = False,
    handler_id: Annotated[uuid.UUID | None, Query(description="The case's current handler")] = None,
    owner_id: Annotated[uuid.UUID | None, Query(description="The first receiver, who owns the case")] = None,
    opened_from: Annotated[Moment | None, Query(alias="from", description="Opened at or after")] = None,
    opened_before: Annotated[Moment | None, Query(alias="to", description="Opened before")] = None,
    sort: Annotated[CaseSort | None, Query(description=sort_description("-opened_at"))] = None,
) -> Page[CaseRead]:
    """The cases the caller may see: their own, their span's, and those they were named on."""
    cases, total = await reports.list_cases(
        session, principal=principal, now=now, mine=False, status=status_, level=level, category=category,
        overdue=overdue, handler_id=handler_id, owner_id=owner_id, opened_from=opened_from,
        opened_before=opened_before, sort=sort, limit=paging.limit, offset=paging.offset,
    )  # fmt: skip
    return await _page(session, principal, cases, total, paging)


@router.get("/cases/mine", response_model=Page[CaseRead])
async def my_cases(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_: Annotated[Literal["open", "resolved"] | None, Query(alias="status")] = None,
) -> Page[CaseRead]:
    """Cases the caller owns or currently handles."""
    items, total = await reports.my_cases(
        session, principal=principal, status=status_, limit=paging.limit, offset=paging.offset
    )
    # The people's names come with each row (`reports.my_cases`): no second lookup.
    return Page[CaseRead](items=items, limit=paging.limit, offset=paging.offset, total=total)


@router.get("/cases/reports/time-per-level", response_model=Page[LevelTimeRead])
async def get_time_per_level_report(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    category: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[LevelTimeRead]:
    items, total = await reports.time_per_level(
        session, principal=principal, category=category, limit=paging.limit, offset=paging.offset
    )
    return Page(items=[LevelTimeRead(**i) for i in items], limit=paging.limit, offset=paging.offset, total=total)


@router.get("/cases/reports/breaches", response_model=Page[BreachCountRead])
async def get_breach_report(principal: CurrentPrincipal, session: DbSession, paging: Paging) -> Page[BreachCountRead]:
    items, total = await reports.breach_counts(session, principal=principal, limit=paging.limit, offset=paging.offset)
    return Page(items=[BreachCountRead(**i) for i in items], limit=paging.limit, offset=paging.offset, total=total)


SHEET_FORMAT = "The format is `format=csv|xlsx`, else the Accept header; CSV is UTF-8 with a BOM."


@router.get(
    "/exports/case-time-per-level",
    response_class=Response,
    responses=spreadsheets.EXPORT_RESPONSES,
    tags=["spreadsheets"],
    summary="The time-per-level report as CSV or XLSX (ESC-2, ESC-3)",
    description="`GET /v1/cases/reports/time-per-level` as a spreadsheet: per level, the stints, how many were "
    f"resolved there, and the average and longest minutes. Who may call: level 3 and above. {SHEET_FORMAT}",
)
async def export_time_per_level(
    principal: CurrentPrincipal,
    session: DbSession,
    category: Annotated[str | None, Query(max_length=64)] = None,
    format_: Annotated[SheetFormat | None, Query(alias="format", description=spreadsheets.FORMAT_DESCRIPTION)] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    sheet = await sheets.time_per_level_sheet(session, principal=principal, category=category)
    return await spreadsheets.download(sheet, spreadsheets.export_format(format_, accept))


@router.get(
    "/exports/case-breaches",
    response_class=Response,
    responses=spreadsheets.EXPORT_RESPONSES,
    tags=["spreadsheets"],
    summary="The missed-deadline report as CSV or XLSX (ESC-3, ESC-6, ESC-9)",
    description="`GET /v1/cases/reports/breaches` as a spreadsheet: per category, level time-outs, cases overdue "
    "at the top, late replies and missing emergency reports. Who may call: level 3 and above. "
    f"{SHEET_FORMAT}",
)
async def export_breaches(
    principal: CurrentPrincipal,
    session: DbSession,
    format_: Annotated[SheetFormat | None, Query(alias="format", description=spreadsheets.FORMAT_DESCRIPTION)] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    sheet = await sheets.breaches_sheet(session, principal=principal)
    return await spreadsheets.download(sheet, spreadsheets.export_format(format_, accept))


@router.get("/cases/{case_id}", response_model=CaseRead)
async def get_case(case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> CaseRead:
    return await _one(session, principal, await access.read(session, principal=principal, case_id=case_id))


@router.get("/cases/{case_id}/history", response_model=Page[HistoryRead])
async def get_case_history(
    case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, paging: Paging
) -> Page[HistoryRead]:
    """The append-only history: who did what, when, at which level (ESC-5)."""
    rows, total = await reports.history(
        session, principal=principal, case_id=case_id, limit=paging.limit, offset=paging.offset
    )
    items = [HistoryRead.model_validate(r) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get("/cases/{case_id}/stints", response_model=Page[StintRead])
async def list_case_stints(
    case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, paging: Paging
) -> Page[StintRead]:
    """Who held the case at each level (at most one row per level climbed, plus reopenings)."""
    rows, total = await reports.stints(
        session, principal=principal, case_id=case_id, limit=paging.limit, offset=paging.offset
    )
    items = [StintRead.model_validate(s) for s in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.post("/cases/{case_id}/acknowledge", response_model=CaseRead)
async def acknowledge_case(case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> CaseRead:
    """Take the case; the level's clock keeps running until it is resolved or escalated."""
    case = await service.acknowledge(session, principal=principal, case_id=case_id, now=now)
    return await _one(session, principal, case)


@router.post("/cases/{case_id}/escalate", response_model=CaseRead, responses=REFUSAL)
async def escalate_case(
    case_id: uuid.UUID, data: EscalateRequest, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CaseRead:
    """Pass the case to the current handler's direct superior, one level up (ESC-4)."""
    case = await service.escalate(
        session, principal=principal, case_id=case_id, reason=data.reason, to_level=data.to_level,
        to_handler_id=data.to_handler_id, now=now,
    )  # fmt: skip
    return await _one(session, principal, case)


@router.post("/cases/{case_id}/resolve", response_model=CaseRead, responses=REFUSAL)
async def resolve_case(
    case_id: uuid.UUID, data: ResolveRequest, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CaseRead:
    """Close the case; a resolution is required (ESC-5). There is no delete."""
    case = await service.resolve(session, principal=principal, case_id=case_id, resolution=data.resolution, now=now)
    return await _one(session, principal, case)


@router.post(
    "/cases/{case_id}/pause",
    response_model=CaseRead,
    responses=REFUSAL,
    summary="Pause a case waiting on the customer or a third party: its clocks stop (ESC-13)",
    description=(
        "For the current handler, or a superior above them in the chain. The level's time limit, the warning "
        "before it and the customer reply limit stop, keeping the time they had left; `case.paused` is "
        "published. The pause lasts at most the category's `max_pause_minutes` (else `CASE_MAX_PAUSE_MINUTES`), "
        "then the clocks resume by themselves. Refused with ESC-13 when the case is already paused or `minutes` "
        "is longer than the maximum; a resolved case is a 409."
    ),
)
async def pause_case(
    case_id: uuid.UUID,
    data: PauseRequest,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> CaseRead:
    case = await pause.pause(
        session, principal=principal, case_id=case_id, waiting_on=data.waiting_on.value, reason=data.reason,
        minutes=data.minutes, default_max_minutes=settings.case_max_pause_minutes, now=now,
    )  # fmt: skip
    return await _one(session, principal, case)


@router.post(
    "/cases/{case_id}/resume",
    response_model=CaseRead,
    responses=REFUSAL,
    summary="Resume a paused case: each clock runs again with the time it had left (ESC-13)",
    description=(
        "For the current handler, or a superior above them in the chain. Publishes `case.resumed`; the pause and "
        "its length are in the history and in the reports apart from level time. Refused with ESC-13 when the "
        "case is not paused."
    ),
)
async def resume_case(case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> CaseRead:
    case = await pause.resume(session, principal=principal, case_id=case_id, now=now)
    return await _one(session, principal, case)


@router.post("/cases/{case_id}/reopen", response_model=CaseRead)
async def reopen_case(
    case_id: uuid.UUID, data: ReasonRequest, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CaseRead:
    case = await service.reopen(session, principal=principal, case_id=case_id, reason=data.reason, now=now)
    return await _one(session, principal, case)


@router.post("/cases/{case_id}/emergency-report", response_model=CaseRead, responses=REFUSAL)
async def report_emergency(
    case_id: uuid.UUID, data: TextRequest, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CaseRead:
    """The post-hoc report of an emergency to the direct superior (ESC-6)."""
    case = await service.file_emergency_report(session, principal=principal, case_id=case_id, text=data.text, now=now)
    return await _one(session, principal, case)


@router.post("/cases/{case_id}/reply", response_model=CaseRead)
async def reply_to_case(case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> CaseRead:
    """Record that the customer got an answer (ESC-9)."""
    case = await service.record_reply(session, principal=principal, case_id=case_id, now=now)
    return await _one(session, principal, case)


@router.post("/cases/{case_id}/instructions", status_code=status.HTTP_201_CREATED, response_model=InstructionRead)
async def give_instruction(
    case_id: uuid.UUID, data: TextRequest, principal: CurrentPrincipal, session: DbSession, now: Now
) -> InstructionRead:
    """A superior's instruction, recorded in detail (ESC-7)."""
    instruction = await service.give_instruction(session, principal=principal, case_id=case_id, text=data.text, now=now)
    return await with_names(session, InstructionRead.model_validate(instruction))


@router.get("/cases/{case_id}/instructions", response_model=Page[InstructionRead])
async def list_instructions(
    case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, paging: Paging
) -> Page[InstructionRead]:
    rows, total = await reports.instructions(
        session, principal=principal, case_id=case_id, limit=paging.limit, offset=paging.offset
    )
    items = [InstructionRead.model_validate(r) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.post("/cases/{case_id}/department", response_model=CaseRead, responses=REFUSAL)
async def assign_department(
    case_id: uuid.UUID, data: DepartmentAssign, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CaseRead:
    """The duty chief or GM names a handler in another department (ESC-10)."""
    case = await service.assign_department(
        session, principal=principal, case_id=case_id, handler_id=data.handler_id, note=data.note, now=now
    )
    return await _one(session, principal, case)


@router.post("/cases/{case_id}/department-result", response_model=CaseRead, responses=REFUSAL)
async def record_department_result(
    case_id: uuid.UUID, data: TextRequest, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CaseRead:
    """The other department's result, returned through the center (ESC-10)."""
    case = await service.record_department_result(
        session, principal=principal, case_id=case_id, text=data.text, now=now
    )
    return await _one(session, principal, case)


@router.post("/cases/{case_id}/callbacks", response_model=CaseRead, responses=REFUSAL)
async def schedule_callback(
    case_id: uuid.UUID, data: CallbackCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CaseRead:
    """The call back to the customer after resolution and its result (ESC-11)."""
    case = await service.record_callback(
        session, principal=principal, case_id=case_id, reached=data.reached, satisfied=data.satisfied,
        note=data.note, now=now,
    )  # fmt: skip
    return await _one(session, principal, case)


@router.post("/cases/{case_id}/handoff", status_code=422, response_model=None, responses=SHIRK)
async def hand_off_case(
    case_id: uuid.UUID,
    data: HandoffRequest,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    request: Request,
) -> JSONResponse:
    """Always refused for the owner or handler, and recorded against them (ESC-1)."""
    refusal = await service.attempt_shirk(
        session, principal=principal, case_id=case_id, attempt="handoff", reason=data.reason,
        to_employee_id=data.to_employee_id, now=now,
    )  # fmt: skip
    return problem_response(refusal.problem(), language=request_language(request))


@router.post("/cases/{case_id}/reject", status_code=422, response_model=None, responses=SHIRK)
async def reject_case(
    case_id: uuid.UUID,
    data: ReasonRequest,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    request: Request,
) -> JSONResponse:
    """Always refused for the owner or handler, and recorded against them (ESC-1)."""
    refusal = await service.attempt_shirk(
        session, principal=principal, case_id=case_id, attempt="reject", reason=data.reason,
        to_employee_id=None, now=now,
    )  # fmt: skip
    return problem_response(refusal.problem(), language=request_language(request))


@router.post("/cases/{case_id}/attribution", response_model=CaseRead, responses=REFUSAL)
async def attribute_case(
    case_id: uuid.UUID,
    data: AttributionCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> CaseRead:
    """An L2+ verifies the complaint is attributable to an agent; performance counts it (ESC-12)."""
    zone = ZoneInfo(settings.timezone)
    case = await service.attribute(
        session, principal=principal, case_id=case_id, agent_id=data.agent_id, note=data.note, zone=zone, now=now
    )
    return await _one(session, principal, case)
