from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.inputs import Moment
from callcenter_shared.sorting import sort_description
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.org.names import with_names
from scheduling.settings import AppSettings
from scheduling.swap import lists, on_behalf, opening, service
from scheduling.swap.models import Swap, SwapStep
from scheduling.swap.schemas import (
    Awaiting,
    SwapApproval,
    SwapCreate,
    SwapEmergencyApproval,
    SwapRead,
    SwapRefusal,
    SwapSort,
    SwapStepRead,
)

router = APIRouter(prefix="/v1/swaps", tags=["swaps"])


async def _read(session: DbSession, swap: Swap) -> SwapRead:
    return await with_names(session, _view(swap, await service.history(session, swap.id)))


def _view(swap: Swap, steps: Sequence[SwapStep]) -> SwapRead:
    step, ids = service.awaiting(swap)
    return SwapRead(
        id=swap.id,
        status=swap.status,
        requester_id=swap.requester_id,
        counterpart_id=swap.counterpart_id,
        requester_assignment_id=swap.requester_assignment_id,
        counterpart_assignment_id=swap.counterpart_assignment_id,
        kind=swap.kind,
        offer_id=swap.offer_id,
        filed_by=swap.filed_by,
        requester_consented_at=swap.requester_consented_at,
        counterpart_consented_at=swap.counterpart_consented_at,
        emergency_approved_by=swap.emergency_approved_by,
        emergency_approved_at=swap.emergency_approved_at,
        emergency_reason=swap.emergency_reason,
        requester_leader_id=swap.requester_leader_id,
        counterpart_leader_id=swap.counterpart_leader_id,
        requester_leader_signed_at=swap.requester_leader_signed_at,
        counterpart_leader_signed_at=swap.counterpart_leader_signed_at,
        approver_id=swap.approver_id,
        accepted_at=swap.accepted_at,
        approved_at=swap.approved_at,
        expires_at=swap.earliest_start,
        on_holiday=swap.on_holiday,
        holiday_reason=swap.holiday_reason,
        note=swap.note,
        closed_by=swap.closed_by,
        closed_at=swap.closed_at,
        close_reason=swap.close_reason,
        reversed_by=swap.reversed_by,
        reversed_at=swap.reversed_at,
        reversal_reason=swap.reversal_reason,
        awaiting=Awaiting(step=step, employee_ids=ids),
        history=[SwapStepRead.model_validate(s) for s in steps],
        created_at=swap.created_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SwapRead,
    summary="Request a swap (SWP-1..5, ROS-5), or file one on behalf of two members (SWP-8)",
    description="An employee offers their own assignment (`requester_assignment_id`) for a colleague's. Refused "
    "naming the rule: another level (SWP-1), less than `SWAP_NOTICE_HOURS` before the earlier shift (SWP-2), a "
    "fourth swap in the month (SWP-4), an overlap, too little rest or an unqualified agent afterwards (SWP-5), or "
    "either person lacking a skill the shift they would work requires (ROS-5); the counterpart accepts next "
    "(SWP-3). With `on_behalf: true` a team leader files it between two members of their own team (an agent "
    "phoning in from hospital): it is recorded as filed on behalf (`filed_by`, and the history's first line), and "
    "each member consents (`POST /v1/swaps/{id}/accept`) unless the duty manager approves it as an emergency "
    "(SWP-8).",
)
async def request_swap(
    data: SwapCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> SwapRead:
    return await _read(
        session, await opening.request(session, principal=principal, data=data, settings=settings, now=now)
    )


@router.get(
    "",
    response_model=Page[SwapRead],
    summary="Swaps the caller may see",
    description="The caller's own swaps and those of the people they may see (ORG-2), and those waiting for their "
    "signature as a team leader; newest first unless `sort` says otherwise. `employee_id` keeps the swaps where "
    "that person is the requester or the counterpart; `from`/`to` bound the request time. Each person id comes "
    "with its `_name`.",
)
async def list_swaps(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
    employee_id: Annotated[uuid.UUID | None, Query(description="Requester or counterpart")] = None,
    created_from: Annotated[Moment | None, Query(alias="from", description="Requested at or after")] = None,
    created_before: Annotated[Moment | None, Query(alias="to", description="Requested before")] = None,
    sort: Annotated[SwapSort | None, Query(description=sort_description("-created_at"))] = None,
) -> Page[SwapRead]:
    rows, total = await lists.list_swaps(
        session,
        principal=principal,
        status=status_filter,
        employee_id=employee_id,
        created_from=created_from,
        created_before=created_before,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    steps = await lists.histories(session, [r.id for r in rows])
    page: Page[SwapRead] = Page(
        items=[_view(r, steps[r.id]) for r in rows], limit=paging.limit, offset=paging.offset, total=total
    )
    return await with_names(session, page)


@router.get("/{swap_id}", response_model=SwapRead)
async def get_swap(swap_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> SwapRead:
    """The two parties, their team leaders, the approver, those who see either party, and a team leader's deputy
    while the leader is on leave (LEV-7)."""
    return await _read(session, await service.read(session, principal=principal, swap_id=swap_id, now=now))


@router.post(
    "/{swap_id}/accept",
    response_model=SwapRead,
    summary="The counterpart accepts (SWP-3); a member consents to a swap filed on their behalf (SWP-8)",
    description="The counterpart named in the request accepts it (SWP-3). For a swap a team leader filed on behalf "
    "(SWP-8), each of the two members calls it to consent; the swap is accepted, and waits for the team leaders, "
    "when both have.",
)
async def accept_swap(swap_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> SwapRead:
    return await _read(session, await service.accept(session, principal=principal, swap_id=swap_id, now=now))


@router.post(
    "/{swap_id}/emergency-approve",
    response_model=SwapRead,
    summary="The duty manager approves a swap filed on behalf as an emergency (SWP-8)",
    description="For a swap a team leader filed on behalf of two members (SWP-8) that still waits for their "
    "consent: the duty manager of either shift (a level 3 manager when neither shift names one) approves it as an "
    "emergency, with a required `reason`, in place of the consents; the team leaders sign and the manager approves "
    "next (SWP-3). Any other swap is refused with SWP-8.",
)
async def approve_swap_emergency(
    swap_id: uuid.UUID, data: SwapEmergencyApproval, principal: CurrentPrincipal, session: DbSession, now: Now
) -> SwapRead:
    swap = await on_behalf.approve_emergency(session, principal=principal, swap_id=swap_id, reason=data.reason, now=now)
    return await _read(session, swap)


@router.post("/{swap_id}/sign", response_model=SwapRead, summary="A team leader signs (SWP-3)")
async def sign_swap(swap_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> SwapRead:
    """A team leader of either party signs, in any order (SWP-3). While a leader is on approved leave their deputy
    signs in their place, recorded in the history as acting for them (`acting_for_id`; LEV-7), never on a swap of
    their own (422 LEV-7). Anyone else: 403."""
    return await _read(session, await service.sign(session, principal=principal, swap_id=swap_id, now=now))


@router.post(
    "/{swap_id}/approve",
    response_model=SwapRead,
    summary="The manager approves; the roster changes",
    description="The department manager named on the request, once both leaders signed (SWP-3). The rules of the "
    "request are checked again as the roster now stands (SWP-1, SWP-4, SWP-5, ROS-5: a skill revoked since is "
    "refused); a shift on a public holiday needs `holiday_reason` (ROS-3).",
)
async def approve_swap(
    swap_id: uuid.UUID,
    data: SwapApproval,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> SwapRead:
    swap = await service.approve(
        session, principal=principal, swap_id=swap_id, holiday_reason=data.holiday_reason, settings=settings, now=now
    )
    return await _read(session, swap)


@router.post("/{swap_id}/reject", response_model=SwapRead, summary="Refuse at one's own step, with a reason")
async def reject_swap(
    swap_id: uuid.UUID, data: SwapRefusal, principal: CurrentPrincipal, session: DbSession, now: Now
) -> SwapRead:
    """Whoever's turn it is refuses: the counterpart, a team leader (or their deputy while they are on leave,
    LEV-7), the manager."""
    return await _read(
        session, await service.reject(session, principal=principal, swap_id=swap_id, reason=data.reason, now=now)
    )


@router.post("/{swap_id}/withdraw", response_model=SwapRead, summary="The requester withdraws (SWP-6)")
async def withdraw_swap(swap_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now) -> SwapRead:
    return await _read(session, await service.withdraw(session, principal=principal, swap_id=swap_id, now=now))


@router.post("/{swap_id}/reverse", response_model=SwapRead, summary="A manager reverses an approved swap")
async def reverse_swap(
    swap_id: uuid.UUID,
    data: SwapRefusal,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> SwapRead:
    swap = await service.reverse(
        session, principal=principal, swap_id=swap_id, reason=data.reason, settings=settings, now=now
    )
    return await _read(session, swap)
