from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.concurrency import ETAG_RESPONSES, IF_MATCH_RESPONSES, IfMatch, set_etag
from callcenter_shared.inputs import Flag, Moment
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.roster import service
from scheduling.roster.models import Shift
from scheduling.roster.schemas import (
    AssignmentCreate,
    AssignmentRead,
    Coverage,
    CoverageGap,
    Decision,
    Refusal,
    ShiftCreate,
    ShiftRead,
    ShiftUpdate,
    StaffingChangeCreate,
    StaffingChangeRead,
)
from scheduling.settings import AppSettings, Settings
from scheduling.zone import local

router = APIRouter(prefix="/v1", tags=["roster"])


async def _shift(session: DbSession, shift: Shift, settings: Settings) -> ShiftRead:
    return ShiftRead(
        id=shift.id,
        team_id=shift.team_id,
        name=shift.name,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        starts_at_local=local(shift.starts_at, settings.timezone),
        ends_at_local=local(shift.ends_at, settings.timezone),
        required_headcount=shift.required_headcount,
        required_skills=service.skills(shift),
        call_taking=shift.call_taking,
        duty_manager_id=shift.duty_manager_id,
        staffed=await service.staffed(session, shift.id),
        version=shift.version,
    )


@router.post(
    "/shifts",
    status_code=status.HTTP_201_CREATED,
    response_model=ShiftRead,
    summary="Add a shift (ROS-1, ROS-4)",
    description="The team's leader or level 3 and above. Refused with ROS-4 when the shift starts in the past, or "
    "when its start equals its end without `full_day: true` (a 24-hour shift is said explicitly).",
)
async def create_shift(
    data: ShiftCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> ShiftRead:
    shift = await service.create_shift(session, principal=principal, data=data, settings=settings, now=now)
    return await _shift(session, shift, settings)


@router.get("/shifts", response_model=Page[ShiftRead])
async def list_shifts(
    _principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    settings: AppSettings,
    starts_from: Annotated[Moment, Query(alias="from")],
    starts_before: Annotated[Moment, Query(alias="to")],
    team_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[ShiftRead]:
    rows, total = await service.list_shifts(
        session,
        starts_from=starts_from,
        starts_before=starts_before,
        team_id=team_id,
        limit=paging.limit,
        offset=paging.offset,
    )
    return Page(
        items=[await _shift(session, r, settings) for r in rows], limit=paging.limit, offset=paging.offset, total=total
    )


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
    "cancel pending swaps on the shift. Send `If-Match` with the `ETag` you read to refuse with 412 a change made "
    "by someone else in the meantime.",
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
    summary="Roster an employee on a shift (ROS-4, ORG-3, PRF-9)",
    description="The shift's team leader or level 3 and above. A direct assignment obeys what a swap obeys "
    "(ROS-4): the person is active; an agent is certified and, on a call-taking shift, holds an agent number "
    "(ORG-3) and is not off post for training (PRF-9); no overlapping shift and the minimum rest between shifts; "
    "a member of the shift's team unless a level 3 manager lends them; the shift has not ended; and no more "
    "people than its head-count unless its duty manager adds them. Each refusal is 422 naming the rule.",
)
async def assign(
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
    return AssignmentRead.model_validate(assignment)


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
) -> Page[AssignmentRead]:
    rows, total = await service.list_assignments(
        session,
        principal=principal,
        employee_id=employee_id,
        shift_id=shift_id,
        include_removed=include_removed,
        limit=paging.limit,
        offset=paging.offset,
    )
    return Page(
        items=[AssignmentRead.model_validate(r) for r in rows], limit=paging.limit, offset=paging.offset, total=total
    )


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
    return StaffingChangeRead.model_validate(change)


@router.post("/staffing-changes/{change_id}/approve", response_model=StaffingChangeRead)
async def approve_staffing_change(
    change_id: uuid.UUID, data: Decision, principal: CurrentPrincipal, session: DbSession, now: Now
) -> StaffingChangeRead:
    change = await service.approve_staffing_change(
        session, principal=principal, change_id=change_id, note=data.note, now=now
    )
    return StaffingChangeRead.model_validate(change)


@router.post("/staffing-changes/{change_id}/reject", response_model=StaffingChangeRead)
async def reject_staffing_change(
    change_id: uuid.UUID, data: Refusal, principal: CurrentPrincipal, session: DbSession, now: Now
) -> StaffingChangeRead:
    change = await service.reject_staffing_change(
        session, principal=principal, change_id=change_id, reason=data.reason, now=now
    )
    return StaffingChangeRead.model_validate(change)


@router.get("/coverage", response_model=Coverage, summary="Hours below head-count or without a certified agent")
async def coverage(
    _principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    starts_at: Annotated[Moment, Query(alias="from")],
    ends_at: Annotated[Moment, Query(alias="to")],
    team_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Coverage:
    team_ids, gaps = await service.coverage(
        session, starts_at=starts_at, ends_at=ends_at, team_id=team_id, settings=settings
    )
    return Coverage(
        starts_at=starts_at,
        ends_at=ends_at,
        team_ids=team_ids,
        gaps=[CoverageGap.model_validate(g) for g in gaps],
    )
