from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status

from callcenter_shared import spreadsheets
from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.concurrency import ETAG_RESPONSES, IF_MATCH_RESPONSES, IfMatch, set_etag
from callcenter_shared.inputs import Day, Flag, Moment
from callcenter_shared.sorting import sort_description
from callcenter_shared.spreadsheets import SheetFormat
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.org.names import with_names
from scheduling.roster import coverage as coverage_report
from scheduling.roster import lists, service, sheets, skills
from scheduling.roster.models import Shift
from scheduling.roster.schemas import (
    AssignmentCreate,
    AssignmentRead,
    AssignmentSort,
    Coverage,
    CoverageGap,
    Decision,
    Refusal,
    ShiftCreate,
    ShiftImportResult,
    ShiftRead,
    ShiftSort,
    ShiftUpdate,
    StaffingChangeCreate,
    StaffingChangeRead,
    StaffingChangeSort,
)
from scheduling.settings import AppSettings, Settings
from scheduling.zone import local

router = APIRouter(prefix="/v1", tags=["roster"])


async def _shift(session: DbSession, shift: Shift, settings: Settings) -> ShiftRead:
    staffed = await lists.staffed_counts(session, [shift.id])
    return await with_names(session, _shift_view(shift, settings, staffed[shift.id]))


def _shift_view(shift: Shift, settings: Settings, staffed: int) -> ShiftRead:
    return ShiftRead(
        id=shift.id,
        team_id=shift.team_id,
        name=shift.name,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        starts_at_local=local(shift.starts_at, settings.timezone),
        ends_at_local=local(shift.ends_at, settings.timezone),
        required_headcount=shift.required_headcount,
        required_skills=skills.required(shift),
        rotation_id=shift.rotation_id,
        call_taking=shift.call_taking,
        duty_manager_id=shift.duty_manager_id,
        staffed=staffed,
        version=shift.version,
    )


