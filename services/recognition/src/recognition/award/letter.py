"""Letters of praise: requested naming a senior signer, signed by that signer, only then a document
(REC-8, REC-11).

A request names the grant and a senior manager (L4/L5); the letter waits for that signer (a
`letter.sign` task). The signer signs, which renders the PDF once and keeps it as signed, or
declines with a reason. Before it is signed no document exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.recognition import LetterDeclinedV1, LetterRequestedV1, LetterSignedV1
from callcenter_shared.db import get_for_update, get_or_404
from callcenter_shared.errors import InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.levels import Level
from callcenter_shared.org import Person, get_person, org_team
from callcenter_shared.paging import paginate
from callcenter_shared.sorting import order_by
from recognition import access
from recognition.award.letter_pdf import render_letter
from recognition.award.models import Grant, Letter, LetterStatus
from recognition.award.service import get_award, get_grant


class SignerNotSenior(RuleViolation):
    rule = "REC-8"


class LetterNotSigned(RuleViolation):
    rule = "REC-11"


def _require_senior(signer: Person) -> None:
    if not access.may_sign_letters(signer):
        senior, executive = int(access.SENIOR), int(Level.EXECUTIVE_IN_CHARGE)
        if signer.active:
            detail = t(
                "Letters of praise are signed by senior management (level {senior} or {executive}, still with "
                "the company); {name} is level {level}.",
                senior=senior,
                executive=executive,
                name=signer.name,
                level=signer.level,
            )
        else:
            detail = t(
                "Letters of praise are signed by senior management (level {senior} or {executive}, still with "
                "the company); {name} is level {level} and has left.",
                senior=senior,
                executive=executive,
                name=signer.name,
                level=signer.level,
            )
        raise SignerNotSenior(detail)


async def _require_reader(session: AsyncSession, principal: Principal, grant: Grant) -> None:
    await access.require_letter_reader(
        session, principal, employee_id=grant.recipient_id, team_id=grant.team_id if not grant.recipient_id else None
    )


async def request_letter(
    session: AsyncSession,
    *,
    principal: Principal,
    grant_id: uuid.UUID,
    signer_id: uuid.UUID,
    achievement: str | None,
    now: datetime,
) -> Letter:
    """Ask `signer_id` to sign a letter for a grant: for the recipient, their chain, or level 3 and above."""
    grant = await get_grant(session, grant_id)
    await _require_reader(session, principal, grant)
    _require_senior(await get_person(session, signer_id))
    letter = Letter(
        id=uuid.uuid4(),
        grant_id=grant.id,
        signer_id=signer_id,
        requested_by=principal.employee_id,
        achievement=achievement or grant.reason,
        status=LetterStatus.awaiting_signature,
        requested_at=now,
    )
    session.add(letter)
    await session.flush()
    await outbox.add(
        session,
        LetterRequestedV1(
            letter_id=letter.id, grant_id=grant.id, signer_id=signer_id, requested_by=principal.employee_id,
            requested_at=now,
        ),
        at=now,
    )  # fmt: skip
    return letter


async def get_letter(session: AsyncSession, *, principal: Principal, letter_id: uuid.UUID) -> Letter:
    """A letter, for its signer and for whoever may request it (REC-8's readers)."""
    letter = await get_or_404(
        session, Letter, letter_id, missing=t("Letter {letter_id} does not exist.", letter_id=letter_id)
    )
    if principal.employee_id != letter.signer_id:
        await _require_reader(session, principal, await get_grant(session, letter.grant_id))
    return letter


async def _awaiting_for_signer(session: AsyncSession, principal: Principal, letter_id: uuid.UUID) -> Letter:
    """The letter, locked, when it waits for the caller's signature."""
    letter = await get_for_update(
        session, Letter, letter_id, missing=t("Letter {letter_id} does not exist.", letter_id=letter_id)
    )
    access.require_letter_signer(principal, signer_id=letter.signer_id)
    if letter.status != LetterStatus.awaiting_signature:
        raise LetterNotSigned(
            t("This letter was already {status}; only a letter awaiting signature is decided.", status=letter.status)
        )
    return letter


async def sign_letter(
    session: AsyncSession,
    *,
    principal: Principal,
    letter_id: uuid.UUID,
    now: datetime,
    today: date,
    font_path: str,
) -> Letter:
    """The named signer signs: the PDF is rendered now, dated today, and kept (REC-11)."""
    letter = await _awaiting_for_signer(session, principal, letter_id)
    signer = await get_person(session, letter.signer_id)
    _require_senior(signer)  # they may have left or moved since the request
    grant = await get_grant(session, letter.grant_id)
    award = await get_award(session, grant.award_id)
    if grant.recipient_id is not None:
        recipient = (await get_person(session, grant.recipient_id)).name
    else:
        recipient = str(await session.scalar(select(org_team.c.name).where(org_team.c.id == grant.team_id)) or "")
    if not recipient:
        raise InvalidInput(t("The grant's recipient is not known here (yet)."))
    letter.pdf = render_letter(
        recipient=recipient,
        award=award.name,
        achievement=letter.achievement,
        signer_name=signer.name,
        signer_title=Level(signer.level).title,
        issued_on=today,
        font_path=font_path,
    )
    letter.status, letter.decided_at, letter.issued_on = LetterStatus.signed, now, today
    await outbox.add(
        session,
        LetterSignedV1(
            letter_id=letter.id,
            grant_id=grant.id,
            recipient_id=grant.recipient_id,
            team_id=grant.team_id,
            signer_id=signer.id,
            issued_on=today,
            signed_at=now,
        ),
        at=now,
    )
    await session.flush()
    return letter


async def decline_letter(
    session: AsyncSession, *, principal: Principal, letter_id: uuid.UUID, reason: str, now: datetime
) -> Letter:
    """The named signer declines, saying why: no document is ever made from this request (REC-11)."""
    letter = await _awaiting_for_signer(session, principal, letter_id)
    letter.status, letter.decided_at, letter.decline_reason = LetterStatus.declined, now, reason
    await outbox.add(
        session,
        LetterDeclinedV1(
            letter_id=letter.id,
            grant_id=letter.grant_id,
            signer_id=letter.signer_id,
            requested_by=letter.requested_by,
            reason=reason,
            declined_at=now,
        ),
        at=now,
    )
    await session.flush()
    return letter


async def letter_document(session: AsyncSession, *, principal: Principal, letter_id: uuid.UUID) -> tuple[bytes, str]:
    """The signed letter's PDF, as it was signed; refused while it is unsigned or declined (REC-11)."""
    letter = await get_letter(session, principal=principal, letter_id=letter_id)
    pdf = await session.scalar(select(Letter.pdf).where(Letter.id == letter.id))
    if letter.status != LetterStatus.signed or pdf is None:
        raise LetterNotSigned(
            t("A letter of praise exists only once its signer has signed it; it was declined.")
            if letter.status == LetterStatus.declined
            else t("A letter of praise exists only once its signer has signed it; it is still awaiting the signature.")
        )
    return pdf, f"letter-of-praise-{letter.grant_id}.pdf"


async def list_letters(
    session: AsyncSession,
    *,
    principal: Principal,
    status: str | None,
    to_sign: bool,
    sort: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Letter], int]:
    """Letters the caller signs or asked for, and those for people (or a team) the caller sees (REC-8's readers).

    `to_sign` keeps those the caller is named to sign.
    """
    query = select(Letter)
    if to_sign:
        query = query.where(Letter.signer_id == principal.employee_id)
    else:
        visible = await access.visible_ids(session, principal)
        if visible is not None:
            # A team's grant (no recipient) is read by the team's members, as `_require_reader` decides.
            team_grant = and_(Grant.recipient_id.is_(None), Grant.team_id == principal.team_id)
            grants_seen = select(Grant.id).where(
                or_(Grant.recipient_id.in_(visible), team_grant)
                if principal.team_id
                else Grant.recipient_id.in_(visible)
            )
            query = query.where(
                or_(
                    Letter.signer_id == principal.employee_id,
                    Letter.requested_by == principal.employee_id,
                    Letter.grant_id.in_(grants_seen),
                )
            )
    if status is not None:
        query = query.where(Letter.status == status)
    order = order_by(sort, {"requested_at": Letter.requested_at}, "-requested_at", Letter.id)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)
