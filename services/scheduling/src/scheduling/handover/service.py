"""Shift handover: the report, check-in, questions, and the sign-off that releases the outgoing staff."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.scheduling import HandoverCompletedV1, HandoverEquipmentDamagedV1, HandoverLateV1
from callcenter_shared.db import get_for_update, get_or_404
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from scheduling import access
from scheduling.handover.interaction import in_progress
from scheduling.handover.models import (
    Handover,
    HandoverCheckIn,
    HandoverItem,
    HandoverItemStatus,
    HandoverQuestion,
    HandoverRelease,
    HandoverStatus,
)
from scheduling.handover.schemas import QuestionCreate, ReportPublish
from scheduling.leave import delegation
from scheduling.roster.models import Assignment, Shift
from scheduling.settings import Settings

MAX_BOUNDARY_GAP = timedelta(hours=2)


class IncomingNotArrived(RuleViolation):
    rule = "HND-2"


class InteractionInProgress(RuleViolation):
    rule = "HND-3"


class ReportMissing(RuleViolation):
    rule = "HND-4"


class NotAcknowledged(RuleViolation):
    rule = "HND-9"


async def get(session: AsyncSession, handover_id: uuid.UUID, *, lock: bool = False) -> Handover:
    """The handover; with `lock`, locked until commit, so the sign-off and what it checks cannot interleave."""
    return await get_or_404(
        session,
        Handover,
        handover_id,
        missing=t("Handover {handover_id} does not exist.", handover_id=handover_id),
        lock=lock,
    )


async def get_item(session: AsyncSession, item_id: uuid.UUID) -> HandoverItem:
    return await get_or_404(
        session, HandoverItem, item_id, missing=t("Handover item {item_id} does not exist.", item_id=item_id)
    )


async def lock_item(session: AsyncSession, item_id: uuid.UUID) -> tuple[Handover, HandoverItem]:
    """The item and its handover, both locked: the handover first, as every other change takes them."""
    handover = await get(session, (await get_item(session, item_id)).handover_id, lock=True)
    item = await get_for_update(
        session, HandoverItem, item_id, missing=t("Handover item {item_id} does not exist.", item_id=item_id)
    )
    return handover, item


async def staff(session: AsyncSession, shift_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(Assignment.employee_id)
        .where(Assignment.shift_id == shift_id, Assignment.active.is_(True))
        .order_by(Assignment.created_at, Assignment.id)
    )
    return list(rows.all())


def is_leader(principal: Principal, handover: Handover) -> bool:
    """Whether the caller leads the handover's team."""
    return access.leads_team(principal, handover.team_id)


async def leads_or_acts(
    session: AsyncSession, principal: Principal, handover: Handover, now: datetime
) -> tuple[bool, uuid.UUID | None]:
    """Whether the caller leads the team, or holds its affairs while its leader is on leave (LEV-7); and then
    the absent leader they act for."""
    if is_leader(principal, handover):
        return True, None
    leader = await delegation.acting_for_team(session, principal, handover.team_id, now)
    return leader is not None, leader


def require_open(handover: Handover) -> None:
    """Refuse changes to a completed handover."""
    if handover.status != HandoverStatus.open:
        raise Conflict(t("The handover is already completed."))


async def create(
    session: AsyncSession,
    *,
    principal: Principal,
    team_id: uuid.UUID,
    outgoing_shift_id: uuid.UUID,
    incoming_shift_id: uuid.UUID,
    now: datetime,
) -> Handover:
    """Open the handover of a team between two consecutive shifts."""
    access.require_team_manager(principal, team_id)
    outgoing = await get_or_404(session, Shift, outgoing_shift_id, missing=t("Both shifts must exist."))
    incoming = await get_or_404(session, Shift, incoming_shift_id, missing=t("Both shifts must exist."))
    if outgoing.team_id != team_id or incoming.team_id != team_id:
        raise InvalidInput(t("Both shifts must belong to the handover's team."))
    if not (outgoing.starts_at < incoming.starts_at and abs(incoming.starts_at - outgoing.ends_at) <= MAX_BOUNDARY_GAP):
        raise InvalidInput(t("The incoming shift must start where the outgoing shift ends (within 2 h)."))
    existing = await session.scalar(
        select(Handover.id).where(Handover.outgoing_shift_id == outgoing.id, Handover.incoming_shift_id == incoming.id)
    )
    if existing is not None:
        raise Conflict(t("This shift boundary already has the handover {existing}.", existing=existing))
    handover = Handover(
        id=uuid.uuid4(),
        team_id=team_id,
        outgoing_shift_id=outgoing.id,
        incoming_shift_id=incoming.id,
        status=HandoverStatus.open,
        created_by=principal.employee_id,
        created_at=now,
    )
    session.add(handover)
    await session.flush()
    return handover


