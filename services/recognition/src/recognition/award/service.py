"""Use cases of awards: the catalog, nominations and their approval, grants, the honor wall, pools."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.recognition import AwardGrantedV1
from callcenter_shared.db import get_or_404
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.levels import is_agent
from callcenter_shared.org import find_person, org_employee, team_members
from callcenter_shared.paging import paginate
from callcenter_shared.sorting import order_by
from recognition import access
from recognition.access import decides_at_level, private_subjects
from recognition.award.models import Award, Grant, MaterialPool, Nomination, NominationStatus
from recognition.award.schemas import AwardCreate, GrantRead, PoolCreate


class WrongApprover(RuleViolation):
    rule = "REC-2"


class EvenSplit(RuleViolation):
    rule = "REC-4"


# Catalog (REC-1)


async def get_award(session: AsyncSession, award_id: uuid.UUID) -> Award:
    return await get_or_404(session, Award, award_id, missing=t("Award {award_id} does not exist.", award_id=award_id))


async def list_awards(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[Award], int]:
    query = select(Award).where(Award.active.is_(True)).order_by(Award.name, Award.id)
    return await paginate(session, query, limit=limit, offset=offset)


async def create_award(session: AsyncSession, *, principal: Principal, data: AwardCreate, now: datetime) -> Award:
    """Add an award to the catalog (L3 and above)."""
    access.require_catalog_admin(principal)
    if await session.scalar(select(Award.id).where(Award.code == data.code)):
        raise Conflict(t("An award with code {code!r} already exists.", code=data.code))
    award = Award(id=uuid.uuid4(), **data.model_dump(), automatic=False, active=True, created_at=now)
    session.add(award)
    await session.flush()
    return award


# Grants


async def record_grant(
    session: AsyncSession,
    *,
    award: Award,
    recipient_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    reason: str,
    evidence: dict[str, Any],
    source: str,
    source_key: str,
    now: datetime,
    amount: Decimal | None = None,
    granted_by: uuid.UUID | None = None,
    period: tuple[date, date] | None = None,
) -> Grant:
    """Put a grant on the honor wall and publish `award.granted` (REC-2, REC-10)."""
    if recipient_id is not None and team_id is None:
        person = await find_person(session, recipient_id)
        team_id = person.team_id if person else None
    grant = Grant(
        id=uuid.uuid4(),
        award_id=award.id,
        recipient_id=recipient_id,
        team_id=team_id,
        reason=reason,
        criteria=award.criteria,
        evidence=evidence,
        amount=amount.quantize(Decimal("0.01")) if amount is not None else None,
        source=source,
        source_key=source_key,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        granted_by=granted_by,
        granted_at=now,
    )
    session.add(grant)
    await session.flush()
    await outbox.add(
        session,
        AwardGrantedV1(
            grant_id=grant.id,
            award_id=award.id,
            award_name=award.name,
            recipient_id=recipient_id,
            team_id=team_id,
            material=award.material,
            reason=reason,
            granted_at=now,
        ),
        at=now,
    )
    return grant


async def get_grant(session: AsyncSession, grant_id: uuid.UUID) -> Grant:
    return await get_or_404(session, Grant, grant_id, missing=t("Grant {grant_id} does not exist.", grant_id=grant_id))


def _subject(grant: Grant) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """Whose private data a grant's amount is: its recipient, else its team."""
    return (grant.recipient_id, grant.team_id if not grant.recipient_id else None)


async def grant_views(session: AsyncSession, principal: Principal, grants: Sequence[Grant]) -> list[GrantRead]:
    """Grants as the caller may see them: material amounts only for the recipient and their chain."""
    award_ids = {g.award_id for g in grants}
    awards = {a.id: a for a in (await session.scalars(select(Award).where(Award.id.in_(award_ids)))).all()}
    person_ids = {g.recipient_id for g in grants if g.recipient_id}
    rows = await session.execute(
        select(org_employee.c.id, org_employee.c.name).where(org_employee.c.id.in_(person_ids))
    )
    names: dict[uuid.UUID, str] = {row.id: row.name for row in rows}
    # Amounts are private (the recipient and their chain): judged for the whole page at once.
    seen = await private_subjects(session, principal, [_subject(g) for g in grants if g.amount is not None])
    views = []
    for grant in grants:
        award = awards[grant.award_id]
        visible = grant.amount is None or _subject(grant) in seen
        views.append(
            GrantRead(
                id=grant.id,
                award_id=award.id,
                award_name=award.name,
                material=award.material,
                recipient_id=grant.recipient_id,
                recipient_name=names.get(grant.recipient_id) if grant.recipient_id else None,
                team_id=grant.team_id,
                reason=grant.reason,
                criteria=grant.criteria,
                evidence=grant.evidence,
                amount=grant.amount if visible else None,
                amount_hidden=not visible,
                source=grant.source,
                period_start=grant.period_start,
                period_end=grant.period_end,
                granted_by=grant.granted_by,
                granted_at=grant.granted_at,
            )
        )
    return views


