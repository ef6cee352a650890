"""Opening a case: by its first receiver (ESC-1), or from a handover item that may not be carried again (HND-8).

Opening is the service's main write, so it runs few statements, each built once: the owner, the category
and a named agent in one read; the case's number, the case, its first stint and history line in one more
on PostgreSQL (`first_rows`); its deadlines; its events. The answer is made from the values written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.acting import Seat, seats_of
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.escalation import CaseChainNotifiedV1, CaseOpenedV1
from callcenter_shared.envelope import Event
from callcenter_shared.errors import Forbidden, InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.org import Person, get_person, org_employee, superior_chain
from escalation.case import first_rows, history
from escalation.case.chain import handler_at, level_clocks
from escalation.case.deadlines import EMERGENCY_REPORT, REPLY_DUE
from escalation.case.models import Case, CaseStatus
from escalation.case.rules import ContactMissing
from escalation.case.schemas import CUSTOMER_CHANNELS, CaseCreate, CaseRead, Channel
from escalation.case.views import paused_minutes
from escalation.category import service as categories
from escalation.category.models import Category

_CATEGORY = cast(Table, Category.__table__)
_NAMED = org_employee.alias("named_agent")
_POLICY_FIELDS = (
    "id", "code", "active", "entry_level", "level_minutes", "reply_limit_minutes", "warning_minutes",
    "emergency_report_minutes", "must_report",
)  # fmt: skip
# The owner (any row: an unknown owner is refused), the category by its code and the named agent, if any.
_OWNER_CATEGORY_AGENT = (
    select(
        *org_employee.c,
        *(_CATEGORY.c[field].label(f"category_{field}") for field in _POLICY_FIELDS),
        _NAMED.c.id.label("named_agent_id"),
        _NAMED.c.name.label("named_agent_name"),
    )
    .select_from(
        org_employee.outerjoin(_CATEGORY, _CATEGORY.c.code == bindparam("category", type_=String())).outerjoin(
            _NAMED, _NAMED.c.id == bindparam("named_agent_id", type_=_NAMED.c.id.type)
        )
    )
    .where(org_employee.c.id == bindparam("owner_id", type_=org_employee.c.id.type))
)
_PERSON_FIELDS = tuple(Person.__dataclass_fields__)


@dataclass(frozen=True)
class Policy:
    """What opening a case takes from its category (ESC-2, ESC-6, ESC-8, ESC-9)."""

    id: uuid.UUID
    code: str
    active: bool
    entry_level: int
    level_minutes: list[int]
    reply_limit_minutes: int
    warning_minutes: int
    emergency_report_minutes: int
    must_report: bool

    @classmethod
    def of(cls, category: Category) -> Policy:
        return cls(*(getattr(category, field) for field in _POLICY_FIELDS))


async def open_case(session: AsyncSession, *, principal: Principal, data: CaseCreate, now: datetime) -> CaseRead:
    """The first receiver opens a case and owns the customer relationship until it is closed (ESC-1)."""
    params = {"owner_id": principal.employee_id, "category": data.category, "named_agent_id": data.named_agent_id}
    row = (await session.execute(_OWNER_CATEGORY_AGENT, params)).mappings().first()
    if row is None or not row["active"]:
        raise Forbidden(t("You are not (yet) in the org directory here, so you cannot open cases."))
    owner = Person(*(row[field] for field in _PERSON_FIELDS))
    if row["category_id"] is not None:
        category = Policy(*(row[f"category_{field}"] for field in _POLICY_FIELDS))
    else:  # unknown here: the defaults may not be seeded yet, or there is no such category
        category = Policy.of(await categories.by_code(session, data.category, now))
    if data.channel in CUSTOMER_CHANNELS and not data.customer_contact.strip():
        raise ContactMissing(
            t("Record the customer's contact: the customer must get a reply within the category's time limit.")
        )
    if data.named_agent_id is not None and row["named_agent_id"] is None:
        raise InvalidInput(
            t("The named agent {named_agent_id} is not known.", named_agent_id=data.named_agent_id),
            errors=[{"path": "body.named_agent_id", "message": t("unknown employee"), "type": "unknown_reference"}],
        )
    return await _open(
        session,
        owner=owner,
        category=category,
        channel=data.channel,
        customer_contact=data.customer_contact.strip(),
        description=data.description,
        named_agent=(data.named_agent_id, row["named_agent_name"]) if data.named_agent_id is not None else None,
        emergency=data.emergency,
        handover_item_id=None,
        now=now,
        actor=principal,
    )


async def _open(
    session: AsyncSession,
    *,
    owner: Person,
    category: Policy,
    channel: Channel,
    customer_contact: str,
    description: str,
    named_agent: tuple[uuid.UUID, str] | None,
    emergency: bool,
    handover_item_id: uuid.UUID | None,
    now: datetime,
    actor: Principal | Person,
) -> CaseRead:
    if not category.active:
        raise InvalidInput(t("The category {code!r} is no longer in use.", code=category.code))
    seat = await handler_at(session, owner, category.entry_level)  # an absent person's delegate holds it (ESC-14)
    handler = seat.holder
    case_id, level = uuid.uuid4(), seat.level
    level_due_at = now + timedelta(minutes=category.level_minutes[level - 1])
    reply_due_at = now + timedelta(minutes=category.reply_limit_minutes) if channel in CUSTOMER_CHANNELS else None
    emergency_report_due_at = now + timedelta(minutes=category.emergency_report_minutes) if emergency else None
    case: dict[str, Any] = dict.fromkeys(first_rows.CASE_COLUMNS) | {
        "id": case_id,
        "category_id": category.id,
        "category_code": category.code,
        "channel": channel.value,
        "customer_contact": customer_contact,
        "description": description,
        "named_agent_id": named_agent[0] if named_agent is not None else None,
        "emergency": emergency,
        "owner_id": owner.id,
        "owner_team_id": owner.team_id,
        "handler_id": handler.id,
        "acting_for_id": seat.acting_for_id,
        "level": level,
        "status": CaseStatus.open.value,
        "allowances": list(category.level_minutes),
        "warning_minutes": category.warning_minutes,
        "emergency_report_minutes": category.emergency_report_minutes,
        "level_started_at": now,
        "level_due_at": level_due_at,
        "reply_due_at": reply_due_at,
        "reply_breached": False,
        "emergency_report_due_at": emergency_report_due_at,
        "handover_item_id": handover_item_id,
        "paused_clocks": [],
        "paused_seconds": 0,
        "opened_at": now,
        "updated_at": now,
    }
    stint = {"level": level, "handler_id": handler.id, "acting_for_id": seat.acting_for_id, "started_at": now}
    stint["paused_seconds"] = 0
    where: dict[str, Any] = {"case_id": case_id, "case_level": level, "category_code": category.code}
    opened = history.line(
        **where, action="opened", at=now, actor=actor, owner_id=owner.id, handler_id=handler.id,
        acting_for_id=seat.acting_for_id, category=category.code, channel=channel.value, emergency=emergency,
    )  # fmt: skip
    case["number"], stint_id = await first_rows.write(session, year=now.year, case=case, stint=stint, line=opened)
    clocks = level_clocks(case_id, level, stint_id, level_due_at, category.warning_minutes, now)
    if reply_due_at is not None:
        clocks.append(deadlines.NewDeadline(REPLY_DUE, case_id, reply_due_at))
    if emergency_report_due_at is not None:
        clocks.append(deadlines.NewDeadline(EMERGENCY_REPORT, case_id, emergency_report_due_at))
    await deadlines.schedule_many(session, clocks, now=now)
    events: list[Event] = [
        CaseOpenedV1(
            case_id=case_id,
            number=case["number"],
            category=category.code,
            level=level,
            owner_id=owner.id,
            handler_id=handler.id,
            acting_for_id=seat.acting_for_id,
            emergency=emergency,
            channel=channel.value,
            handover_item_id=handover_item_id,
            opened_at=now,
        )
    ]
    if category.must_report:
        seated = seat.absent or handler
        chain = [seated, *await superior_chain(session, seated.id)]
        # Whoever acts for an absent person in the chain hears of it too: nobody reports into a void (ESC-14).
        seats = await seats_of(session, chain)
        notified = list(dict.fromkeys(i for p in chain for i in (seats[p.id].holder.id, p.id)))
        notice = history.line(
            **where, action="chain_notified", at=now, actor=None, notified_ids=[str(i) for i in notified]
        )
        await history.append(session, [notice])
        events.append(
            CaseChainNotifiedV1(
                case_id=case_id, number=case["number"], category=category.code, level=level,
                notified_ids=notified, notified_at=now,
            )
        )  # fmt: skip
    await outbox.add_many(session, events, at=now)
    return _opened(case, owner=owner, seat=seat, named_agent=named_agent)


def _opened(case: dict[str, Any], *, owner: Person, seat: Seat, named_agent: tuple[uuid.UUID, str] | None) -> CaseRead:
    """The new case as its owner sees it, from the values just written (nothing else is set yet)."""
    return CaseRead(
        id=case["id"],
        number=case["number"],
        category=case["category_code"],
        channel=case["channel"],
        customer_contact=case["customer_contact"],
        description=case["description"],
        named_agent_id=case["named_agent_id"],
        named_agent_name=named_agent[1] if named_agent is not None else None,
        emergency=case["emergency"],
        owner_id=owner.id,
        owner_name=owner.name,
        handler_id=seat.holder.id,
        handler_name=seat.holder.name,
        acting_for_id=seat.acting_for_id,
        acting_for_name=seat.absent.name if seat.absent is not None else None,
        level=case["level"],
        status=case["status"],
        allowances_minutes=case["allowances"],
        level_started_at=case["level_started_at"],
        level_due_at=case["level_due_at"],
        acknowledged_at=None,
        overdue_at=None,
        reply_due_at=case["reply_due_at"],
        replied_at=None,
        reply_breached=False,
        emergency_report_due_at=case["emergency_report_due_at"],
        emergency_reported_at=None,
        department_handler_id=None,
        department_result=None,
        handover_item_id=case["handover_item_id"],
        resolution=None,
        resolved_by=None,
        resolved_at=None,
        callback_at=None,
        callback_reached=None,
        callback_satisfied=None,
        attributed_agent_id=None,
        paused_at=None,
        pause_waiting_on=None,
        pause_reason=None,
        pause_ends_at=None,
        paused_minutes=paused_minutes(0),
        opened_at=case["opened_at"],
    )


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
) -> None:
    """A handover item that may not be carried again becomes a case at level 2 (HND-8), once while it is open."""
    existing = await session.scalar(
        select(Case.id).where(Case.handover_item_id == item_id, Case.status == CaseStatus.open)
    )
    if existing is not None:
        return
    owner = await get_person(session, owner_id)
    category = await categories.by_code(session, categories.HANDOVER_ITEM, now)
    text = "\n\n".join(part for part in (title, description, f"Progress: {progress}" if progress else "") if part)
    await _open(
        session,
        owner=owner,
        category=Policy.of(category),
        channel=Channel.handover_item,
        customer_contact=contacts,
        description=f"{text}\n\n(escalated from a handover: {reason})",
        named_agent=None,
        emergency=False,
        handover_item_id=item_id,
        now=now,
        actor=owner,
    )