async def read(session: AsyncSession, *, principal: Principal, handover_id: uuid.UUID) -> Handover:
    handover = await get(session, handover_id)
    if access.sees_every_handover(principal, handover.team_id):
        return handover
    people = await staff(session, handover.outgoing_shift_id) + await staff(session, handover.incoming_shift_id)
    if principal.employee_id not in people:
        raise Forbidden(t("Only the team, its leader and level 3 and above see this handover."))
    return handover


async def list_handovers(
    session: AsyncSession,
    *,
    principal: Principal,
    team_id: uuid.UUID | None,
    first: date | None,
    last: date | None,
    status: str | None,
    settings: Settings,
    limit: int,
    offset: int,
) -> tuple[list[tuple[Handover, datetime]], int]:
    """The handovers the caller may read (as `read`), newest boundary first, each with its boundary.

    `first`..`last` are days on the center's calendar of the boundary (the incoming shift's start).
    """
    incoming = aliased(Shift)
    query = select(Handover, incoming.starts_at).join(incoming, incoming.id == Handover.incoming_shift_id)
    staffed_by_caller = exists().where(
        Assignment.shift_id.in_((Handover.outgoing_shift_id, Handover.incoming_shift_id)),
        Assignment.employee_id == principal.employee_id,
        Assignment.active.is_(True),
    )
    visible = access.handover_visibility_clause(principal, Handover.team_id, staffed_by_caller)
    if visible is not None:
        query = query.where(visible)
    zone = ZoneInfo(settings.timezone)
    if first is not None:
        query = query.where(incoming.starts_at >= datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC))
    if last is not None:
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        query = query.where(incoming.starts_at < end)
    if team_id is not None:
        query = query.where(Handover.team_id == team_id)
    if status is not None:
        query = query.where(Handover.status == status)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    page = await session.execute(query.order_by(incoming.starts_at.desc(), Handover.id).limit(limit).offset(offset))
    return [(row[0], row[1]) for row in page], int(total or 0)


async def publish_report(
    session: AsyncSession, *, principal: Principal, handover_id: uuid.UUID, data: ReportPublish, now: datetime
) -> Handover:
    """The team leader publishes the handover report (HND-4, HND-7, HND-10)."""
    handover = await get(session, handover_id, lock=True)
    leads, acting_for = await leads_or_acts(session, principal, handover, now)
    if not leads:
        raise Forbidden(t("Only the team's leader publishes the handover report."))
    require_open(handover)
    handover.report_acting_for_id = acting_for
    handover.instructions = data.instructions
    handover.major_events = data.major_events
    handover.equipment_ok = data.equipment_ok
    handover.equipment_damage = data.equipment_damage or None
    handover.reusable_resolutions = data.reusable_resolutions
    handover.report_published_by = principal.employee_id
    handover.report_published_at = now
    # A report published again states the equipment afresh: a new damage report is taken in anew (HND-10).
    handover.damage_reported_to = handover.damage_acknowledged_by = handover.damage_acknowledged_at = None
    await session.flush()
    if not data.equipment_ok:
        incoming = await session.get(Shift, handover.incoming_shift_id)
        outgoing = await session.get(Shift, handover.outgoing_shift_id)
        duty_manager = (outgoing.duty_manager_id if outgoing else None) or (
            incoming.duty_manager_id if incoming else None
        )
        handover.damage_reported_to = duty_manager
        await outbox.add(
            session,
            HandoverEquipmentDamagedV1(
                handover_id=handover.id,
                team_id=handover.team_id,
                reported_by=principal.employee_id,
                duty_manager_id=duty_manager,
                damage=data.equipment_damage,
                reported_at=now,
            ),
            at=now,
        )
    return handover