# Nominations (REC-2)


async def get_nomination(session: AsyncSession, nomination_id: uuid.UUID, *, lock: bool = False) -> Nomination:
    """The nomination; with `lock`, locked until commit so that two decisions cannot both find it pending."""
    return await get_or_404(
        session,
        Nomination,
        nomination_id,
        missing=t("Nomination {nomination_id} does not exist.", nomination_id=nomination_id),
        lock=lock,
    )


async def _decidable(session: AsyncSession, principal: Principal, nomination_id: uuid.UUID) -> tuple[Nomination, Award]:
    """The pending nomination and its award, if the caller decides it: in the chain at the award's level, or the
    deputy of such a leader on leave (recorded on the nomination as acting for them, LEV-7)."""
    nomination = await get_nomination(session, nomination_id, lock=True)
    if nomination.status != NominationStatus.pending:
        raise Conflict(t("The nomination was already {status}.", status=nomination.status))
    award = await get_award(session, nomination.award_id)
    allowed = await decides_at_level(
        session, principal, level=award.approver_level, employee_id=nomination.nominee_id, team_id=nomination.team_id
    )
    absent = None
    if not allowed:
        absent = await access.absent_decider(
            session, principal, level=award.approver_level, employee_id=nomination.nominee_id,
            team_id=nomination.team_id, parties=(nomination.nominee_id, nomination.nominated_by),
        )  # fmt: skip
    nomination.acting_for_id = absent.id if absent is not None else None
    if not allowed and absent is None:
        raise WrongApprover(
            t(
                "{name} is approved by level {approver_level} or above in the nominee's chain of "
                "superiors; you (level {level}) are not in a position to decide it.",
                name=award.name,
                approver_level=award.approver_level,
                level=principal.level,
            )
        )
    return nomination, award


async def approve(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination_id: uuid.UUID,
    note: str | None,
    amount: Decimal | None,
    now: datetime,
) -> Nomination:
    """Approve a nomination at the award's level: the award is granted and goes on the honor wall."""
    nomination, award = await _decidable(session, principal, nomination_id)
    if award.material and amount is None:
        raise InvalidInput(t("{name} is a material award: state the amount.", name=award.name))
    if not award.material and amount is not None:
        raise InvalidInput(t("{name} is not a material award: it has no amount.", name=award.name))
    grant = await record_grant(
        session,
        award=award,
        recipient_id=nomination.nominee_id,
        team_id=nomination.team_id,
        reason=nomination.reason,
        evidence={
            "nomination_id": str(nomination.id),
            "nominated_by": str(nomination.nominated_by),
            "evidence_links": nomination.evidence_links,
            "approved_by": str(principal.employee_id),
            "acting_for": str(nomination.acting_for_id) if nomination.acting_for_id else None,  # LEV-7
            "approval_note": note,
        },
        source="nomination",
        source_key=f"nomination:{nomination.id}",
        amount=amount,
        granted_by=principal.employee_id,
        now=now,
    )
    nomination.status = NominationStatus.approved
    nomination.decided_by = principal.employee_id
    nomination.decided_at = now
    nomination.decision_note = note
    nomination.grant_id = grant.id
    await session.flush()
    return nomination


async def reject(
    session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID, note: str | None, now: datetime
) -> Nomination:
    """Decline a nomination, saying why."""
    nomination, _award = await _decidable(session, principal, nomination_id)
    if not note:
        raise InvalidInput(t("Say why the nomination is declined (note)."))
    nomination.status = NominationStatus.rejected
    nomination.decided_by = principal.employee_id
    nomination.decided_at = now
    nomination.decision_note = note
    await session.flush()
    return nomination


async def _nominations_seen_by(session: AsyncSession, principal: Principal) -> Select[Nomination]:
    """Nominations the caller made or decided, or about people they (or a leader on leave they act for, LEV-7)
    may see."""
    query = select(Nomination)
    seen = [Nomination.nominated_by == principal.employee_id, Nomination.decided_by == principal.employee_id]
    for who in await access.decided_for(session, principal):
        visible = await access.visible_ids(session, who)
        if visible is None:
            return query
        seen.append(Nomination.nominee_id.in_(visible))
        if access.leads_people(who) and who.team_id is not None:
            seen.append(Nomination.team_id == who.team_id)
    return query.where(or_(*seen))


