from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.inputs import Moment
from callcenter_shared.sorting import sort_description
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.leave import service
from scheduling.leave.models import Leave
from scheduling.leave.schemas import LeaveApproval, LeaveCreate, LeaveRead, LeaveRefusal, LeaveSort, ShiftGap
from scheduling.org.names import with_names
from scheduling.settings import AppSettings

router = APIRouter(prefix="/v1/leave", tags=["leave"])


async def _read(session: DbSession, leave: Leave, gaps: list[dict[str, object]] | None = None) -> LeaveRead:
    return await with_names(session, _view(leave, gaps))


def _view(leave: Leave, gaps: list[dict[str, object]] | None = None) -> LeaveRead:
    return LeaveRead(
        id=leave.id,
        employee_id=leave.employee_id,
        leave_type=leave.leave_type,
        starts_at=leave.starts_at,
        ends_at=leave.ends_at,
        reason=leave.reason,
        status=leave.status,
        first_approver_id=leave.first_approver_id,
        first_approved_at=leave.first_approved_at,
        final_approver_id=leave.final_approver_id,
        deputy_id=leave.deputy_id,
        awaiting=service.awaiting(leave),
        on_holiday=leave.on_holiday,
        holiday_reason=leave.holiday_reason,
        hours_missed=leave.hours_missed,
        decided_by=leave.decided_by,
        decided_at=leave.decided_at,
        decision_reason=leave.decision_reason,
        coverage_gaps=[ShiftGap.model_validate(g) for g in gaps or []],
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=LeaveRead, summary="Request leave (LEV-1, 2, 4)")
async def request_leave(
    data: LeaveCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> LeaveRead:
    return await _read(
        session, await service.request(session, principal=principal, data=data, settings=settings, now=now)
    )


@router.get("", response_model=Page[LeaveRead])
async def list_leave(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
    employee_id: Annotated[uuid.UUID | None, Query(description="Whose leave")] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Leave of this team's members")] = None,
    starts_from: Annotated[Moment | None, Query(alias="from", description="Leave that ends after this moment")] = None,
    starts_before: Annotated[Moment | None, Query(alias="to", description="Leave that starts before this")] = None,
    sort: Annotated[LeaveSort | None, Query(description=sort_description("-starts_at"))] = None,
) -> Page[LeaveRead]:
    rows, total = await service.list_leave(
        session,
        principal=principal,
        status=status_filter,
        employee_id=employee_id,
        team_id=team_id,
        starts_from=starts_from,
        starts_before=starts_before,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    page: Page[LeaveRead] = Page(items=[_view(r) for r in rows], limit=paging.limit, offset=paging.offset, total=total)
    return await with_names(session, page)


@router.get("/{leave_id}", response_model=LeaveRead)
async def get_leave(leave_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> LeaveRead:
    return await _read(session, await service.read(session, principal=principal, leave_id=leave_id))


@router.post(
    "/{leave_id}/approve",
    response_model=LeaveRead,
    summary="Approve at one's step; the final approval frees the shifts and reports the gaps (LEV-3)",
)
async def approve_leave(
    leave_id: uuid.UUID,
    data: LeaveApproval,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> LeaveRead:
    leave, gaps = await service.approve(
        session,
        principal=principal,
        leave_id=leave_id,
        holiday_reason=data.holiday_reason,
        settings=settings,
        now=now,
    )
    return await _read(session, leave, gaps)


@router.post("/{leave_id}/reject", response_model=LeaveRead)
async def reject_leave(
    leave_id: uuid.UUID, data: LeaveRefusal, principal: CurrentPrincipal, session: DbSession, now: Now
) -> LeaveRead:
    return await _read(
        session, await service.reject(session, principal=principal, leave_id=leave_id, reason=data.reason, now=now)
    )


@router.post("/{leave_id}/withdraw", response_model=LeaveRead)
async def withdraw_leave(leave_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> LeaveRead:
    return await _read(session, await service.withdraw(session, principal=principal, leave_id=leave_id, now=now))
