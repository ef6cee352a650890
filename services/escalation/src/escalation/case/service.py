"""Use cases on an opened case: take, escalate, resolve, reopen, report, instruct, call back, attribute (ESC-1..12)."""

from __future__ import annotations

import uuid
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.acting import seat_of
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.escalation import (
    CaseAcknowledgedV1,
    CaseCallbackRecordedV1,
    CaseDepartmentAssignedV1,
    CaseEmergencyReportedV1,
    CaseInstructionRecordedV1,
    CaseResolvedV1,
    CaseShirkedV1,
    ComplaintAttributedV1,
)
from callcenter_shared.errors import Conflict, DomainError, Forbidden, InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.levels import is_agent, is_top, next_level_up
from callcenter_shared.org import find_person, get_person, superior_chain
from escalation import access
from escalation.access import held_by, in_chain, read, require_holder, require_open
from escalation.case import chain
from escalation.case.deadlines import EMERGENCY_REPORT, REPLY_DUE
from escalation.case.history import record
from escalation.case.models import Case, CaseInstruction, CaseStatus
from escalation.case.rules import (
    CallbackBeforeResolution,
    DepartmentRule,
    LevelSkipped,
    NotAnEmergency,
    NotASuperior,
    NotAttributable,
    ShirkRefused,
    SilentClose,
)
from escalation.category import service as categories


async def acknowledge(session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, now: datetime) -> Case:
    """The handler takes the case; this is not resolving it and the level's clock keeps running."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    require_open(case)
    if principal.employee_id != case.handler_id:
        raise Forbidden(t("Only the current handler of {number} can take it.", number=case.number))
    case.acknowledged_at = now
    case.updated_at = now
    await record(session, case, action="acknowledged", at=now, actor=principal)
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
    require_open(case)
    if principal.employee_id not in (case.handler_id, case.owner_id):
        raise Forbidden(t("Only the owner or the current handler of {number} may escalate it.", number=case.number))
    if is_top(case):
        raise LevelSkipped(t("The case is at level 5, the top of the chain; there is no level above to pass it to."))
    if to_level is not None and to_level != next_level_up(case.level):
        raise LevelSkipped(
            t(
                "A case moves one level at a time: from level {level} it can go only to level "
                "{next_level_up}, not to level {to_level}.",
                level=case.level,
                next_level_up=next_level_up(case.level),
                to_level=to_level,
            )
        )
    if to_handler_id is not None:
        handler = await chain.seat_person(session, case)
        superior = await find_person(session, handler.superior_id) if handler.superior_id else None
        # The direct superior, or whoever acts for them while they are absent (ESC-14).
        holder = (await seat_of(session, superior)).holder.id if superior is not None else None
        if to_handler_id not in (handler.superior_id, holder):
            raise LevelSkipped(
                t(
                    "A case goes to the direct superior of its current handler ({name}), not to anyone else.",
                    name=handler.name,
                )
            )
    await chain.move_up(session, case, now, actor=principal, automatic=False, reason=reason)
    return case


async def resolve(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, resolution: str, now: datetime
) -> Case:
    """Close the case with a resolution; a case is never closed silently (ESC-5)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    require_open(case)
    await require_holder(session, principal, case, t("resolve it"))
    if not resolution.strip():
        raise SilentClose(t("A case cannot be closed without a resolution: say what was done for the customer."))
    if case.paused_at is not None:  # resolving ends the wait; the history shows the pause closing first
        await chain.end_pause(session, case, now, actor=principal, why="resolved")
    await chain.end_level(session, case, now, "resolved")
    case.status = CaseStatus.resolved
    case.resolution = resolution.strip()
    case.resolved_by = principal.employee_id
    case.resolved_at = now
    case.updated_at = now
    if case.replied_at is None and case.reply_due_at is not None and not case.reply_breached:
        case.replied_at = now
        await deadlines.cancel(session, ref_id=case.id, now=now, kind=REPLY_DUE)
    await record(session, case, action="resolved", at=now, actor=principal, resolution=case.resolution)
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


