"""Use cases of a case: opening, the five-level chain with its deadlines, and closing (ESC-1..12)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, ClassVar, cast

from sqlalchemy import ColumnElement, Table, and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.escalation import (
    CaseAcknowledgedV1,
    CaseCallbackRecordedV1,
    CaseChainNotifiedV1,
    CaseDeadlineWarningV1,
    CaseDepartmentAssignedV1,
    CaseEmergencyReportedV1,
    CaseEscalatedV1,
    CaseInstructionRecordedV1,
    CaseOpenedV1,
    CaseOverdueV1,
    CaseReopenedV1,
    CaseReplyOverdueV1,
    CaseResolvedV1,
    CaseShirkedV1,
    ComplaintAttributedV1,
)
from callcenter_shared.db import dialect_insert
from callcenter_shared.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, RuleViolation
from callcenter_shared.org import (
    Person,
    find_person,
    get_person,
    people_by_id,
    subordinate_ids,
    superior_chain,
    visible_employee_ids,
)
from escalation.case.models import Case, CaseHistory, CaseInstruction, CaseNumberCounter, CaseStint
from escalation.case.schemas import CUSTOMER_CHANNELS, CaseCreate, Channel
from escalation.category import service as categories
from escalation.category.models import Category

OPEN = "open"
RESOLVED = "resolved"

LEVEL_TIMEOUT = "case.level_timeout"
LEVEL_WARNING = "case.level_warning"
EMERGENCY_REPORT = "case.emergency_report"
REPLY_DUE = "case.reply_due"
LEVEL_CLOCKS = (LEVEL_TIMEOUT, LEVEL_WARNING)

BREACH_ACTIONS = ("escalated_on_timeout", "overdue", "reply_breached", "emergency_report_missing")


class ShirkRefused(RuleViolation):
    rule = "ESC-1"


class CategoryChainIncomplete(RuleViolation):
    rule = "ESC-2"


class LevelSkipped(RuleViolation):
    rule = "ESC-4"


class SilentClose(RuleViolation):
    rule = "ESC-5"


class NotAnEmergency(RuleViolation):
    rule = "ESC-6"


class NotASuperior(RuleViolation):
    status: ClassVar[int] = 403
    rule = "ESC-7"


class ContactMissing(RuleViolation):
    rule = "ESC-9"


class DepartmentRule(RuleViolation):
    rule = "ESC-10"


class CallbackBeforeResolution(RuleViolation):
    rule = "ESC-11"


class NotAttributable(RuleViolation):
    rule = "ESC-12"


# Recording


async def _record(
    session: AsyncSession,
    case: Case,
    *,
    action: str,
    at: datetime,
    actor: Principal | Person | None,
    **detail: Any,
) -> None:
    """Append one line to the case's history (ESC-5); nothing ever updates or deletes it."""
    actor_id = actor.employee_id if isinstance(actor, Principal) else actor.id if actor is not None else None
    session.add(
        CaseHistory(
            case_id=case.id,
            at=at,
            actor_id=actor_id,
            actor_level=actor.level if actor is not None else None,
            case_level=case.level,
            action=action,
            detail={
                key: str(value) if isinstance(value, uuid.UUID | datetime) else value for key, value in detail.items()
            },
            category_code=case.category_code,
        )
    )


async def _next_number(session: AsyncSession, now: datetime) -> str:
    """`ESC-2026-000123`: one atomic upsert per case, so concurrent openings never share a number."""
    table = cast(Table, CaseNumberCounter.__table__)
    insert_fn = dialect_insert(session)
    statement = insert_fn(table).values(year=now.year, last=1)
    statement = statement.on_conflict_do_update(index_elements=["year"], set_={"last": table.c.last + 1})
    last = (await session.execute(statement.returning(table.c.last))).scalar_one()
    return f"ESC-{now.year}-{last:06d}"


# The chain


async def _handler_at(session: AsyncSession, owner: Person, level: int) -> Person:
    """The person at `level` in the owner's chain of direct superiors (the owner at or above it)."""
    if owner.level >= level:
        return owner
    for superior in await superior_chain(session, owner.id):
        if superior.level == level:
            return superior
    raise CategoryChainIncomplete(
        f"{owner.name} has no superior at level {level} in the directory, so the case has nobody to start at."
    )


@dataclass
class _Climb:
    """One case moving one level up, with what the move needs already loaded."""

    case: Case
    superior: Person
    reason: str
    stint: CaseStint | None


async def _start_level(session: AsyncSession, case: Case, handler: Person, now: datetime) -> None:
    await _start_levels(session, [(case, handler)], now)