@router.post(
    "/shifts",
    status_code=status.HTTP_201_CREATED,
    response_model=ShiftRead,
    summary="Add a shift (ROS-1, ROS-4, ROS-5)",
    description="The team's leader or level 3 and above. Refused with ROS-4 when the shift starts in the past, or "
    "when its start equals its end without `full_day: true` (a 24-hour shift is said explicitly). "
    "`required_skills` are codes of the skill catalog (`GET /v1/skills`; an unknown code is a 422): only people "
    "holding every one are assigned to it, swapped onto it or take it from the open board (ROS-5).",
)
async def create_shift(
    data: ShiftCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> ShiftRead:
    shift = await service.create_shift(session, principal=principal, data=data, settings=settings, now=now)
    return await _shift(session, shift, settings)


@router.get(
    "/shifts",
    response_model=Page[ShiftRead],
    summary="Shifts in a time window",
    description="Every employee may read the roster's shifts. `from`/`to` bound the window (a shift that overlaps "
    "it counts); `team_id` and `duty_manager_id` narrow it. Earliest first unless `sort` says otherwise.",
)
async def list_shifts(
    _principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    settings: AppSettings,
    starts_from: Annotated[Moment, Query(alias="from")],
    starts_before: Annotated[Moment, Query(alias="to")],
    team_id: Annotated[uuid.UUID | None, Query()] = None,
    duty_manager_id: Annotated[uuid.UUID | None, Query(description="Shifts this duty manager covers (ROS-2)")] = None,
    sort: Annotated[ShiftSort | None, Query(description=sort_description("starts_at"))] = None,
) -> Page[ShiftRead]:
    rows, total = await lists.list_shifts(
        session,
        starts_from=starts_from,
        starts_before=starts_before,
        team_id=team_id,
        duty_manager_id=duty_manager_id,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    staffed = await lists.staffed_counts(session, [r.id for r in rows])
    items = [_shift_view(r, settings, staffed[r.id]) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get("/shifts/{shift_id}", response_model=ShiftRead, responses=ETAG_RESPONSES)
async def get_shift(
    shift_id: uuid.UUID, _principal: CurrentPrincipal, session: DbSession, settings: AppSettings, response: Response
) -> ShiftRead:
    shift = await service.get_shift(session, shift_id)
    set_etag(response, shift.version)
    return await _shift(session, shift, settings)


@router.patch(
    "/shifts/{shift_id}",
    response_model=ShiftRead,
    summary="Edit a shift; reductions go through ROS-2",
    responses=IF_MATCH_RESPONSES,
    description="The shift's team leader or level 3 and above. Head-count only goes up here (ROS-2); moved times "
    "cancel pending swaps on the shift. New `required_skills` (catalog codes, ROS-5) leave the people already on "
    "it in place; `GET /v1/coverage` reports any of them lacking a skill (`missing_skill`). Send `If-Match` with "
    "the `ETag` you read to refuse with 412 a change made by someone else in the meantime.",
)
async def update_shift(
    shift_id: uuid.UUID,
    data: ShiftUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    if_match: IfMatch,
    response: Response,
) -> ShiftRead:
    shift = await service.update_shift(
        session, principal=principal, shift_id=shift_id, data=data, now=now, if_match=if_match
    )
    set_etag(response, shift.version)
    return await _shift(session, shift, settings)


@router.post(
    "/shifts/{shift_id}/assignments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssignmentRead,
    summary="Roster an employee on a shift (ROS-4, ROS-5, ORG-3, PRF-9)",
    description="The shift's team leader or level 3 and above. A direct assignment obeys what a swap obeys "
    "(ROS-4): the person is active; an agent is certified and, on a call-taking shift, holds an agent number "
    "(ORG-3) and is not off post for training (PRF-9); holds every skill the shift requires (ROS-5, the refusal "
    "lists the `missing_skills`); no overlapping shift and the minimum rest between shifts; "
    "a member of the shift's team unless a level 3 manager lends them; the shift has not ended; and no more "
    "people than its head-count unless its duty manager adds them. Each refusal is 422 naming the rule.",
)
async def assign_to_shift(
    shift_id: uuid.UUID,
    data: AssignmentCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> AssignmentRead:
    assignment = await service.assign(
        session, principal=principal, shift_id=shift_id, employee_id=data.employee_id, settings=settings, now=now
    )
    return await with_names(session, AssignmentRead.model_validate(assignment))


@router.get(
    "/assignments",
    response_model=Page[AssignmentRead],
    summary="Assignments the caller may see",
    description="Who works which shift. An agent sees her own assignments and her team's active members' current "
    "ones (her team of ORG-2), so she can pick a swap counterpart; their removed assignments and the reasons stay "
    "private. A team leader sees their team and everyone below them, level 3 and above everyone. Shifts "
    "themselves (`GET /v1/shifts`) are open to every employee.",
)
async def list_assignments(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    employee_id: Annotated[uuid.UUID | None, Query()] = None,
    shift_id: Annotated[uuid.UUID | None, Query()] = None,
    include_removed: Annotated[Flag, Query()] = False,
    team_id: Annotated[uuid.UUID | None, Query(description="Assignments on this team's shifts")] = None,
    starts_from: Annotated[Moment | None, Query(alias="from", description="Shifts that end after this moment")] = None,
    starts_before: Annotated[Moment | None, Query(alias="to", description="Shifts that start before this")] = None,
    sort: Annotated[AssignmentSort | None, Query(description=sort_description("starts_at"))] = None,
) -> Page[AssignmentRead]:
    rows, total = await lists.list_assignments(
        session,
        principal=principal,
        employee_id=employee_id,
        shift_id=shift_id,
        include_removed=include_removed,
        team_id=team_id,
        starts_from=starts_from,
        starts_before=starts_before,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    items = [AssignmentRead.model_validate(r) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.post(
    "/shifts/{shift_id}/staffing-changes",
    status_code=status.HTTP_201_CREATED,
    response_model=StaffingChangeRead,
    summary="Ask the duty manager to reduce staffing (ROS-2)",
)
async def request_staffing_change(
    shift_id: uuid.UUID, data: StaffingChangeCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> StaffingChangeRead:
    change = await service.request_staffing_change(session, principal=principal, shift_id=shift_id, data=data, now=now)
    return await with_names(session, StaffingChangeRead.model_validate(change))


@router.get(
    "/staffing-changes",
    response_model=Page[StaffingChangeRead],
    summary="Staffing reductions (ROS-2)",
    description="Level 3 and above see every request; a team leader those on their team's shifts and those waiting "
    "for them as duty manager; an agent is refused (403). Filter by `status` (`requested`, `approved`, "
    "`rejected`), `shift_id` or `team_id`; newest first unless `sort` says otherwise.",
)
async def list_staffing_changes(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
    shift_id: Annotated[uuid.UUID | None, Query()] = None,
    team_id: Annotated[uuid.UUID | None, Query()] = None,
    sort: Annotated[StaffingChangeSort | None, Query(description=sort_description("-created_at"))] = None,
) -> Page[StaffingChangeRead]:
    rows, total = await lists.list_staffing_changes(
        session,
        principal=principal,
        status=status_filter,
        shift_id=shift_id,
        team_id=team_id,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    items = [StaffingChangeRead.model_validate(r) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.post("/staffing-changes/{change_id}/approve", response_model=StaffingChangeRead)
async def approve_staffing_change(
    change_id: uuid.UUID, data: Decision, principal: CurrentPrincipal, session: DbSession, now: Now
) -> StaffingChangeRead:
    change = await service.approve_staffing_change(
        session, principal=principal, change_id=change_id, note=data.note, now=now
    )
    return await with_names(session, StaffingChangeRead.model_validate(change))


@router.post("/staffing-changes/{change_id}/reject", response_model=StaffingChangeRead)
async def reject_staffing_change(
    change_id: uuid.UUID, data: Refusal, principal: CurrentPrincipal, session: DbSession, now: Now
) -> StaffingChangeRead:
    change = await service.reject_staffing_change(
        session, principal=principal, change_id=change_id, reason=data.reason, now=now
    )
    return await with_names(session, StaffingChangeRead.model_validate(change))


@router.get(
    "/coverage",
    response_model=Coverage,
    summary="Hours below head-count, without a certified agent or short of a skill (ROS-1, ROS-5)",
    description="Every employee may read it (shifts are public). For each hour of `from`..`to` (at most 31 days) "
    "and each active team (or `team_id`): `no_shift`, `below_headcount`, `no_certified_agent` (ORG-3), and "
    "`missing_skill` when someone rostered on a shift of that hour lacks a skill it requires (ROS-5: revoked, or "
    "required by the shift, after they were rostered), with the skills in `missing_skills`.",
)
async def get_coverage(
    _principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    starts_at: Annotated[Moment, Query(alias="from")],
    ends_at: Annotated[Moment, Query(alias="to")],
    team_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Coverage:
    team_ids, gaps = await coverage_report.coverage(
        session, starts_at=starts_at, ends_at=ends_at, team_id=team_id, settings=settings
    )
    return Coverage(
        starts_at=starts_at,
        ends_at=ends_at,
        team_ids=team_ids,
        gaps=[CoverageGap.model_validate(g) for g in gaps],
    )


@router.get(
    "/exports/roster",
    response_class=Response,
    responses=spreadsheets.EXPORT_RESPONSES,
    tags=["spreadsheets"],
    summary="The roster of an ISO week or a date range as CSV or XLSX",
    description="Every shift starting on those days (the center's calendar), one row each, with who works it. "
    "Who may call: everyone (shifts are public, as in `GET /v1/shifts`); the `employees` column names only the "
    "people the caller may see (an agent themselves, a team leader their team, level 3 and above everyone). "
    "Give `week` (2026-W45) or `from` and `to` (dates, at most 31 days). The format is `format=csv|xlsx`, else "
    "the Accept header; CSV is UTF-8 with a BOM, and text a spreadsheet would run as a formula is written as text.",
)
async def export_roster(
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    week: Annotated[str | None, Query(max_length=8, examples=["2026-W45"])] = None,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
    team_id: Annotated[uuid.UUID | None, Query()] = None,
    format_: Annotated[SheetFormat | None, Query(alias="format", description=spreadsheets.FORMAT_DESCRIPTION)] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    sheet = await sheets.roster_sheet(
        session, principal=principal, team_id=team_id, week=week, first=first, last=last, settings=settings
    )
    return await spreadsheets.download(sheet, spreadsheets.export_format(format_, accept))


@router.post(
    "/imports/shifts",
    status_code=status.HTTP_201_CREATED,
    response_model=ShiftImportResult,
    responses=spreadsheets.IMPORT_RESPONSES,
    openapi_extra=spreadsheets.import_body(
        "team_id,name,day,start_time,end_time,required_headcount,required_skills\r\n"
        "0e7c1f0a-6d3b-4a8e-9c1d-2b3a4c5d6e70,早班,2026-11-09,08:00,16:00,6,mandarin; billing\r\n"
        "0e7c1f0a-6d3b-4a8e-9c1d-2b3a4c5d6e70,夜班,2026-11-09,22:00,06:00,4,\r\n"
    ),
    tags=["spreadsheets"],
    summary="Add shifts from a CSV or XLSX file: all rows or none (ROS-1)",
    description="Who may call: a team leader for their own team's shifts, level 3 and above for any team's; a row "
    "for another team makes the whole import a 403 naming those rows. Send the file as the body with Content-Type "
    "`text/csv` (UTF-8) or the XLSX media type (or `format=csv|xlsx`). Row 1 is the header: `team_id`, `name`, "
    "`required_headcount`, and either `day`, `start_time`, `end_time` (the center's zone) or `starts_at`, `ends_at` "
    "(with offset); `required_skills` (separated by `;`) and `duty_manager_id` are optional; other columns (an "
    "exported roster's) are ignored. Each row gets the checks of `POST /v1/shifts`. A refusal is a 422 whose "
    "`errors` list every refused row with its number, column, rule ID (when a rule refused it) and reason; a cell "
    "starting with `=`, `+`, `-`, `@`, a tab or CR is refused, never evaluated. Over IMPORT_MAX_BYTES or "
    "IMPORT_MAX_ROWS is a 413.",
)
async def import_shifts(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    format_: Annotated[SheetFormat | None, Query(alias="format", description=spreadsheets.FORMAT_DESCRIPTION)] = None,
    content_type: Annotated[str | None, Header()] = None,
) -> ShiftImportResult:
    created = await sheets.import_shifts(
        session,
        principal=principal,
        data=await request.body(),
        format_=format_,
        content_type=content_type,
        settings=settings,
        now=now,
    )
    return ShiftImportResult(imported=len(created), shift_ids=[shift.id for shift in created])
