from __future__ import annotations

import uuid
from typing import Annotated, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.inputs import Day, Moment
from callcenter_shared.names import with_names
from callcenter_shared.sorting import sort_description
from callcenter_shared.web import DbSession, Now, Page, Paging, json_page
from recognition.award import honor_wall, letter, nomination, service
from recognition.award.schemas import (
    AwardCreate,
    AwardRead,
    GrantRead,
    LetterDecline,
    LetterRead,
    LetterRequest,
    LetterSort,
    NominationCreate,
    NominationDecision,
    NominationRead,
    NominationSort,
    PoolCreate,
    PoolRead,
)
from recognition.settings import AppSettings

router = APIRouter(prefix="/v1", tags=["awards"])


@router.get("/awards", response_model=Page[AwardRead], summary="The award catalog (REC-1)")
async def list_awards(_principal: CurrentPrincipal, session: DbSession, paging: Paging) -> Page[AwardRead]:
    rows, total = await service.list_awards(session, limit=paging.limit, offset=paging.offset)
    items = [AwardRead.model_validate(a) for a in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.post("/awards", status_code=status.HTTP_201_CREATED, response_model=AwardRead)
async def create_award(data: AwardCreate, principal: CurrentPrincipal, session: DbSession, now: Now) -> AwardRead:
    return AwardRead.model_validate(await service.create_award(session, principal=principal, data=data, now=now))


@router.post(
    "/nominations",
    status_code=status.HTTP_201_CREATED,
    response_model=NominationRead,
    summary="Nominate a colleague or a team for an award (REC-2)",
)
async def create_nomination(
    data: NominationCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> NominationRead:
    return await nomination.nominate(session, principal=principal, data=data, now=now)


@router.get(
    "/nominations",
    response_model=Page[NominationRead],
    summary="Nominations the caller may see",
    description="Those the caller made, and those about people (or the team) the caller may see; newest first "
    "unless `sort` says otherwise. Filter by `status`, `award_id`, `nominee_id`, `team_id` and the creation "
    "time (`from`/`to`).",
)
async def list_nominations(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_: Annotated[Literal["pending", "approved", "rejected"] | None, Query(alias="status")] = None,
    award_id: Annotated[uuid.UUID | None, Query()] = None,
    nominee_id: Annotated[uuid.UUID | None, Query()] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Nominations of this team (a team award)")] = None,
    created_from: Annotated[Moment | None, Query(alias="from", description="Made at or after")] = None,
    created_before: Annotated[Moment | None, Query(alias="to", description="Made before")] = None,
    sort: Annotated[NominationSort | None, Query(description=sort_description("-created_at"))] = None,
) -> Page[NominationRead]:
    rows, total = await service.list_nominations(
        session,
        principal=principal,
        status=status_,
        award_id=award_id,
        nominee_id=nominee_id,
        team_id=team_id,
        created_from=created_from,
        created_before=created_before,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    items = [NominationRead.model_validate(r) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get(
    "/nominations/{nomination_id}",
    response_model=NominationRead,
    summary="One nomination",
    description="Shown to whoever sees it in `GET /v1/nominations`: its nominator, and those who see the nominee "
    "or lead the team; anyone else gets 403.",
)
async def get_nomination(nomination_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> NominationRead:
    nomination = await service.read_nomination(session, principal=principal, nomination_id=nomination_id)
    return await with_names(session, NominationRead.model_validate(nomination))


@router.post(
    "/nominations/{nomination_id}/approve",
    response_model=NominationRead,
    summary="Approve at the award's level (or above in the nominee's chain): grants the award (REC-2)",
)
async def approve_nomination(
    nomination_id: uuid.UUID, data: NominationDecision, principal: CurrentPrincipal, session: DbSession, now: Now
) -> NominationRead:
    """Someone at the award's level or above in the nominee's chain approves (REC-2); while a team leader is on
    approved leave, the deputy holding the team's affairs decides for them, recorded as acting for them
    (`acting_for_id`, LEV-7), never a nomination of their own. Anyone else: 422 REC-2."""
    nomination = await service.approve(
        session, principal=principal, nomination_id=nomination_id, note=data.note, amount=data.amount, now=now
    )
    return await with_names(session, NominationRead.model_validate(nomination))


@router.post("/nominations/{nomination_id}/reject", response_model=NominationRead)
async def reject_nomination(
    nomination_id: uuid.UUID, data: NominationDecision, principal: CurrentPrincipal, session: DbSession, now: Now
) -> NominationRead:
    """Declined with a note, by whoever may approve it (REC-2), or a team leader's deputy while they are on leave
    (LEV-7)."""
    nomination = await service.reject(
        session, principal=principal, nomination_id=nomination_id, note=data.note, now=now
    )
    return await with_names(session, NominationRead.model_validate(nomination))


@router.get(
    "/honor-wall",
    response_model=Page[GrantRead],
    summary="Every grant with its reason, criteria and data (REC-2, REC-10); amounts only for the recipient's chain",
)
async def get_honor_wall(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    team_id: uuid.UUID | None = None,
    award_id: uuid.UUID | None = None,
    from_date: Day | None = None,
    to_date: Day | None = None,
) -> Response:
    items, total = await honor_wall.page(
        session,
        principal,
        team_id=team_id,
        award_id=award_id,
        from_date=from_date,
        to_date=to_date,
        limit=paging.limit,
        offset=paging.offset,
    )
    return json_page(items, limit=paging.limit, offset=paging.offset, total=total)


@router.get("/grants/{grant_id}", response_model=GrantRead)
async def get_grant(grant_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> GrantRead:
    [view] = await service.grant_views(session, principal, [await service.get_grant(session, grant_id)])
    return await with_names(session, view)


@router.post(
    "/pools",
    status_code=status.HTTP_201_CREATED,
    response_model=PoolRead,
    summary="Split a material award pool across a team by performance; an even split is refused (REC-4)",
)
async def split_pool(data: PoolCreate, principal: CurrentPrincipal, session: DbSession, now: Now) -> PoolRead:
    pool, grants = await service.split_pool(session, principal=principal, data=data, now=now)
    return await with_names(
        session,
        PoolRead(
            id=pool.id,
            award_id=pool.award_id,
            team_id=pool.team_id,
            total_amount=pool.total_amount,
            basis=pool.basis,
            grants=await service.grant_views(session, principal, grants),
        ),
    )


@router.post(
    "/grants/{grant_id}/letter",
    status_code=status.HTTP_201_CREATED,
    response_model=LetterRead,
    summary="Ask a senior manager to sign a letter of praise for a grant (REC-8, REC-11)",
    description=(
        "For the recipient, their chain of superiors and level 3 and above. The signer must be an L4 or L5 "
        "still with the company (REC-8). The letter then waits for the signer (a `letter.sign` task in "
        "`GET /v1/tasks/mine`); no document exists until they sign it (REC-11). Honours `Idempotency-Key`."
    ),
)
async def request_letter(
    grant_id: uuid.UUID, data: LetterRequest, principal: CurrentPrincipal, session: DbSession, now: Now
) -> LetterRead:
    requested = await letter.request_letter(
        session, principal=principal, grant_id=grant_id, signer_id=data.signer_id, achievement=data.achievement, now=now
    )
    return await with_names(session, LetterRead.model_validate(requested))


@router.get(
    "/letters",
    response_model=Page[LetterRead],
    summary="Letters of praise the caller signs, asked for or may read (REC-8, REC-11)",
    description="A signer's letters, those the caller requested, and those for people (or the team) the caller "
    "sees: the recipient, their chain of superiors, level 3 and above everyone's. `to_sign=true` keeps the "
    "letters naming the caller as signer (with `status=awaiting_signature`, the signing queue). Newest request "
    "first unless `sort` says otherwise.",
)
async def list_letters(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_: Annotated[Literal["awaiting_signature", "signed", "declined"] | None, Query(alias="status")] = None,
    to_sign: Annotated[bool, Query(description="Only the letters the caller is named to sign")] = False,
    sort: Annotated[LetterSort | None, Query(description=sort_description("-requested_at"))] = None,
) -> Page[LetterRead]:
    rows, total = await letter.list_letters(
        session,
        principal=principal,
        status=status_,
        to_sign=to_sign,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    items = [LetterRead.model_validate(row) for row in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get(
    "/letters/{letter_id}",
    response_model=LetterRead,
    summary="A letter of praise and where it stands (REC-11)",
    description="For its signer, the recipient, their chain of superiors and level 3 and above.",
)
async def get_letter(letter_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> LetterRead:
    return await with_names(
        session, LetterRead.model_validate(await letter.get_letter(session, principal=principal, letter_id=letter_id))
    )


@router.post(
    "/letters/{letter_id}/sign",
    response_model=LetterRead,
    summary="The named signer signs the letter: its PDF is made now, dated today (REC-11)",
    description=(
        "Only the senior manager the letter names (403 for anyone else). Refused (REC-11) unless the letter "
        "awaits signature, and (REC-8) when the signer is no longer senior management."
    ),
)
async def sign_letter(
    letter_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> LetterRead:
    signed = await letter.sign_letter(
        session,
        principal=principal,
        letter_id=letter_id,
        now=now,
        today=now.astimezone(ZoneInfo(settings.timezone)).date(),
        font_path=settings.letter_font_path,
    )
    return await with_names(session, LetterRead.model_validate(signed))


@router.post(
    "/letters/{letter_id}/decline",
    response_model=LetterRead,
    summary="The named signer declines to sign the letter, with a reason (REC-11)",
    description="Only the senior manager the letter names; refused (REC-11) unless the letter awaits signature.",
)
async def decline_letter(
    letter_id: uuid.UUID, data: LetterDecline, principal: CurrentPrincipal, session: DbSession, now: Now
) -> LetterRead:
    declined = await letter.decline_letter(
        session, principal=principal, letter_id=letter_id, reason=data.reason, now=now
    )
    return await with_names(session, LetterRead.model_validate(declined))


@router.get(
    "/letters/{letter_id}/document",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The signed letter of praise as PDF"}},
    summary="The signed letter as PDF, fonts embedded (REC-8, REC-11)",
    description=(
        "For its signer, the recipient, their chain of superiors and level 3 and above. Refused (REC-11) "
        "while the letter awaits signature or after it was declined."
    ),
)
async def get_letter_document(letter_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Response:
    pdf, filename = await letter.letter_document(session, principal=principal, letter_id=letter_id)
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f"attachment; filename={quote(filename)}"}
    )
