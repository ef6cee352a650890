"""The open shift board (SWP-7): offer one's own assignment to anyone eligible, to swap or to give away; the
first eligible taker becomes the counterpart of a swap that follows SWP-3's approvals; offers expire when
their shift starts (SWP-6)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.scheduling import SwapOfferPostedV1, SwapOfferTakenV1
from callcenter_shared.db import get_or_404
from callcenter_shared.deadlines import Due
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from scheduling import access
from scheduling.offer import closing
from scheduling.offer.models import OfferStatus, SwapOffer
from scheduling.offer.schemas import OfferCreate, OfferTake
from scheduling.org.models import Employee
from scheduling.roster.models import Assignment, Shift
from scheduling.settings import Settings
from scheduling.swap import eligibility, opening
from scheduling.swap import service as swaps
from scheduling.swap.models import PENDING, Swap, SwapKind


@dataclass
class Listing:
    """An offer as the caller sees it: its shift, and whether (and for which of their assignments) they may take it."""

    offer: SwapOffer
    shift: Shift
    may_take: bool = False
    assignments_to_give: list[uuid.UUID] = field(default_factory=list)


async def get(session: AsyncSession, offer_id: uuid.UUID, *, lock: bool = False) -> SwapOffer:
    return await get_or_404(
        session, SwapOffer, offer_id, missing=t("Offer {offer_id} does not exist.", offer_id=offer_id), lock=lock
    )


def _notice(settings: Settings) -> timedelta:
    return timedelta(hours=settings.swap_notice_hours)


async def _busy(session: AsyncSession, assignment_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Of these assignments, those already in a pending swap or open on the board."""
    if not assignment_ids:
        return set()
    in_swaps = select(Swap.requester_assignment_id, Swap.counterpart_assignment_id).where(
        Swap.status.in_(PENDING),
        or_(Swap.requester_assignment_id.in_(assignment_ids), Swap.counterpart_assignment_id.in_(assignment_ids)),
    )
    busy = {i for row in (await session.execute(in_swaps)).all() for i in row if i is not None}
    offered = select(SwapOffer.assignment_id).where(
        SwapOffer.status == OfferStatus.open, SwapOffer.assignment_id.in_(assignment_ids)
    )
    return (busy | set((await session.scalars(offered)).all())) & set(assignment_ids)


async def post(
    session: AsyncSession, *, principal: Principal, data: OfferCreate, settings: Settings, now: datetime
) -> Listing:
    """Offer one's own assignment on the board (SWP-7), at least the swap notice before its shift (SWP-2)."""
    # The offerer first, as a swap request locks them: two offers (or an offer and a request) of the same
    # assignment then apply one after the other, and the second sees the first.
    await swaps.lock_people(session, [principal.employee_id])
    mine, shift = await swaps.assignment(session, data.assignment_id)
    if mine.employee_id != principal.employee_id:
        raise Forbidden(t("You may only offer your own assignment on the board."))
    if not mine.active:
        raise InvalidInput(t("The assignment is no longer active."))
    if now > shift.starts_at - _notice(settings):
        raise opening.TooLate(
            t(
                "An offer is posted at least {swap_notice_hours:g} h before its shift, which starts {starts_at}: "
                "the swap a taker opens must be requested that early.",
                swap_notice_hours=settings.swap_notice_hours,
                starts_at=shift.starts_at.astimezone(ZoneInfo(settings.timezone)).isoformat(),
            )
        )
    if await _busy(session, [mine.id]):
        raise Conflict(t("The assignment is already in a pending swap or on the board."))
    if data.kind == SwapKind.give_away:
        await eligibility.check_give_away_headcount(session, shift)
    offer = SwapOffer(
        id=uuid.uuid4(),
        offerer_id=principal.employee_id,
        assignment_id=mine.id,
        shift_id=shift.id,
        kind=data.kind,
        status=OfferStatus.open,
        note=data.note,
        expires_at=shift.starts_at,
        created_at=now,
        updated_at=now,
    )
    session.add(offer)
    await session.flush()
    await deadlines.schedule(session, kind=closing.EXPIRE, ref_id=offer.id, due_at=shift.starts_at, now=now)
    await outbox.add(
        session,
        SwapOfferPostedV1(
            offer_id=offer.id,
            offerer_id=offer.offerer_id,
            assignment_id=offer.assignment_id,
            shift_id=shift.id,
            kind=data.kind,
            expires_at=offer.expires_at,
            posted_at=now,
        ),
        at=now,
    )
    return Listing(offer, shift)


