from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.paging import page_of_list
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.offer import service
from scheduling.offer.schemas import OfferCreate, OfferRead, OfferStatusName, OfferTake
from scheduling.org.names import with_names
from scheduling.settings import AppSettings

router = APIRouter(prefix="/v1/swap-offers", tags=["swaps"])


def _view(listing: service.Listing) -> OfferRead:
    offer, shift = listing.offer, listing.shift
    return OfferRead(
        id=offer.id,
        status=offer.status,
        kind=offer.kind,
        offerer_id=offer.offerer_id,
        assignment_id=offer.assignment_id,
        shift_id=shift.id,
        shift_name=shift.name,
        team_id=shift.team_id,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        note=offer.note,
        expires_at=offer.expires_at,
        may_take=listing.may_take,
        assignments_to_give=listing.assignments_to_give,
        taker_id=offer.taker_id,
        taker_assignment_id=offer.taker_assignment_id,
        swap_id=offer.swap_id,
        taken_at=offer.taken_at,
        closed_by=offer.closed_by,
        closed_at=offer.closed_at,
        close_reason=offer.close_reason,
        created_at=offer.created_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OfferRead,
    summary="Offer one's own shift on the open board (SWP-7)",
    description="Any employee offers one of their own assignments to anyone eligible, instead of naming a "
    "counterpart: `kind: swap` (the taker gives one of their assignments in return) or `give_away` (nothing in "
    "return; refused with SWP-7 when the shift would fall below its head-count counting the giver as leaving and "
    "nobody arriving). Posted at least `SWAP_NOTICE_HOURS` before the shift (SWP-2); an assignment already in a "
    "pending swap or on the board is refused (409). The offer expires when the shift starts (SWP-6).",
)
async def post_swap_offer(
    data: OfferCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> OfferRead:
    listing = await service.post(session, principal=principal, data=data, settings=settings, now=now)
    return await with_names(session, _view(listing))


@router.get(
    "",
    response_model=Page[OfferRead],
    summary="The open shift board: offers the caller may take, and their own (SWP-7)",
    description="Any employee. The open offers the caller may take now, checked by every rule the swap would be: "
    "the same level (SWP-1), in time (SWP-2), the monthly limit (SWP-4), no overlap, enough rest, qualified and on "
    "post (SWP-5), a give-away's head-count (SWP-7); for a `swap` offer, `assignments_to_give` lists the caller's "
    "assignments that fit in return. The caller's own offers are listed too (`may_take` false). `status` narrows "
    "both. Soonest shift first; each person id comes with its `_name`.",
)
async def list_swap_offers(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    now: Now,
    settings: AppSettings,
    status_filter: Annotated[OfferStatusName | None, Query(alias="status")] = None,
) -> Page[OfferRead]:
    listings = await service.board(session, principal=principal, status=status_filter, settings=settings, now=now)
    page = page_of_list([_view(item) for item in listings], limit=paging.limit, offset=paging.offset)
    return await with_names(session, page)


@router.get(
    "/{offer_id}",
    response_model=OfferRead,
    summary="One offer of the board (SWP-7)",
    description="The offerer, the taker, anyone who may take it now, and those who see the offerer (their team "
    "leader and level 3 and above, ORG-2).",
)
async def get_swap_offer(
    offer_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> OfferRead:
    listing = await service.read(session, principal=principal, offer_id=offer_id, settings=settings, now=now)
    return await with_names(session, _view(listing))


@router.post(
    "/{offer_id}/take",
    response_model=OfferRead,
    summary="Take an offer: the first eligible taker becomes the counterpart (SWP-7)",
    description="Any employee eligible to take it (same level SWP-1, in time SWP-2, monthly limit SWP-4, no overlap "
    "or short rest and qualified SWP-5, a give-away's head-count SWP-7). For a `swap` offer name the assignment "
    "given in return (`assignment_id`); a give-away takes none. The first taker wins: the offer is locked, and "
    "anyone after finds it taken (409). Taking opens a swap (`swap_id`), already accepted by the taker, that the "
    "team leaders sign and the manager approves (SWP-3); the roster changes only then.",
)
async def take_swap_offer(
    offer_id: uuid.UUID,
    data: OfferTake,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> OfferRead:
    listing = await service.take(session, principal=principal, offer_id=offer_id, data=data, settings=settings, now=now)
    return await with_names(session, _view(listing))


@router.post(
    "/{offer_id}/cancel",
    response_model=OfferRead,
    summary="The offerer withdraws an open offer (SWP-7)",
    description="Only the offerer, while the offer is open (409 once taken, cancelled or expired).",
)
async def cancel_swap_offer(
    offer_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now
) -> OfferRead:
    listing = await service.cancel(session, principal=principal, offer_id=offer_id, now=now)
    return await with_names(session, _view(listing))