async def acknowledge_damage(
    session: AsyncSession, *, principal: Principal, handover_id: uuid.UUID, now: datetime
) -> Handover:
    """The duty manager the damage was reported to takes the report in (HND-10); it leaves their task list."""
    handover = await get(session, handover_id, lock=True)
    access.require_damage_report_receiver(principal, handover.damage_reported_to)
    if handover.report_published_at is None or handover.equipment_ok is not False:
        raise Conflict(t("This handover's report records no equipment damage."))
    if handover.damage_acknowledged_at is not None:
        raise Conflict(
            t(
                "The damage report was already taken in at {damage_acknowledged_at:%Y-%m-%d %H:%M} UTC.",
                damage_acknowledged_at=handover.damage_acknowledged_at,
            )
        )
    handover.damage_acknowledged_by = principal.employee_id
    handover.damage_acknowledged_at = now
    await session.flush()
    return handover


async def check_in(
    session: AsyncSession, *, principal: Principal, handover_id: uuid.UUID, settings: Settings, now: datetime
) -> HandoverCheckIn:
    """An incoming person arrives; later than start − 15 min is late and published (HND-1)."""
    handover = await get(session, handover_id, lock=True)
    require_open(handover)
    if principal.employee_id not in await staff(session, handover.incoming_shift_id):
        raise Forbidden(t("Only the incoming staff of this handover check in."))
    done = await session.scalar(
        select(HandoverCheckIn).where(
            HandoverCheckIn.handover_id == handover.id, HandoverCheckIn.employee_id == principal.employee_id
        )
    )
    if done is not None:
        raise Conflict(t("You have already checked in."))
    incoming = await session.get(Shift, handover.incoming_shift_id)
    assert incoming is not None
    latest = incoming.starts_at - timedelta(minutes=settings.checkin_before_minutes)
    minutes_late = math.ceil((now - latest).total_seconds() / 60) if now > latest else 0
    check = HandoverCheckIn(
        id=uuid.uuid4(),
        handover_id=handover.id,
        employee_id=principal.employee_id,
        checked_in_at=now,
        minutes_late=minutes_late,
    )
    session.add(check)
    await session.flush()
    if minutes_late:
        await outbox.add(
            session,
            HandoverLateV1(
                handover_id=handover.id,
                employee_id=principal.employee_id,
                team_id=handover.team_id,
                shift_starts_at=incoming.starts_at,
                checked_in_at=now,
                minutes_late=minutes_late,
            ),
            at=now,
        )
    return check


async def ask(
    session: AsyncSession, *, principal: Principal, handover_id: uuid.UUID, data: QuestionCreate, now: datetime
) -> HandoverQuestion:
    """The incoming staff ask about the report or an item (HND-4, HND-5)."""
    handover = await get(session, handover_id, lock=True)
    require_open(handover)
    if principal.employee_id not in await staff(session, handover.incoming_shift_id):
        raise Forbidden(t("Only the incoming staff ask questions at the handover."))
    if data.item_id is not None and (await get_item(session, data.item_id)).handover_id != handover.id:
        raise InvalidInput(t("The item belongs to another handover."))
    question = HandoverQuestion(
        id=uuid.uuid4(),
        handover_id=handover.id,
        item_id=data.item_id,
        asked_by=principal.employee_id,
        question=data.question,
        asked_at=now,
    )
    session.add(question)
    await session.flush()
    return question


async def answer(
    session: AsyncSession, *, principal: Principal, question_id: uuid.UUID, text: str, now: datetime
) -> HandoverQuestion:
    question = await get_or_404(
        session,
        HandoverQuestion,
        question_id,
        missing=t("Question {question_id} does not exist.", question_id=question_id),
    )
    handover = await get(session, question.handover_id, lock=True)
    question = await get_for_update(
        session,
        HandoverQuestion,
        question_id,
        missing=t("Question {question_id} does not exist.", question_id=question_id),
    )
    require_open(handover)
    if (
        principal.employee_id not in await staff(session, handover.outgoing_shift_id)
        and not (await leads_or_acts(session, principal, handover, now))[0]
    ):
        raise Forbidden(t("The outgoing staff or the team leader answer handover questions."))
    question.answer = text
    question.answered_by = principal.employee_id
    question.answered_at = now
    await session.flush()
    return question


