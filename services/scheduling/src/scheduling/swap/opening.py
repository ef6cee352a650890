"""Opening a swap: a request naming the counterpart's assignment, one filed by a team leader on behalf of two
members (SWP-8), and the swap an open-board offer opens when it is taken (SWP-7, `scheduling.offer`); each under
SWP-1, SWP-2, SWP-4 and SWP-5, expiring when the earlier shift starts (SWP-6)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.scheduling import SwapRequestedV1
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from scheduling import access
from scheduling.org.models import Employee
from scheduling.roster.models import Assignment, Shift
from scheduling.settings import Settings
from scheduling.swap import service as swaps
from scheduling.swap.eligibility import check_rules
from scheduling.swap.models import PENDING, Swap, SwapKind, SwapStatus
from scheduling.swap.schemas import SwapCreate


class TooLate(RuleViolation):
    rule = "SWP-2"


async def request(
    session: AsyncSession, *, principal: Principal, data: SwapCreate, settings: Settings, now: datetime
) -> Swap:
    """Open a swap request between one's own assignment and a colleague's; or, with `on_behalf`, a team
    leader files one between two members of their team, who each still consent (SWP-8)."""
    theirs = await swaps.assignment(session, data.counterpart_assignment_id)
    holder = principal.employee_id
    if data.on_behalf:
        holder = (await swaps.assignment(session, data.requester_assignment_id))[0].employee_id
    # Two requests on the same assignments would both pass the clash check below, and a leave approved
    # meanwhile would take an assignment off the roster after it was read as active: the two people first,
    # then their assignments as they now stand.
    await swaps.lock_people(session, [holder, theirs[0].employee_id])
    mine = await swaps.assignment(session, data.requester_assignment_id)
    theirs = await swaps.assignment(session, data.counterpart_assignment_id)
    if mine[0].employee_id != holder:
        if not data.on_behalf:
            raise Forbidden(t("You may only offer your own assignment in a swap."))
        raise Conflict(t("The roster changed meanwhile: send the request again."))
    requester = await access.employee(session, mine[0].employee_id)
    counterpart = await access.employee(session, theirs[0].employee_id)
    if data.on_behalf:
        access.require_swap_filer_on_behalf(principal, requester, counterpart)
    swap = await open_swap(
        session,
        requester=requester,
        counterpart=counterpart,
        mine=mine,
        theirs=theirs,
        settings=settings,
        now=now,
        note=data.note,
        filed_by=principal.employee_id if data.on_behalf else None,
    )
    if data.on_behalf:
        reason = f"Filed on behalf of {requester.name} and {counterpart.name}. {data.note}".strip()
        swaps.step(session, swap, "filed_on_behalf", principal.employee_id, now, reason)
    else:
        swaps.step(session, swap, "requested", principal.employee_id, now, data.note or None)
    await outbox.add(
        session,
        SwapRequestedV1(
            swap_id=swap.id,
            requester_id=swap.requester_id,
            counterpart_id=swap.counterpart_id,
            requester_assignment_id=swap.requester_assignment_id,
            counterpart_assignment_id=theirs[0].id,
            expires_at=swap.earliest_start,
            requested_at=now,
            filed_by=swap.filed_by,
        ),
        at=now,
    )
    await session.flush()
    return swap


async def open_swap(
    session: AsyncSession,
    *,
    requester: Employee,
    counterpart: Employee,
    mine: tuple[Assignment, Shift],
    theirs: tuple[Assignment, Shift] | None,
    settings: Settings,
    now: datetime,
    note: str = "",
    filed_by: uuid.UUID | None = None,
    offer_id: uuid.UUID | None = None,
) -> Swap:
    """A new pending swap of `mine` (the requester's) against `theirs` (the counterpart's; None: a give-away,
    SWP-7), under SWP-1, SWP-2, SWP-4 and SWP-5, expiring when the earlier shift starts (SWP-6). From an offer
    it is already accepted: taking it is the counterpart's registration (SWP-7). The callers hold the two
    people's locks and write the history's first line."""
    if not mine[0].active or (theirs is not None and not theirs[0].active):
        raise InvalidInput(t("Both assignments must be active."))
    if counterpart.id == requester.id:
        raise InvalidInput(t("A swap needs a colleague: the other assignment is yours too."))
    earliest = min(mine[1].starts_at, theirs[1].starts_at) if theirs is not None else mine[1].starts_at
    notice = timedelta(hours=settings.swap_notice_hours)
    if now > earliest - notice:
        raise TooLate(
            t(
                "A swap is requested at least {swap_notice_hours:g} h before the earlier shift, which "
                "starts {earliest_start}.",
                swap_notice_hours=settings.swap_notice_hours,
                earliest_start=earliest.astimezone(ZoneInfo(settings.timezone)).isoformat(),
            )
        )
    ids = [mine[0].id, *([theirs[0].id] if theirs is not None else [])]
    clash = await session.scalar(
        select(Swap.id).where(
            Swap.status.in_(PENDING),
            or_(Swap.requester_assignment_id.in_(ids), Swap.counterpart_assignment_id.in_(ids)),
        )
    )
    if clash is not None:
        raise Conflict(t("One of these assignments is already in the pending swap {clash}.", clash=clash))
    await check_rules(
        session,
        requester=requester,
        counterpart=counterpart,
        mine=mine,
        theirs=theirs,
        settings=settings,
        earliest=earliest,
    )
    approver = await access.superior_at_level(session, requester, settings.swap_approver_level)
    if approver is None:
        raise InvalidInput(
            t(
                "{name} has no manager at level {swap_approver_level} to approve swaps.",
                name=requester.name,
                swap_approver_level=settings.swap_approver_level,
            )
        )
    taken = offer_id is not None
    swap = Swap(
        id=uuid.uuid4(),
        requester_id=requester.id,
        counterpart_id=counterpart.id,
        requester_assignment_id=mine[0].id,
        counterpart_assignment_id=theirs[0].id if theirs is not None else None,
        kind=SwapKind.swap if theirs is not None else SwapKind.give_away,
        offer_id=offer_id,
        filed_by=filed_by,
        status=SwapStatus.accepted if taken else SwapStatus.requested,
        accepted_at=now if taken else None,
        requester_leader_id=requester.superior_id,
        counterpart_leader_id=counterpart.superior_id,
        approver_id=approver.id,
        earliest_start=earliest,
        on_holiday=await swaps.on_holiday(session, settings, *(s for _, s in (mine, *([theirs] if theirs else [])))),
        note=note,
        created_at=now,
        updated_at=now,
    )
    session.add(swap)
    await session.flush()
    await deadlines.schedule(session, kind=swaps.EXPIRE, ref_id=swap.id, due_at=earliest, now=now)
    return swap