async def reopen(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, reason: str, now: datetime
) -> Case:
    """Open a resolved case again at the level that closed it, with a fresh clock from its fixed allowance."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    if case.status != CaseStatus.resolved:
        raise Conflict(t("Case {number} is still open.", number=case.number))
    if not await in_chain(session, principal, case):
        raise Forbidden(t("Only the owner of {number} or someone in its chain may reopen it.", number=case.number))
    await chain.reopen(session, case, now, actor=principal, reason=reason)
    return case


async def file_emergency_report(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, text: str, now: datetime
) -> Case:
    """The handler of an emergency reports to their direct superior after acting (ESC-6)."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    if not case.emergency:
        raise NotAnEmergency(
            t("Case {number} is not an emergency; there is no post-hoc report to file.", number=case.number)
        )
    if principal.employee_id != case.handler_id and not await held_by(session, case, principal.employee_id):
        raise Forbidden(t("Only someone who handled {number} may file its emergency report.", number=case.number))
    if case.emergency_reported_at is not None:
        raise Conflict(t("The emergency report of {number} was already filed.", number=case.number))
    reporter = await get_person(session, principal.employee_id)
    case.emergency_report = text
    case.emergency_reported_at = now
    case.updated_at = now
    await deadlines.cancel(session, ref_id=case.id, now=now, kind=EMERGENCY_REPORT)
    await record(
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
        raise Forbidden(
            t("Only the owner or the current handler of {number} answers the customer.", number=case.number)
        )
    if case.replied_at is not None:
        raise Conflict(t("The customer of {number} was already answered.", number=case.number))
    case.replied_at = now
    case.updated_at = now
    await deadlines.cancel(session, ref_id=case.id, now=now, kind=REPLY_DUE)
    await record(session, case, action="reply_recorded", at=now, actor=principal, late=case.reply_breached)
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
            t(
                "Instructions on {number} come from a superior in its chain (above the owner or the handler).",
                number=case.number,
            )
        )
    instruction = CaseInstruction(
        id=uuid.uuid4(), case_id=case.id, given_by=principal.employee_id, given_by_level=principal.level,
        text=text, given_at=now,
    )  # fmt: skip
    session.add(instruction)
    case.updated_at = now
    await record(session, case, action="instruction", at=now, actor=principal, instruction_id=instruction.id, text=text)
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
    require_open(case)
    access.require_department_coordinator(principal)
    target = await find_person(session, handler_id)
    if target is None or not target.active:
        raise InvalidInput(
            t("The handler {handler_id} is not an active employee.", handler_id=handler_id),
            errors=[{"path": "body.handler_id", "message": t("unknown employee"), "type": "unknown_reference"}],
        )
    if target.team_id is None or target.team_id == case.owner_team_id:
        raise DepartmentRule(
            t(
                "The named handler must belong to another department than the case's owner; inside the "
                "department the case follows the chain."
            )
        )
    case.department_handler_id = target.id
    case.department_result = None
    case.updated_at = now
    await record(session, case, action="department_assigned", at=now, actor=principal, handler_id=target.id, note=note)
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
        raise DepartmentRule(t("Only the handler named for the other department reports its result."))
    case.department_result = text
    case.updated_at = now
    await record(session, case, action="department_result", at=now, actor=principal, text=text)
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
    if case.status != CaseStatus.resolved:
        raise CallbackBeforeResolution(
            t("Case {number} is not resolved yet; the call back comes after resolution.", number=case.number)
        )
    if not await in_chain(session, principal, case):
        raise Forbidden(
            t("Only the owner of {number} or someone in its chain calls the customer back.", number=case.number)
        )
    case.callback_at = now
    case.callback_reached = reached
    case.callback_satisfied = satisfied if reached else None
    case.callback_note = note
    case.updated_at = now
    await record(
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
        return Forbidden(t("Case {number} is not yours to hand off or refuse.", number=case.number))
    await record(
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
    role = t("owner") if principal.employee_id == case.owner_id else t("handler")
    return ShirkRefused(
        t(
            "As the {role} of {number} you may not {value}: whoever receives a case keeps it until it "
            "is closed (escalate it if it is beyond you). The attempt has been recorded.",
            role=role,
            number=case.number,
            value=t("hand it off") if attempt == "handoff" else t("refuse it"),
        ),
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
    case = await access.load(session, case_id, lock=True)
    acting_for_id = await access.require_complaint_verifier(session, principal, case)
    category = await categories.get(session, case.category_id)
    if not category.attributable:
        raise NotAttributable(
            t("Cases of category {code!r} are not complaints that count against an agent.", code=category.code)
        )
    agent_id = agent_id or case.named_agent_id
    if agent_id is None:
        raise NotAttributable(t("Name the agent the complaint is about; the customer named nobody."))
    agent = await find_person(session, agent_id)
    if agent is None or not is_agent(agent):
        raise NotAttributable(t("A complaint is attributed to an agent (level 1) known in the directory."))
    if case.attributed_agent_id is not None:
        raise Conflict(t("The complaint of {number} is already attributed.", number=case.number))
    case.attributed_agent_id = agent.id
    case.attributed_at = now
    case.updated_at = now
    await record(
        session, case, action="attributed", at=now, actor=principal, agent_id=agent.id, note=note,
        acting_for_id=acting_for_id,
    )  # fmt: skip
    await outbox.add(
        session,
        ComplaintAttributedV1(
            case_id=case.id, agent_id=agent.id, verified_by=principal.employee_id, category=category.code,
            complaint_date=case.opened_at.astimezone(zone).date(), attributed_at=now,
        ),
        at=now,
    )  # fmt: skip
    return case