async def _start_levels(session: AsyncSession, starts: Sequence[tuple[Case, Person]], now: datetime) -> None:
    """Give each case to its handler at their level and start that level's clock from the fixed allowance."""
    stints: list[CaseStint] = []
    for case, handler in starts:
        case.handler_id = handler.id
        case.level = handler.level
        case.level_started_at = now
        case.level_due_at = now + timedelta(minutes=case.allowances[handler.level - 1])
        case.acknowledged_at = None
        case.overdue_at = None
        case.updated_at = now
        stint = CaseStint(case_id=case.id, level=handler.level, handler_id=handler.id, started_at=now)
        session.add(stint)
        stints.append(stint)
    await session.flush()  # the new stints' ids go into their deadlines
    clocks: list[deadlines.NewDeadline] = []
    for (case, handler), stint in zip(starts, stints, strict=True):
        payload = {"stint_id": stint.id, "level": handler.level}
        clocks.append(deadlines.NewDeadline(LEVEL_TIMEOUT, case.id, case.level_due_at, payload))
        warn_at = case.level_due_at - timedelta(minutes=case.warning_minutes)
        if case.warning_minutes > 0 and warn_at > now:
            clocks.append(deadlines.NewDeadline(LEVEL_WARNING, case.id, warn_at, payload))
    await deadlines.schedule_many(session, clocks, now=now)


async def _current_stint(session: AsyncSession, case: Case) -> CaseStint | None:
    return await session.scalar(
        select(CaseStint)
        .where(CaseStint.case_id == case.id, CaseStint.ended_at.is_(None))
        .order_by(CaseStint.id.desc())
    )


def _close_stint(stint: CaseStint | None, now: datetime, outcome: str) -> None:
    if stint is not None:
        stint.ended_at = now
        stint.seconds = int((now - stint.started_at).total_seconds())
        stint.outcome = outcome


async def _end_level(session: AsyncSession, case: Case, now: datetime, outcome: str) -> None:
    """Close the current stint and stop the level's clocks."""
    _close_stint(await _current_stint(session, case), now, outcome)
    await deadlines.cancel(session, ref_id=case.id, now=now, kinds=LEVEL_CLOCKS)


def _no_superior_above(handler: Person | None, level: int) -> str:
    who = handler.name if handler is not None else "The current handler"
    return (
        f"{who} (level {level}) has no direct superior one level up in the directory; "
        "the case cannot move up without skipping a level."
    )


async def _climb(
    session: AsyncSession,
    case: Case,
    now: datetime,
    *,
    actor: Principal | None,
    automatic: bool,
    reason: str,
    action: str | None = None,
) -> Person:
    """Move the case exactly one level up, to the current handler's direct superior (ESC-4)."""
    handler = await get_person(session, case.handler_id)
    superior = await find_person(session, handler.superior_id) if handler.superior_id else None
    if superior is None or superior.level != case.level + 1:
        raise LevelSkipped(_no_superior_above(handler, case.level))
    climb = _Climb(case, superior, reason, await _current_stint(session, case))
    await _climb_many(session, [climb], now, actor=actor, automatic=automatic, action=action)
    return superior


async def _climb_many(
    session: AsyncSession,
    climbs: Sequence[_Climb],
    now: datetime,
    *,
    actor: Principal | None,
    automatic: bool,
    action: str | None = None,
) -> None:
    """Move each case one level up to its checked superior; a few statements however many cases."""
    if not climbs:
        return
    action = action or ("escalated_on_timeout" if automatic else "escalated")
    moves = [(climb, climb.case.level, climb.case.handler_id) for climb in climbs]
    for climb in climbs:
        _close_stint(climb.stint, now, action)
    await deadlines.cancel(session, ref_id=[climb.case.id for climb in climbs], now=now, kinds=LEVEL_CLOCKS)
    await _start_levels(session, [(climb.case, climb.superior) for climb in climbs], now)
    events: list[CaseEscalatedV1] = []
    for climb, from_level, from_handler in moves:
        case = climb.case
        await _record(
            session,
            case,
            action=action,
            at=now,
            actor=actor,
            from_level=from_level,
            to_level=case.level,
            from_handler_id=from_handler,
            to_handler_id=climb.superior.id,
            reason=climb.reason,
        )
        events.append(
            CaseEscalatedV1(
                case_id=case.id,
                number=case.number,
                from_level=from_level,
                to_level=case.level,
                from_handler_id=from_handler,
                to_handler_id=climb.superior.id,
                automatic=automatic,
                reason=climb.reason,
                escalated_at=now,
            )
        )
    await outbox.add_many(session, events, at=now)


# Access


async def _held_by(session: AsyncSession, case: Case, employee_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(CaseStint.id).where(CaseStint.case_id == case.id, CaseStint.handler_id == employee_id).limit(1)
    )
    return found is not None


async def in_chain(session: AsyncSession, principal: Principal, case: Case) -> bool:
    """The owner, anyone who held the case, and the owner's superiors: the people who see the contact."""
    me = principal.employee_id
    if me == case.owner_id or me == case.handler_id or await _held_by(session, case, me):
        return True
    return any(p.id == me for p in await superior_chain(session, case.owner_id))


async def _can_read(session: AsyncSession, principal: Principal, case: Case) -> bool:
    if principal.employee_id == case.department_handler_id or await in_chain(session, principal, case):
        return True
    visible = await visible_employee_ids(session, principal)
    return visible is None or case.owner_id in visible or case.handler_id in visible


async def _load(session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id)
    if lock:
        # Read afresh too: a copy loaded earlier in the session would hide a change committed meanwhile.
        query = query.with_for_update().execution_options(populate_existing=True)
    found = await session.scalar(query)
    if found is None:
        raise NotFound(f"Case {case_id} does not exist.")
    return found