async def read_nomination(session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID) -> Nomination:
    """One nomination, for those who see it in their list."""
    nomination = await get_or_404(
        session,
        Nomination,
        nomination_id,
        missing=t("Nomination {nomination_id} does not exist.", nomination_id=nomination_id),
    )
    query = await _nominations_seen_by(session, principal)
    if await session.scalar(query.with_only_columns(Nomination.id).where(Nomination.id == nomination_id)) is None:
        raise Forbidden(t("A nomination is shown to its nominator and to those who see the nominee or the team."))
    return nomination


async def list_nominations(
    session: AsyncSession,
    *,
    principal: Principal,
    status: str | None,
    award_id: uuid.UUID | None = None,
    nominee_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
    created_from: datetime | None = None,
    created_before: datetime | None = None,
    sort: str | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Nomination], int]:
    """Nominations the caller made, or about people they may see (their span), filtered."""
    query = await _nominations_seen_by(session, principal)
    if status is not None:
        query = query.where(Nomination.status == status)
    if award_id is not None:
        query = query.where(Nomination.award_id == award_id)
    if nominee_id is not None:
        query = query.where(Nomination.nominee_id == nominee_id)
    if team_id is not None:
        query = query.where(Nomination.team_id == team_id)
    if created_from is not None:
        query = query.where(Nomination.created_at >= created_from)
    if created_before is not None:
        query = query.where(Nomination.created_at < created_before)
    order = order_by(sort, {"created_at": Nomination.created_at}, "-created_at", Nomination.id)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)


# Material pools (REC-4)


async def split_pool(
    session: AsyncSession, *, principal: Principal, data: PoolCreate, now: datetime
) -> tuple[MaterialPool, list[Grant]]:
    """Split a material award's pool across a team by a stated basis; an even split is refused."""
    award = await get_award(session, data.award_id)
    if not award.material:
        raise InvalidInput(t("{name} is not a material award; there is nothing to split.", name=award.name))
    if not await decides_at_level(
        session, principal, level=award.approver_level, employee_id=None, team_id=data.team_id
    ):
        raise WrongApprover(
            t(
                "{name} is decided by level {approver_level} or above in the team's chain of superiors.",
                name=award.name,
                approver_level=award.approver_level,
            )
        )
    members = {p.id: p for p in await team_members(session, data.team_id) if is_agent(p)}
    ids = [share.employee_id for share in data.shares]
    if len(set(ids)) != len(ids):
        raise InvalidInput(t("Each member may appear once in the split."))
    strangers = [str(i) for i in ids if i not in members]
    if strangers:
        raise InvalidInput(t("Not agents of this team: {strangers}.", strangers=", ".join(strangers)))
    if sum((share.amount for share in data.shares), Decimal(0)) != data.total_amount:
        raise InvalidInput(t("The shares must add up to the pool's total amount."))
    if len(members) > 1 and len(data.shares) > 1 and len({share.amount for share in data.shares}) == 1:
        raise EvenSplit(
            t(
                "The pool is split evenly across the team. Material awards follow performance (no "
                "egalitarianism): split it by the stated basis ({basis}).",
                basis=data.basis,
            )
        )
    ordered = sorted(data.shares, key=lambda share: share.basis_value)
    for lower, higher in itertools.pairwise(ordered):
        if higher.basis_value > lower.basis_value and higher.amount < lower.amount:
            raise EvenSplit(
                t(
                    "The split does not follow its basis ({basis}): a member with a higher value receives less "
                    "than one with a lower value.",
                    basis=data.basis,
                )
            )
    pool = MaterialPool(
        id=uuid.uuid4(),
        award_id=award.id,
        team_id=data.team_id,
        total_amount=data.total_amount,
        basis=data.basis,
        created_by=principal.employee_id,
        created_at=now,
    )
    session.add(pool)
    await session.flush()
    grants = []
    for share in data.shares:
        if share.amount == 0:
            continue
        grants.append(
            await record_grant(
                session,
                award=award,
                recipient_id=share.employee_id,
                team_id=data.team_id,
                reason=data.reason,
                evidence={
                    "pool_id": str(pool.id),
                    "basis": data.basis,
                    "basis_value": share.basis_value,
                    "pool_total": str(data.total_amount),
                    "team_basis_values": {str(s.employee_id): s.basis_value for s in data.shares},
                },
                source="pool",
                source_key=f"pool:{pool.id}:{share.employee_id}",
                amount=share.amount,
                granted_by=principal.employee_id,
                now=now,
            )
        )
    return pool, grants