async def complete(session: AsyncSession, *, principal: Principal, handover_id: uuid.UUID, now: datetime) -> Handover:
    """The team leader signs off; only then are the outgoing staff released (HND-2, 3, 4, 9)."""
    handover = await get(session, handover_id, lock=True)
    leads, acting_for = await leads_or_acts(session, principal, handover, now)
    if not leads:
        raise Forbidden(t("Only the team's leader signs the handover off."))
    require_open(handover)
    if handover.report_published_at is None:
        raise ReportMissing(t("The team leader's handover report has not been published yet."))
    incoming = await staff(session, handover.incoming_shift_id)
    arrived = set(
        (
            await session.scalars(select(HandoverCheckIn.employee_id).where(HandoverCheckIn.handover_id == handover.id))
        ).all()
    )
    missing = [person for person in incoming if person not in arrived]
    if missing:
        raise IncomingNotArrived(
            t("{count} incoming person(s) have not checked in: the outgoing staff stay on duty.", count=len(missing)),
            employee_ids=[str(m) for m in missing],
        )
    outgoing = await staff(session, handover.outgoing_shift_id)
    busy = await in_progress(session, outgoing)
    if busy:
        raise InteractionInProgress(
            t("An outgoing agent is still serving a customer: the handover waits until the interaction ends."),
            employee_ids=[str(b) for b in busy],
        )
    unanswered = await session.scalar(
        select(HandoverQuestion.id).where(
            HandoverQuestion.handover_id == handover.id, HandoverQuestion.answered_at.is_(None)
        )
    )
    if unanswered is not None:
        raise ReportMissing(t("A question from the incoming staff is still unanswered."), question_id=str(unanswered))
    open_items = (
        await session.scalars(
            select(HandoverItem.id).where(
                HandoverItem.handover_id == handover.id, HandoverItem.status == HandoverItemStatus.open
            )
        )
    ).all()
    if open_items:
        raise NotAcknowledged(
            t("{count} item(s) are not acknowledged by their receiver yet.", count=len(open_items)),
            item_ids=[str(i) for i in open_items],
        )
    handover.status = HandoverStatus.completed
    handover.signed_off_by = principal.employee_id
    handover.signed_off_acting_for_id = acting_for
    handover.completed_at = now
    for person in outgoing:
        session.add(HandoverRelease(id=uuid.uuid4(), handover_id=handover.id, employee_id=person, released_at=now))
    await session.flush()
    await outbox.add(
        session,
        HandoverCompletedV1(
            handover_id=handover.id,
            team_id=handover.team_id,
            signed_off_by=principal.employee_id,
            completed_at=now,
            acting_for_id=acting_for,
        ),
        at=now,
    )
    return handover


async def details(
    session: AsyncSession, handover: Handover
) -> tuple[
    list[dict[str, object]], list[dict[str, object]], Sequence[HandoverItem], Sequence[HandoverQuestion], datetime
]:
    outgoing = await staff(session, handover.outgoing_shift_id)
    incoming = await staff(session, handover.incoming_shift_id)
    busy = await in_progress(session, outgoing)
    released = {
        r.employee_id: r.released_at
        for r in (await session.scalars(select(HandoverRelease).where(HandoverRelease.handover_id == handover.id)))
    }
    checks = {
        c.employee_id: c
        for c in (await session.scalars(select(HandoverCheckIn).where(HandoverCheckIn.handover_id == handover.id)))
    }
    items = (
        await session.scalars(
            select(HandoverItem).where(HandoverItem.handover_id == handover.id).order_by(HandoverItem.created_at)
        )
    ).all()
    questions = (
        await session.scalars(
            select(HandoverQuestion)
            .where(HandoverQuestion.handover_id == handover.id)
            .order_by(HandoverQuestion.asked_at)
        )
    ).all()
    shift = await session.get(Shift, handover.incoming_shift_id)
    assert shift is not None
    out: list[dict[str, object]] = [
        {
            "employee_id": p,
            "interaction_in_progress": p in busy,
            "released_at": released.get(p),
            "on_duty": p not in released,
        }
        for p in outgoing
    ]
    inc: list[dict[str, object]] = [
        {
            "employee_id": p,
            "checked_in_at": checks[p].checked_in_at if p in checks else None,
            "minutes_late": checks[p].minutes_late if p in checks else None,
        }
        for p in incoming
    ]
    return out, inc, items, questions, shift.starts_at