async def read(session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, lock: bool = False) -> Case:
    """The case, if the caller may see it (owner, handler, their span, or the chain)."""
    case = await _load(session, case_id, lock=lock)
    if not await _can_read(session, principal, case):
        raise Forbidden("You may see only cases you own or handle, or those of the people you lead.")
    return case


def _require_open(case: Case) -> None:
    if case.status != OPEN:
        raise Conflict(f"Case {case.number} is resolved; reopen it first.")


async def _require_holder(session: AsyncSession, principal: Principal, case: Case, action: str) -> None:
    """The current handler, or a superior above them in the chain, may act on the case."""
    if principal.employee_id == case.handler_id:
        return
    if any(p.id == principal.employee_id for p in await superior_chain(session, case.handler_id)):
        return
    raise Forbidden(f"Only the current handler of {case.number} or a superior above them may {action}.")


# Opening


async def open_case(session: AsyncSession, *, principal: Principal, data: CaseCreate, now: datetime) -> Case:
    """The first receiver opens a case and owns the customer relationship until it is closed (ESC-1)."""
    owner = await find_person(session, principal.employee_id)
    if owner is None or not owner.active:
        raise Forbidden("You are not (yet) in the org directory here, so you cannot open cases.")
    category = await categories.by_code(session, data.category, now)
    if data.channel in CUSTOMER_CHANNELS and not data.customer_contact.strip():
        raise ContactMissing(
            "Record the customer's contact: the customer must get a reply within the category's time limit."
        )
    if data.named_agent_id is not None:
        agent = await find_person(session, data.named_agent_id)
        if agent is None:
            raise InvalidInput(
                f"The named agent {data.named_agent_id} is not known.",
                errors=[{"path": "body.named_agent_id", "message": "unknown employee", "type": "unknown_reference"}],
            )
    return await _open(
        session,
        owner=owner,
        category=category,
        channel=data.channel,
        customer_contact=data.customer_contact.strip(),
        description=data.description,
        named_agent_id=data.named_agent_id,
        emergency=data.emergency,
        handover_item_id=None,
        now=now,
        actor=principal,
    )


async def _open(
    session: AsyncSession,
    *,
    owner: Person,
    category: Category,
    channel: Channel,
    customer_contact: str,
    description: str,
    named_agent_id: uuid.UUID | None,
    emergency: bool,
    handover_item_id: uuid.UUID | None,
    now: datetime,
    actor: Principal | Person,
) -> Case:
    if not category.active:
        raise InvalidInput(f"The category {category.code!r} is no longer in use.")
    handler = await _handler_at(session, owner, category.entry_level)
    case = Case(
        id=uuid.uuid4(),
        number=await _next_number(session, now),
        category_id=category.id,
        category_code=category.code,
        channel=channel.value,
        customer_contact=customer_contact,
        description=description,
        named_agent_id=named_agent_id,
        emergency=emergency,
        owner_id=owner.id,
        owner_team_id=owner.team_id,
        status=OPEN,
        allowances=list(category.level_minutes),
        warning_minutes=category.warning_minutes,
        emergency_report_minutes=category.emergency_report_minutes,
        handover_item_id=handover_item_id,
        reply_breached=False,
        opened_at=now,
    )
    session.add(case)
    await _start_level(session, case, handler, now)
    await _record(
        session, case, action="opened", at=now, actor=actor, owner_id=owner.id, handler_id=handler.id,
        category=category.code, channel=channel.value, emergency=emergency,
    )  # fmt: skip
    if channel in CUSTOMER_CHANNELS:
        case.reply_due_at = now + timedelta(minutes=category.reply_limit_minutes)
        await deadlines.schedule(session, kind=REPLY_DUE, ref_id=case.id, due_at=case.reply_due_at, now=now)
    if emergency:
        case.emergency_report_due_at = now + timedelta(minutes=case.emergency_report_minutes)
        await deadlines.schedule(
            session, kind=EMERGENCY_REPORT, ref_id=case.id, due_at=case.emergency_report_due_at, now=now
        )
    await outbox.add(
        session,
        CaseOpenedV1(
            case_id=case.id,
            number=case.number,
            category=category.code,
            level=case.level,
            owner_id=owner.id,
            handler_id=handler.id,
            emergency=emergency,
            channel=channel.value,
            handover_item_id=handover_item_id,
            opened_at=now,
        ),
        at=now,
    )
    if category.must_report:
        chain = [handler, *await superior_chain(session, handler.id)]
        notified = [p.id for p in chain]
        await _record(
            session, case, action="chain_notified", at=now, actor=None, notified_ids=[str(i) for i in notified]
        )
        await outbox.add(
            session,
            CaseChainNotifiedV1(
                case_id=case.id, number=case.number, category=category.code, level=case.level,
                notified_ids=notified, notified_at=now,
            ),
            at=now,
        )  # fmt: skip
    return case