async def _givable(
    session: AsyncSession, taker: Employee, settings: Settings, now: datetime
) -> list[tuple[Assignment, Shift]]:
    """The taker's assignments they could give in return: active, far enough ahead (SWP-2), not already in a
    pending swap or on the board."""
    rows = (
        await session.execute(
            select(Assignment, Shift)
            .join(Shift, Shift.id == Assignment.shift_id)
            .where(
                Assignment.employee_id == taker.id,
                Assignment.active.is_(True),
                Shift.starts_at > now + _notice(settings),
            )
            .order_by(Shift.starts_at)
        )
    ).all()
    busy = await _busy(session, [a.id for a, _ in rows])
    return [(a, s) for a, s in rows if a.id not in busy]


async def takeable(
    session: AsyncSession,
    taker: Employee,
    offer: SwapOffer,
    settings: Settings,
    now: datetime,
    givable: list[tuple[Assignment, Shift]] | None = None,
) -> list[uuid.UUID] | None:
    """Whether `taker` may take the open offer now, under every rule its swap would be checked by (SWP-1, SWP-2,
    SWP-4, SWP-5, SWP-7; `eligibility.check_may_work` for each person): None when not; else, for a `swap` offer,
    the taker's assignments that may be given in return (none fits: None), and for a give-away an empty list.
    `givable`: the taker's assignments that could be given back, when the caller has read them already."""
    if offer.status != OfferStatus.open or offer.offerer_id == taker.id:
        return None
    if now > offer.expires_at - _notice(settings):
        return None
    offerer = await access.employee(session, offer.offerer_id)
    if offerer.level != taker.level:
        return None
    mine = await swaps.assignment(session, offer.assignment_id)
    candidates: list[tuple[Assignment, Shift] | None] = [None]
    if offer.kind == SwapKind.swap:
        candidates = list(givable if givable is not None else await _givable(session, taker, settings, now))
    fitting: list[uuid.UUID] = []
    for theirs in candidates:
        earliest = min(mine[1].starts_at, theirs[1].starts_at) if theirs else mine[1].starts_at
        try:
            await eligibility.check_rules(
                session,
                requester=offerer,
                counterpart=taker,
                mine=mine,
                theirs=theirs,
                settings=settings,
                earliest=earliest,
            )
        except RuleViolation:
            continue
        if theirs is None:
            return []
        fitting.append(theirs[0].id)
    return fitting or None


async def board(
    session: AsyncSession,
    *,
    principal: Principal,
    status: str | None,
    settings: Settings,
    now: datetime,
) -> list[Listing]:
    """The board as the caller sees it: the open offers they may take now, and their own offers (`status`
    narrows both); soonest shift first."""
    me = await access.employee(session, principal.employee_id)
    own = select(SwapOffer).where(SwapOffer.offerer_id == me.id)
    if status is not None:
        own = own.where(SwapOffer.status == status)
    offers = list((await session.scalars(own)).all())
    takeable_ids: dict[uuid.UUID, list[uuid.UUID]] = {}
    if status in (None, OfferStatus.open):
        # Only offers of the caller's level (SWP-1) whose swap could still be requested in time (SWP-2) are
        # checked one by one against the rest of the rules.
        open_offers = (
            await session.scalars(
                select(SwapOffer)
                .join(Employee, Employee.id == SwapOffer.offerer_id)
                .where(
                    SwapOffer.status == OfferStatus.open,
                    SwapOffer.offerer_id != me.id,
                    SwapOffer.expires_at > now + _notice(settings),
                    Employee.level == me.level,
                )
            )
        ).all()
        givable = await _givable(session, me, settings, now) if open_offers else []
        for offer in open_offers:
            gives = await takeable(session, me, offer, settings, now, givable)
            if gives is not None:
                takeable_ids[offer.id] = gives
                offers.append(offer)
    shifts = await _shifts(session, [o.shift_id for o in offers])
    listings = [Listing(o, shifts[o.shift_id], o.id in takeable_ids, takeable_ids.get(o.id, [])) for o in offers]
    return sorted(listings, key=lambda item: (item.offer.expires_at, item.offer.created_at, item.offer.id))


async def _shifts(session: AsyncSession, shift_ids: list[uuid.UUID]) -> dict[uuid.UUID, Shift]:
    if not shift_ids:
        return {}
    return {s.id: s for s in (await session.scalars(select(Shift).where(Shift.id.in_(set(shift_ids))))).all()}


async def read(
    session: AsyncSession, *, principal: Principal, offer_id: uuid.UUID, settings: Settings, now: datetime
) -> Listing:
    """One offer: for its offerer and taker, for whoever may take it now, and for those who see the offerer (ORG-2)."""
    offer = await get(session, offer_id)
    me = await access.employee(session, principal.employee_id)
    gives = await takeable(session, me, offer, settings, now)
    if me.id not in (offer.offerer_id, offer.taker_id) and gives is None:
        await access.require_visible(session, principal, offer.offerer_id)
    return Listing(offer, (await _shifts(session, [offer.shift_id]))[offer.shift_id], gives is not None, gives or [])


