from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.leave import service
from scheduling.leave.models import Leave
from scheduling.leave.schemas import LeaveApproval, LeaveCreate, LeaveRead, LeaveRefusal, ShiftGap
from scheduling.settings import AppSettings

router = APIRouter(prefix="/v1/leave", tags=["leave"])


def _read(leave: Leave, gaps: list[dict[str, object]] | None = None) -> LeaveRead:
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
    return _read(await service.request(session, principal=principal, data=data, settings=settings, now=now))


@router.get("", response_model=Page[LeaveRead])
async def list_leave(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
) -> Page[LeaveRead]:
    rows, total = await service.list_leave(
        session, principal=principal, status=status_filter, limit=paging.limit, offset=paging.offset
    )
    return Page(items=[_read(r) for r in rows], limit=paging.limit, offset=paging.offset, total=total)


@router.get("/{leave_id}", response_model=LeaveRead)
async def get_leave(leave_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> LeaveRead:
    return _read(await service.read(session, principal=principal, leave_id=leave_id))


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
    return _read(leave, gaps)


@router.post("/{leave_id}/reject", response_model=LeaveRead)
async def reject_leave(
    leave_id: uuid.UUID, data: LeaveRefusal, principal: CurrentPrincipal, session: DbSession, now: Now
) -> LeaveRead:
    return _read(await service.reject(session, principal=principal, leave_id=leave_id, reason=data.reason, now=now))


@router.post("/{leave_id}/withdraw", response_model=LeaveRead)
async def withdraw_leave(leave_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> LeaveRead:
    return _read(await service.withdraw(session, principal=principal, leave_id=leave_id, now=now))