async def open_from_handover_item(
    session: AsyncSession,
    *,
    item_id: uuid.UUID,
    owner_id: uuid.UUID,
    title: str,
    description: str,
    progress: str,
    contacts: str,
    reason: str,
    now: datetime,
) -> Case:
    """A handover item that may not be carried again becomes a case at level 2 (HND-8)."""
    existing = await session.scalar(select(Case).where(Case.handover_item_id == item_id, Case.status == OPEN))
    if existing is not None:
        return existing
    owner = await get_person(session, owner_id)
    category = await categories.by_code(session, categories.HANDOVER_ITEM, now)
    text = "\n\n".join(part for part in (title, description, f"Progress: {progress}" if progress else "") if part)
    return await _open(
        session,
        owner=owner,
        category=category,
        channel=Channel.handover_item,
        customer_contact=contacts,
        description=f"{text}\n\n(escalated from a handover: {reason})",
        named_agent_id=None,
        emergency=False,
        handover_item_id=item_id,
        now=now,
        actor=owner,
    )


# Moving through the chain


async def acknowledge(session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, now: datetime) -> Case:
    """The handler takes the case; this is not resolving it and the level's clock keeps running."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    _require_open(case)
    if principal.employee_id != case.handler_id:
        raise Forbidden(f"Only the current handler of {case.number} can take it.")
    case.acknowledged_at = now
    case.updated_at = now
    await _record(session, case, action="acknowledged", at=now, actor=principal)
    await outbox.add(
        session,
        CaseAcknowledgedV1(
            case_id=case.id, number=case.number, level=case.level, handler_id=case.handler_id, acknowledged_at=now
        ),
        at=now,
    )
    return case


async def escalate(
    session: AsyncSession,
    *,
    principal: Principal,
    case_id: uuid.UUID,
    reason: str,
    to_level: int | None,
    to_handler_id: uuid.UUID | None,
    now: datetime,
) -> Case:
    """Pass the case one level up, to the current handler's direct superior; never further (ESC-4)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    _require_open(case)
    if principal.employee_id not in (case.handler_id, case.owner_id):
        raise Forbidden(f"Only the owner or the current handler of {case.number} may escalate it.")
    if case.level >= 5:
        raise LevelSkipped("The case is at level 5, the top of the chain; there is no level above to pass it to.")
    if to_level is not None and to_level != case.level + 1:
        raise LevelSkipped(
            f"A case moves one level at a time: from level {case.level} it can go only to level {case.level + 1}, "
            f"not to level {to_level}."
        )
    if to_handler_id is not None:
        handler = await get_person(session, case.handler_id)
        if to_handler_id != handler.superior_id:
            raise LevelSkipped(
                f"A case goes to the direct superior of its current handler ({handler.name}), not to anyone else."
            )
    await _climb(session, case, now, actor=principal, automatic=False, reason=reason)
    return case


async def resolve(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, resolution: str, now: datetime
) -> Case:
    """Close the case with a resolution; a case is never closed silently (ESC-5)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    _require_open(case)
    await _require_holder(session, principal, case, "resolve it")
    if not resolution.strip():
        raise SilentClose("A case cannot be closed without a resolution: say what was done for the customer.")
    await _end_level(session, case, now, "resolved")
    case.status = RESOLVED
    case.resolution = resolution.strip()
    case.resolved_by = principal.employee_id
    case.resolved_at = now
    case.updated_at = now
    if case.replied_at is None and case.reply_due_at is not None and not case.reply_breached:
        case.replied_at = now
        await deadlines.cancel(session, ref_id=case.id, now=now, kind=REPLY_DUE)
    await _record(session, case, action="resolved", at=now, actor=principal, resolution=case.resolution)
    await outbox.add(
        session,
        CaseResolvedV1(
            case_id=case.id,
            number=case.number,
            resolution=case.resolution,
            resolved_by=principal.employee_id,
            resolved_at=now,
            handover_item_id=case.handover_item_id,
        ),
        at=now,
    )
    return case


async def _reopen(session: AsyncSession, case: Case, now: datetime, *, actor: Principal | None, reason: str) -> None:
    case.status = OPEN
    case.resolution = None
    case.resolved_by = None
    case.resolved_at = None
    await _start_level(session, case, await get_person(session, case.handler_id), now)
    await _record(session, case, action="reopened", at=now, actor=actor, reason=reason)
    await outbox.add(
        session,
        CaseReopenedV1(
            case_id=case.id,
            number=case.number,
            level=case.level,
            handler_id=case.handler_id,
            reopened_by=actor.employee_id if actor else None,
            reason=reason,
            reopened_at=now,
        ),
        at=now,
    )


async def reopen(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, reason: str, now: datetime
) -> Case:
    """Open a resolved case again at the level that closed it, with a fresh clock from its fixed allowance."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    if case.status != RESOLVED:
        raise Conflict(f"Case {case.number} is still open.")
    if not await in_chain(session, principal, case):
        raise Forbidden(f"Only the owner of {case.number} or someone in its chain may reopen it.")
    await _reopen(session, case, now, actor=principal, reason=reason)
    return case


