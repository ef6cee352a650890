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
from scheduling.leave.schemas import (
    LeaveApproval,
    LeaveBalanceRead,
    LeaveCancellation,
    LeaveCreate,
    LeaveRead,
    LeaveRefusal,
    LeaveSort,
    ShiftGap,
)
from scheduling.org.names import with_names
from scheduling.settings import AppSettings

router = APIRouter(prefix="/v1/leave", tags=["leave"])


async def _read(session: DbSession, leave: Leave, gaps: list[dict[str, object]] | None = None) -> LeaveRead:
    return await with_names(session, _shown(leave, await service.waiting_positions(session, [leave]), gaps))


def _shown(leave: Leave, positions: dict[uuid.UUID, int], gaps: list[dict[str, object]] | None = None) -> LeaveRead:
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
        first_approved_by=leave.first_approved_by,
        first_acting_for_id=leave.first_acting_for_id,
        final_approver_id=leave.final_approver_id,
        deputy_id=leave.deputy_id,
        awaiting=service.awaiting(leave),
        on_holiday=leave.on_holiday,
        holiday_reason=leave.holiday_reason,
        hours_missed=leave.hours_missed,
        decided_by=leave.decided_by,
        decided_acting_for_id=leave.decided_acting_for_id,
        decided_at=leave.decided_at,
        decision_reason=leave.decision_reason,
        team_id=leave.team_id,
        hours_requested=leave.hours_requested,
        balance_year=leave.balance_year,
        waiting_position=positions.get(leave.id),
        promoted_at=leave.promoted_at,
        cancelled_by=leave.cancelled_by,
        cancel_reason=leave.cancel_reason,
        coverage_gaps=[ShiftGap.model_validate(g) for g in gaps or []],
    )


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=LeaveRead, summary="Request leave (LEV-1, 2, 4, 5, 6)"
)
async def request_leave(
    data: LeaveCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> LeaveRead:
    """Any employee asks for their own leave. Annual leave beyond the balance is refused (LEV-5, 422); a request
    that finds the team's cap reached in one of its shifts is created `waiting`, with its `waiting_position` (LEV-6)."""
    return await _read(
        session, await service.request(session, principal=principal, data=data, settings=settings, now=now)
    )


@router.get("", response_model=Page[LeaveRead])
async def list_leave(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    now: Now,
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
        now=now,
    )
    positions = await service.waiting_positions(session, rows)
    page: Page[LeaveRead] = Page(
        items=[_shown(r, positions) for r in rows], limit=paging.limit, offset=paging.offset, total=total
    )
    return await with_names(session, page)


@router.get("/balance", response_model=LeaveBalanceRead, summary="A person's annual-leave balance (LEV-5)")
async def leave_balance(
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    employee_id: Annotated[uuid.UUID | None, Query(description="Whose balance; the caller's own by default")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="The year; the current one by default")] = None,
) -> LeaveBalanceRead:
    """The yearly entitlement by tenure, the hours carried over, taken and reserved, and what is left (LEV-5).

    The person sees their own; a team leader their team's and everyone below them; level 3 and above anyone's.
    """
    found = await service.balance_for(
        session, principal=principal, employee_id=employee_id, year=year, settings=settings, now=now
    )
    balance = LeaveBalanceRead(
        employee_id=found.employee_id,
        year=found.year,
        tenure_years=found.tenure_years,
        entitlement_hours=found.entitlement_hours,
        carried_over_hours=found.carried_over_hours,
        taken_hours=found.taken_hours,
        reserved_hours=found.reserved_hours,
        remaining_hours=found.remaining_hours,
        available_hours=found.available_hours,
    )
    return await with_names(session, balance)


@router.get("/{leave_id}", response_model=LeaveRead)
async def get_leave(leave_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> LeaveRead:
    """The requester and those who see them, its approvers, and the deputy of an approver on leave (LEV-7)."""
    return await _read(session, await service.read(session, principal=principal, leave_id=leave_id, now=now))


@router.post(
    "/{leave_id}/approve",
    response_model=LeaveRead,
    summary="Approve at one's step; the final approval frees the shifts and reports the gaps (LEV-3, 5, 6)",
)
async def approve_leave(
    leave_id: uuid.UUID,
    data: LeaveApproval,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> LeaveRead:
    """The approver whose turn it is (LEV-1): the team leader, then the department head. While a team leader is on
    approved leave their deputy approves in their place, recorded as acting for them (`first_acting_for_id`,
    `decided_acting_for_id`; LEV-7), never their own request (422 LEV-7). Out of turn: 422 LEV-1; anyone else: 403."""
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
    leave_id: uuid.UUID,
    data: LeaveRefusal,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> LeaveRead:
    """The approver whose turn it is refuses, with a reason; the places it held go to the first waiting (LEV-6).
    A team leader's deputy refuses for them while they are on leave (LEV-7)."""
    leave = await service.reject(
        session, principal=principal, leave_id=leave_id, reason=data.reason, settings=settings, now=now
    )
    return await _read(session, leave)


@router.post("/{leave_id}/withdraw", response_model=LeaveRead)
async def withdraw_leave(
    leave_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> LeaveRead:
    """The requester withdraws an undecided or waiting request; the places it held go to the first waiting (LEV-6)."""
    leave = await service.withdraw(session, principal=principal, leave_id=leave_id, settings=settings, now=now)
    return await _read(session, leave)


@router.post(
    "/{leave_id}/cancel", response_model=LeaveRead, summary="Cancel approved leave before it starts (LEV-5, LEV-6)"
)
async def cancel_leave(
    leave_id: uuid.UUID,
    data: LeaveCancellation,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> LeaveRead:
    """The requester, or the approver who gave the final approval, cancels approved leave that has not started,
    with a reason. Annual leave's hours go back to the balance (LEV-5); its places under the team's cap go to
    the first waiting request (LEV-6); `leave.cancelled` carries `hours_restored` for payroll. The person is not
    put back on the shifts the leave freed: the team leader re-rosters them (ROS-4). Anyone else: 403; leave that
    is not approved, or has begun: 409."""
    leave = await service.cancel(
        session, principal=principal, leave_id=leave_id, reason=data.reason, settings=settings, now=now
    )
    return await _read(session, leave)