async def take(
    session: AsyncSession,
    *,
    principal: Principal,
    offer_id: uuid.UUID,
    data: OfferTake,
    settings: Settings,
    now: datetime,
) -> Listing:
    """The first eligible taker becomes the counterpart of a swap, already accepted, that waits for the team
    leaders (SWP-7, SWP-3); anyone after them finds the offer taken (409)."""
    me = principal.employee_id
    unlocked = await get(session, offer_id)
    if unlocked.offerer_id == me:
        raise InvalidInput(t("You cannot take your own offer."))
    # The people first, as every change of their roster locks them, then the offer as it now stands: of two
    # takers the second waits here and finds it taken.
    await swaps.lock_people(session, [unlocked.offerer_id, me])
    offer = await get(session, offer_id, lock=True)
    if offer.status == OfferStatus.taken:
        raise Conflict(t("Someone else took the offer first."))
    if offer.status != OfferStatus.open:
        raise Conflict(t("The offer is {status}.", status=offer.status))
    if now >= offer.expires_at:
        raise swaps.NoLongerOpen(t("The shift has started: the offer has expired."))
    if offer.kind == SwapKind.swap and data.assignment_id is None:
        raise InvalidInput(
            t("Taking an offer to swap names the assignment you give in return (assignment_id)."),
            errors=[{"path": "body.assignment_id", "message": "required for a swap", "type": "missing"}],
        )
    if offer.kind == SwapKind.give_away and data.assignment_id is not None:
        raise InvalidInput(
            t("A give-away takes nothing in return: send no assignment_id."),
            errors=[{"path": "body.assignment_id", "message": "not for a give-away", "type": "value_error"}],
        )
    mine = await swaps.assignment(session, offer.assignment_id)
    theirs = await swaps.assignment(session, data.assignment_id) if data.assignment_id is not None else None
    if theirs is not None and theirs[0].employee_id != me:
        raise Forbidden(t("You may only give your own assignment in return."))
    if mine[0].employee_id != offer.offerer_id:
        raise Conflict(t("The roster changed since the offer: the assignment is no longer the offerer's."))
    swap = await opening.open_swap(
        session,
        requester=await access.employee(session, offer.offerer_id),
        counterpart=await access.employee(session, me),
        mine=mine,
        theirs=theirs,
        settings=settings,
        now=now,
        note=offer.note,
        offer_id=offer.id,
    )
    swaps.step(session, swap, "offered", offer.offerer_id, offer.created_at, offer.note or None)
    swaps.step(session, swap, "taken", me, now, None)
    offer.status = OfferStatus.taken
    offer.taker_id = me
    offer.taker_assignment_id = theirs[0].id if theirs is not None else None
    offer.swap_id = swap.id
    offer.taken_at = now
    offer.updated_at = now
    await deadlines.cancel(session, ref_id=offer.id, now=now, kind=closing.EXPIRE)
    await outbox.add(
        session,
        SwapOfferTakenV1(
            offer_id=offer.id,
            swap_id=swap.id,
            offerer_id=offer.offerer_id,
            taker_id=me,
            kind=offer.kind,
            assignment_id=offer.assignment_id,
            taker_assignment_id=offer.taker_assignment_id,
            taken_at=now,
        ),
        at=now,
    )
    await session.flush()
    return Listing(offer, mine[1])


async def cancel(session: AsyncSession, *, principal: Principal, offer_id: uuid.UUID, now: datetime) -> Listing:
    """The offerer takes their open offer off the board."""
    offer = await get(session, offer_id, lock=True)
    if offer.offerer_id != principal.employee_id:
        raise Forbidden(t("Only the offerer may withdraw an offer."))
    if offer.status != OfferStatus.open:
        raise Conflict(t("The offer is {status}.", status=offer.status))
    await closing.cancel(session, offer, by=principal.employee_id, reason="Withdrawn by the offerer.", now=now)
    return Listing(offer, (await _shifts(session, [offer.shift_id]))[offer.shift_id])


async def expire(session: AsyncSession, due: Due, now: datetime) -> None:
    """Deadline handler: an offer still open when its shift starts expires (SWP-7, SWP-6)."""
    offer = await session.scalar(
        select(SwapOffer)
        .where(SwapOffer.id == uuid.UUID(due.ref_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if offer is not None and offer.status == OfferStatus.open:
        await closing.expire(session, offer, now)