async def file_emergency_report(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, text: str, now: datetime
) -> Case:
    """The handler of an emergency reports to their direct superior after acting (ESC-6)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    if not case.emergency:
        raise NotAnEmergency(f"Case {case.number} is not an emergency; there is no post-hoc report to file.")
    if principal.employee_id != case.handler_id and not await _held_by(session, case, principal.employee_id):
        raise Forbidden(f"Only someone who handled {case.number} may file its emergency report.")
    if case.emergency_reported_at is not None:
        raise Conflict(f"The emergency report of {case.number} was already filed.")
    reporter = await get_person(session, principal.employee_id)
    case.emergency_report = text
    case.emergency_reported_at = now
    case.updated_at = now
    await deadlines.cancel(session, ref_id=case.id, now=now, kind=EMERGENCY_REPORT)
    await _record(
        session, case, action="emergency_reported", at=now, actor=principal, to=reporter.superior_id, text=text
    )
    await outbox.add(
        session,
        CaseEmergencyReportedV1(
            case_id=case.id, number=case.number, reported_by=principal.employee_id,
            reported_to=reporter.superior_id, reported_at=now,
        ),
        at=now,
    )  # fmt: skip
    return case


async def record_reply(session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, now: datetime) -> Case:
    """The customer got an answer (ESC-9): stops the reply clock."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    if principal.employee_id not in (case.owner_id, case.handler_id):
        raise Forbidden(f"Only the owner or the current handler of {case.number} answers the customer.")
    if case.replied_at is not None:
        raise Conflict(f"The customer of {case.number} was already answered.")
    case.replied_at = now
    case.updated_at = now
    await deadlines.cancel(session, ref_id=case.id, now=now, kind=REPLY_DUE)
    await _record(session, case, action="reply_recorded", at=now, actor=principal, late=case.reply_breached)
    return case


async def give_instruction(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, text: str, now: datetime
) -> CaseInstruction:
    """Record a superior's instruction in detail on the case (ESC-7)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    superiors = {p.id for p in await superior_chain(session, case.owner_id)}
    superiors |= {p.id for p in await superior_chain(session, case.handler_id)}
    if principal.employee_id not in superiors:
        raise NotASuperior(
            f"Instructions on {case.number} come from a superior in its chain (above the owner or the handler)."
        )
    instruction = CaseInstruction(
        id=uuid.uuid4(), case_id=case.id, given_by=principal.employee_id, given_by_level=principal.level,
        text=text, given_at=now,
    )  # fmt: skip
    session.add(instruction)
    case.updated_at = now
    await _record(
        session, case, action="instruction", at=now, actor=principal, instruction_id=instruction.id, text=text
    )
    await outbox.add(
        session,
        CaseInstructionRecordedV1(
            case_id=case.id, number=case.number, instruction_id=instruction.id,
            given_by=principal.employee_id, given_by_level=principal.level, recorded_at=now,
        ),
        at=now,
    )  # fmt: skip
    return instruction


async def assign_department(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, handler_id: uuid.UUID, note: str, now: datetime
) -> Case:
    """The duty chief (L3) or GM names a handler in another department (ESC-10)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    _require_open(case)
    if principal.level < 3:
        raise DepartmentRule("Cross-department cases are coordinated by the duty chief (level 3) or the GM.")
    target = await find_person(session, handler_id)
    if target is None or not target.active:
        raise InvalidInput(
            f"The handler {handler_id} is not an active employee.",
            errors=[{"path": "body.handler_id", "message": "unknown employee", "type": "unknown_reference"}],
        )
    if target.team_id is None or target.team_id == case.owner_team_id:
        raise DepartmentRule(
            "The named handler must belong to another department than the case's owner; "
            "inside the department the case follows the chain."
        )
    case.department_handler_id = target.id
    case.department_result = None
    case.updated_at = now
    await _record(session, case, action="department_assigned", at=now, actor=principal, handler_id=target.id, note=note)
    await outbox.add(
        session,
        CaseDepartmentAssignedV1(
            case_id=case.id, number=case.number, department_handler_id=target.id,
            department_team_id=target.team_id, assigned_by=principal.employee_id, assigned_at=now,
        ),
        at=now,
    )  # fmt: skip
    return case


async def record_department_result(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, text: str, now: datetime
) -> Case:
    """The other department's handler reports back through the center, which informs the customer (ESC-10)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    if principal.employee_id != case.department_handler_id:
        raise DepartmentRule("Only the handler named for the other department reports its result.")
    case.department_result = text
    case.updated_at = now
    await _record(session, case, action="department_result", at=now, actor=principal, text=text)
    return case


async def record_callback(
    session: AsyncSession,
    *,
    principal: Principal,
    case_id: uuid.UUID,
    reached: bool,
    satisfied: bool | None,
    note: str,
    now: datetime,
) -> Case:
    """The center calls the customer back after resolution and records the result (ESC-11)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    if case.status != RESOLVED:
        raise CallbackBeforeResolution(f"Case {case.number} is not resolved yet; the call back comes after resolution.")
    if not await in_chain(session, principal, case):
        raise Forbidden(f"Only the owner of {case.number} or someone in its chain calls the customer back.")
    case.callback_at = now
    case.callback_reached = reached
    case.callback_satisfied = satisfied if reached else None
    case.callback_note = note
    case.updated_at = now
    await _record(
        session, case, action="callback", at=now, actor=principal, reached=reached, satisfied=satisfied, note=note
    )
    await outbox.add(
        session,
        CaseCallbackRecordedV1(
            case_id=case.id, number=case.number, reached=reached, satisfied=case.callback_satisfied,
            recorded_by=principal.employee_id, called_at=now,
        ),
        at=now,
    )  # fmt: skip
    return case


async def attempt_shirk(
    session: AsyncSession,
    *,
    principal: Principal,
    case_id: uuid.UUID,
    attempt: str,
    reason: str,
    to_employee_id: uuid.UUID | None,
    now: datetime,
) -> DomainError:
    """Handing the customer relationship off or refusing a case is refused and recorded against them (ESC-1).

    Returns the refusal instead of raising it, so the record of the attempt commits.
    """
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    if principal.employee_id not in (case.owner_id, case.handler_id):
        return Forbidden(f"Case {case.number} is not yours to hand off or refuse.")
    await _record(
        session, case, action="shirk_attempt", at=now, actor=principal, attempt=attempt, reason=reason,
        to_employee_id=to_employee_id,
    )  # fmt: skip
    await outbox.add(
        session,
        CaseShirkedV1(
            case_id=case.id, number=case.number, employee_id=principal.employee_id, attempt=attempt,
            reason=reason, shirked_at=now,
        ),
        at=now,
    )  # fmt: skip
    role = "owner" if principal.employee_id == case.owner_id else "handler"
    return ShirkRefused(
        f"As the {role} of {case.number} you may not {'hand it off' if attempt == 'handoff' else 'refuse it'}: "
        "whoever receives a case keeps it until it is closed (escalate it if it is beyond you). "
        "The attempt has been recorded.",
    )


async def attribute(
    session: AsyncSession,
    *,
    principal: Principal,
    case_id: uuid.UUID,
    agent_id: uuid.UUID | None,
    note: str,
    zone: tzinfo,
    now: datetime,
) -> Case:
    """An L2+ verifies that a complaint is attributable to an agent; performance counts it (ESC-12).

    The complaint is dated by the center's calendar (`zone`), so it counts in the center's month (PRF-7a)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    if principal.level < 2:
        raise Forbidden("Only a team leader or above verifies that a complaint is attributable to an agent.")
    category = await categories.get(session, case.category_id)
    if not category.attributable:
        raise NotAttributable(f"Cases of category {category.code!r} are not complaints that count against an agent.")
    agent_id = agent_id or case.named_agent_id
    if agent_id is None:
        raise NotAttributable("Name the agent the complaint is about; the customer named nobody.")
    agent = await find_person(session, agent_id)
    if agent is None or agent.level != 1:
        raise NotAttributable("A complaint is attributed to an agent (level 1) known in the directory.")
    if case.attributed_agent_id is not None:
        raise Conflict(f"The complaint of {case.number} is already attributed.")
    case.attributed_agent_id = agent.id
    case.attributed_at = now
    case.updated_at = now
    await _record(session, case, action="attributed", at=now, actor=principal, agent_id=agent.id, note=note)
    await outbox.add(
        session,
        ComplaintAttributedV1(
            case_id=case.id, agent_id=agent.id, verified_by=principal.employee_id, category=category.code,
            complaint_date=case.opened_at.astimezone(zone).date(), attributed_at=now,
        ),
        at=now,
    )  # fmt: skip
    return case


# Deadlines (fired by the worker)


async def _live_many(
    session: AsyncSession, dues: Sequence[deadlines.Due]
) -> list[tuple[deadlines.Due, Case, CaseStint]]:
    """Level deadlines whose case still sits in the stint they were set for, with that case and stint.

    The cases are locked in id order, so concurrent batches never wait on each other in a cycle.
    """
    case_ids = {uuid.UUID(due.ref_id) for due in dues}
    cases = {
        case.id: case
        for case in await session.scalars(
            select(Case)
            .where(Case.id.in_(case_ids))
            .order_by(Case.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    open_stints: dict[uuid.UUID, CaseStint] = {}
    for open_stint in await session.scalars(
        select(CaseStint).where(CaseStint.case_id.in_(case_ids), CaseStint.ended_at.is_(None)).order_by(CaseStint.id)
    ):
        open_stints[open_stint.case_id] = open_stint  # the latest open stint is the current one
    live: list[tuple[deadlines.Due, Case, CaseStint]] = []
    for due in dues:
        case = cases.pop(uuid.UUID(due.ref_id), None)  # popped: one effect per case, even if asked twice
        stint = open_stints.get(case.id) if case is not None else None
        if case is not None and case.status == OPEN and stint is not None and stint.id == due.payload.get("stint_id"):
            live.append((due, case, stint))
    return live


async def on_level_timeouts(session: AsyncSession, dues: Sequence[deadlines.Due], now: datetime) -> None:
    """Levels whose time ran out: each case climbs one level (ESC-3), or raises the overdue alert at level 5.

    Fired in batches: the whole batch costs a few statements, however many cases it holds.
    """
    live = await _live_many(session, dues)
    handlers = await people_by_id(session, {case.handler_id for _, case, _ in live})
    superiors = await people_by_id(session, {h.superior_id for h in handlers.values() if h.superior_id})
    climbs: list[_Climb] = []
    alerts: list[CaseOverdueV1] = []
    for due, case, stint in live:
        handler = handlers.get(case.handler_id)
        superior = superiors.get(handler.superior_id) if handler and handler.superior_id else None
        if case.level < 5 and superior is not None and superior.level == case.level + 1:
            minutes = case.allowances[case.level - 1]
            reason = f"Not resolved within {minutes} minutes at level {case.level}."
            climbs.append(_Climb(case, superior, reason, stint))
            continue
        if case.level < 5:  # nobody one level up in the directory: raise the alarm instead of retrying forever
            blocked = _no_superior_above(handler, case.level)
            await _record(session, case, action="escalation_blocked", at=now, actor=None, reason=blocked)
        case.overdue_at = now
        case.updated_at = now
        await _record(session, case, action="overdue", at=now, actor=None, due_at=due.due_at)
        alerts.append(
            CaseOverdueV1(
                case_id=case.id, number=case.number, level=case.level, handler_id=case.handler_id,
                due_at=due.due_at, overdue_at=now,
            )
        )  # fmt: skip
    await outbox.add_many(session, alerts, at=now)
    await _climb_many(session, climbs, now, actor=None, automatic=True)


async def on_level_warning(session: AsyncSession, due: deadlines.Due, now: datetime) -> None:
    """Tell the current handler that the level's time is about to run out."""
    live = await _live_many(session, [due])
    if not live:
        return
    [(_due, case, _stint)] = live
    await _record(session, case, action="deadline_warning", at=now, actor=None, due_at=case.level_due_at)
    await outbox.add(
        session,
        CaseDeadlineWarningV1(
            case_id=case.id, number=case.number, level=case.level, handler_id=case.handler_id,
            due_at=case.level_due_at, warned_at=now,
        ),
        at=now,
    )  # fmt: skip


async def on_emergency_report_due(session: AsyncSession, due: deadlines.Due, now: datetime) -> None:
    """No report after an emergency: the missing report is itself escalated (ESC-6)."""
    case = await session.scalar(
        select(Case).where(Case.id == uuid.UUID(due.ref_id)).with_for_update().execution_options(populate_existing=True)
    )
    if case is None or case.emergency_reported_at is not None:
        return
    await _record(session, case, action="emergency_report_missing", at=now, actor=None, due_at=due.due_at)
    reason = "Emergency handled without the report to the direct superior within the time allowed (ESC-6)."
    if case.status == RESOLVED:
        await _reopen(session, case, now, actor=None, reason=reason)
    if case.level < 5:
        await _climb(
            session, case, now, actor=None, automatic=True, reason=reason, action="escalated_for_missing_report"
        )
    else:
        case.overdue_at = now
        await outbox.add(
            session,
            CaseOverdueV1(
                case_id=case.id, number=case.number, level=case.level, handler_id=case.handler_id,
                due_at=due.due_at, overdue_at=now,
            ),
            at=now,
        )  # fmt: skip


async def on_reply_due(session: AsyncSession, due: deadlines.Due, now: datetime) -> None:
    """The customer was not answered in time: count the breach (ESC-9)."""
    case = await session.scalar(
        select(Case).where(Case.id == uuid.UUID(due.ref_id)).with_for_update().execution_options(populate_existing=True)
    )
    if case is None or case.replied_at is not None or case.reply_breached:
        return
    case.reply_breached = True
    case.updated_at = now
    await _record(session, case, action="reply_breached", at=now, actor=None, due_at=due.due_at)
    await outbox.add(
        session,
        CaseReplyOverdueV1(
            case_id=case.id, number=case.number, category=case.category_code, owner_id=case.owner_id,
            reply_due_at=due.due_at, breached_at=now,
        ),
        at=now,
    )  # fmt: skip


DEADLINE_HANDLERS: dict[str, deadlines.Handler] = {
    LEVEL_TIMEOUT: deadlines.FiresInBatches(on_level_timeouts),
    LEVEL_WARNING: on_level_warning,
    EMERGENCY_REPORT: on_emergency_report_due,
    REPLY_DUE: on_reply_due,
}


# Queries


async def contact_visible_ids(session: AsyncSession, principal: Principal, cases: Sequence[Case]) -> set[uuid.UUID]:
    """Which of `cases` show the customer contact to the caller: only those whose chain they are in."""
    if not cases:
        return set()
    me = principal.employee_id
    below = await subordinate_ids(session, me)
    held = set(
        (
            await session.scalars(
                select(CaseStint.case_id).where(
                    CaseStint.handler_id == me, CaseStint.case_id.in_([c.id for c in cases])
                )
            )
        ).all()
    )
    return {c.id for c in cases if c.owner_id == me or c.owner_id in below or c.id in held}


async def list_cases(
    session: AsyncSession,
    *,
    principal: Principal,
    now: datetime,
    mine: bool,
    status: str | None,
    level: int | None,
    category: str | None,
    overdue: bool,
    limit: int,
    offset: int,
) -> tuple[Sequence[Case], int]:
    """The cases the caller may see, newest first, with filters."""
    me = principal.employee_id
    held = select(CaseStint.case_id).where(CaseStint.handler_id == me)
    query = select(Case)
    conditions: list[ColumnElement[bool]] = []
    if mine:
        conditions.append(or_(Case.owner_id == me, Case.handler_id == me))
    else:
        visible = await visible_employee_ids(session, principal)
        if visible is not None:
            conditions.append(
                or_(
                    Case.owner_id.in_(visible),
                    Case.handler_id.in_(visible),
                    Case.department_handler_id == me,
                    Case.id.in_(held),
                )
            )
    if status is not None:
        conditions.append(Case.status == status)
    if level is not None:
        conditions.append(Case.level == level)
    if category is not None:
        conditions.append(Case.category_code == category)
    if overdue:
        conditions.append(and_(Case.status == OPEN, or_(Case.overdue_at.is_not(None), Case.level_due_at <= now)))
    if conditions:
        query = query.where(*conditions)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = (
        await session.scalars(query.order_by(Case.opened_at.desc(), Case.number.desc()).limit(limit).offset(offset))
    ).all()
    return rows, int(total or 0)


async def history(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[CaseHistory], int]:
    """Every change to the case in order; readable by anyone in its chain (ESC-5)."""
    case = await read(session, principal=principal, case_id=case_id)
    query = select(CaseHistory).where(CaseHistory.case_id == case.id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = (await session.scalars(query.order_by(CaseHistory.seq).limit(limit).offset(offset))).all()
    return rows, int(total or 0)


async def stints(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, limit: int, offset: int
) -> Sequence[CaseStint]:
    """Who held the case at which level, and for how long."""
    case = await read(session, principal=principal, case_id=case_id)
    query = select(CaseStint).where(CaseStint.case_id == case.id).order_by(CaseStint.id)
    return (await session.scalars(query.limit(limit).offset(offset))).all()


async def instructions(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[CaseInstruction], int]:
    case = await read(session, principal=principal, case_id=case_id)
    query = select(CaseInstruction).where(CaseInstruction.case_id == case.id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = (await session.scalars(query.order_by(CaseInstruction.given_at).limit(limit).offset(offset))).all()
    return rows, int(total or 0)


def _require_reports_reader(principal: Principal) -> None:
    if principal.level < 3:
        raise Forbidden("Center-wide case reports are for level 3 and above.")


async def time_per_level(
    session: AsyncSession, *, principal: Principal, category: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """How long cases stayed at each level before they were resolved or moved on."""
    _require_reports_reader(principal)
    query = select(
        CaseStint.level,
        func.count().label("stints"),
        func.sum(sql_case((CaseStint.outcome == "resolved", 1), else_=0)).label("resolved_here"),
        func.avg(CaseStint.seconds).label("average"),
        func.max(CaseStint.seconds).label("longest"),
    ).where(CaseStint.seconds.is_not(None))
    if category is not None:
        query = query.join(Case, Case.id == CaseStint.case_id).where(Case.category_code == category)
    grouped = query.group_by(CaseStint.level)
    total = await session.scalar(select(func.count()).select_from(grouped.subquery()))
    rows = (await session.execute(grouped.order_by(CaseStint.level).limit(limit).offset(offset))).all()
    items = [
        {
            "level": row.level,
            "stints": int(row.stints),
            "resolved_here": int(row.resolved_here or 0),
            "average_minutes": round(float(row.average or 0) / 60, 2),
            "longest_minutes": round(float(row.longest or 0) / 60, 2),
        }
        for row in rows
    ]
    return items, int(total or 0)


async def breach_counts(
    session: AsyncSession, *, principal: Principal, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Missed deadlines per category: level time-outs, overdue at the top, late replies, missing reports."""
    _require_reports_reader(principal)

    def count(action: str) -> Any:
        return func.sum(sql_case((CaseHistory.action == action, 1), else_=0))

    grouped = (
        select(
            CaseHistory.category_code,
            count("escalated_on_timeout").label("level_timeouts"),
            count("overdue").label("overdue_at_top"),
            count("reply_breached").label("reply_breaches"),
            count("emergency_report_missing").label("missing_emergency_reports"),
            func.count().label("total"),
        )
        .where(CaseHistory.action.in_(BREACH_ACTIONS))
        .group_by(CaseHistory.category_code)
    )
    total = await session.scalar(select(func.count()).select_from(grouped.subquery()))
    rows = (await session.execute(grouped.order_by(CaseHistory.category_code).limit(limit).offset(offset))).all()
    items = [
        {
            "category": row.category_code,
            "level_timeouts": int(row.level_timeouts or 0),
            "overdue_at_top": int(row.overdue_at_top or 0),
            "reply_breaches": int(row.reply_breaches or 0),
            "missing_emergency_reports": int(row.missing_emergency_reports or 0),
            "total": int(row.total),
        }
        for row in rows
    ]
    return items, int(total or 0)
