"""The organization as the other services see it (ORG-5): a read copy fed by events.

Scheduling owns the org directory and publishes `employee.upserted` and `team.upserted`;
each consuming service keeps these two tables up to date. The copy keeps the highest
version, so a late redelivery of an older event never overwrites a newer state.

This module holds the tables and plain questions about the structure (a person, a team,
the chain of superiors, everyone below someone); who may see whom is a policy, decided in
`callcenter_shared.visibility` and asked through each service's access module.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1, TeamUpsertedV1
from callcenter_shared.db import UtcDateTime, dialect_insert, new_metadata
from callcenter_shared.envelope import Envelope
from callcenter_shared.errors import NotFound
from callcenter_shared.i18n import t
from callcenter_shared.inbox import Batched, Subscriptions
from callcenter_shared.tables import inbox

_org = new_metadata()


class _Identified(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


T = TypeVar("T", bound=_Identified)

org_employee = Table(
    "org_employee",
    _org,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", Integer, nullable=False),
    Column("superior_id", Uuid, nullable=True, index=True),
    Column("team_id", Uuid, nullable=True, index=True),
    Column("agent_number", String(32), nullable=True),
    Column("certified", Boolean, nullable=False, default=False),
    Column("probation_end_date", Date, nullable=True),
    Column("birthday", Date, nullable=True),
    Column("hire_date", Date, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("version", Integer, nullable=False),
    # The login; every request looks the caller up by it (callcenter_shared.auth).
    Column("external_id", String(255), nullable=True, unique=True, index=True),
)

org_team = Table(
    "org_team",
    _org,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("leader_id", Uuid, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("version", Integer, nullable=False),
)


# Who acts for whom (LEV-7, ESC-14, ORG-7), as scheduling's events tell: a team leader on approved leave
# and the deputy holding the team's affairs, or a leaver's post and the successor named for it.
# `callcenter_shared.acting` keeps it and answers from it.
org_acting = Table(
    "org_acting",
    _org,
    Column("id", String(64), primary_key=True),  # "leave:<leave id>" or "left:<employee id>"
    Column("absent_id", Uuid, nullable=False, index=True),
    Column("acting_id", Uuid, nullable=False, index=True),
    Column("reason", String(16), nullable=False),  # leave | vacant
    Column("team_id", Uuid, nullable=True),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=True),  # as planned (the leave's end); informative
    Column("ended_at", UtcDateTime, nullable=True),  # set when it stopped: no longer acting
)

# A row per kind of directory record (employee, team): up to which change the copy is current,
# for integrators (`GET /v1/org/freshness`, callcenter_shared.org_freshness).
org_freshness = Table(
    "org_freshness",
    _org,
    Column("kind", String(16), primary_key=True),
    # The time of the newest change of this kind applied (the event's `time`: the moment of the change).
    Column("current_to", UtcDateTime, nullable=False),
    Column("event_id", String(64), nullable=False),
    # When this service applied that event (its inbox's receipt time).
    Column("applied_at", UtcDateTime, nullable=True),
)


def include_org_tables(metadata: MetaData) -> None:
    """Add the org read-copy tables to a consuming service's metadata."""
    org_employee.to_metadata(metadata)
    org_team.to_metadata(metadata)
    org_freshness.to_metadata(metadata)
    org_acting.to_metadata(metadata)


async def mark_current(session: AsyncSession, kind: str, envelope: Envelope) -> None:
    """Record that the copy's `kind` records are current up to this change, unless a newer one is in.

    Of several changes, pass the newest (the last of those with the latest `time`): the older ones
    would each be overwritten by it.
    """
    applied_at = await session.scalar(select(inbox.c.received_at).where(inbox.c.event_id == envelope.id))
    values = {"kind": kind, "current_to": envelope.time, "event_id": envelope.id, "applied_at": applied_at}
    statement = dialect_insert(session)(org_freshness).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["kind"],
            set_={key: statement.excluded[key] for key in values if key != "kind"},
            where=org_freshness.c.current_to <= statement.excluded.current_to,
        )
    )


def _upsert(session: AsyncSession, table: Table, values: dict[str, Any] | list[dict[str, Any]]) -> Any:
    """Insert the rows, or update those whose stored version is older; several rows need distinct ids."""
    rows = values if isinstance(values, list) else [values]
    insert_fn = dialect_insert(session)
    statement = insert_fn(table).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["id"],
        set_={key: statement.excluded[key] for key in rows[0] if key != "id"},
        where=table.c.version < statement.excluded.version,
    )


def _newest(envelopes: list[Envelope]) -> Envelope:
    """The change `mark_current` would keep of these, applied one by one in this order."""
    newest = envelopes[0]
    for envelope in envelopes[1:]:
        if envelope.time >= newest.time:
            newest = envelope
    return newest


async def _upsert_highest(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """Upsert rows in one statement: of several versions of one id, the highest (what applying each would leave)."""
    highest: dict[Any, dict[str, Any]] = {}
    for row in rows:
        kept = highest.get(row["id"])
        if kept is None or row["version"] > kept["version"]:
            highest[row["id"]] = row
    if highest:
        await session.execute(_upsert(session, table, list(highest.values())))


def _employee_row(event: EmployeeUpsertedV1) -> dict[str, Any]:
    values = event.model_dump(exclude={"employee_id"})
    values["id"] = event.employee_id
    return values


async def on_employee_upserted(session: AsyncSession, event: EmployeeUpsertedV1, envelope: Envelope) -> None:
    await mark_current(session, "employee", envelope)
    await _apply_employee(session, event)


async def on_employees_upserted(session: AsyncSession, items: list[tuple[EmployeeUpsertedV1, Envelope]]) -> None:
    """Several `employee.upserted` in delivery order, as applying each in turn would leave the copy.

    Changes without a login go in one statement per run; one with a login may take it from
    someone else, so it is applied on its own, after the changes before it.
    """
    await mark_current(session, "employee", _newest([envelope for _, envelope in items]))
    run: list[dict[str, Any]] = []
    for event, _ in items:
        if event.external_id is None:
            run.append(_employee_row(event))
            continue
        await _upsert_highest(session, org_employee, run)
        run = []
        await _apply_employee(session, event)
    await _upsert_highest(session, org_employee, run)


async def _apply_employee(session: AsyncSession, event: EmployeeUpsertedV1) -> None:
    values = _employee_row(event)
    if event.external_id is not None:
        stored = await session.scalar(select(org_employee.c.version).where(org_employee.c.id == event.employee_id))
        if stored is not None and stored >= event.version:
            return  # an older state: it must not take a login from anyone either
        # A login passed on from a leaver may arrive before the leaver's own event releases it.
        await session.execute(
            update(org_employee)
            .where(org_employee.c.external_id == event.external_id, org_employee.c.id != event.employee_id)
            .values(external_id=None)
        )
    await session.execute(_upsert(session, org_employee, values))


def _team_row(event: TeamUpsertedV1) -> dict[str, Any]:
    values = event.model_dump(exclude={"team_id"})
    values["id"] = event.team_id
    return values


async def on_team_upserted(session: AsyncSession, event: TeamUpsertedV1, envelope: Envelope) -> None:
    await mark_current(session, "team", envelope)
    await session.execute(_upsert(session, org_team, _team_row(event)))


async def on_teams_upserted(session: AsyncSession, items: list[tuple[TeamUpsertedV1, Envelope]]) -> None:
    """Several `team.upserted` in one statement, as applying each in turn would leave the copy."""
    await mark_current(session, "team", _newest([envelope for _, envelope in items]))
    await _upsert_highest(session, org_team, [_team_row(event) for event, _ in items])


ORG_SUBSCRIPTIONS: Subscriptions = {
    EmployeeUpsertedV1: Batched(on_employees_upserted),
    TeamUpsertedV1: Batched(on_teams_upserted),
}


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    name: str
    level: int
    superior_id: uuid.UUID | None
    team_id: uuid.UUID | None
    agent_number: str | None
    certified: bool
    probation_end_date: date | None
    birthday: date | None
    hire_date: date | None
    active: bool

    def on_probation(self, today: date) -> bool:
        return self.probation_end_date is not None and today <= self.probation_end_date


def _person(row: Any) -> Person:
    return Person(
        row.id, row.name, row.level, row.superior_id, row.team_id, row.agent_number,
        row.certified, row.probation_end_date, row.birthday, row.hire_date, row.active,
    )  # fmt: skip


async def find_person(session: AsyncSession, employee_id: uuid.UUID, table: Table = org_employee) -> Person | None:
    row = (await session.execute(select(table).where(table.c.id == employee_id))).first()
    return _person(row) if row else None


async def people_by_id(
    session: AsyncSession, employee_ids: Collection[uuid.UUID], table: Table = org_employee
) -> dict[uuid.UUID, Person]:
    """The known people among `employee_ids`, in one statement."""
    if not employee_ids:
        return {}
    rows = await session.execute(select(table).where(table.c.id.in_(set(employee_ids))))
    return {row.id: _person(row) for row in rows}


async def get_person(session: AsyncSession, employee_id: uuid.UUID, table: Table = org_employee) -> Person:
    person = await find_person(session, employee_id, table)
    if person is None:
        raise NotFound(t("Employee {employee_id} is not known here (yet).", employee_id=employee_id))
    return person


async def team_members(session: AsyncSession, team_id: uuid.UUID, table: Table = org_employee) -> list[Person]:
    rows = await session.execute(
        select(table).where(table.c.team_id == team_id, table.c.active.is_(True)).order_by(table.c.name)
    )
    return [_person(row) for row in rows]


def superiors_query(employee_id: uuid.UUID, table: Table = org_employee) -> Any:
    """A recursive query of the employee's superiors: `id` and `depth` (1 is the direct superior).

    Works on the read copy and on scheduling's own directory table alike; a loop in the
    directory repeats ids, so a reader stops at the first id it has seen (`superior_chain`).
    """
    up = (
        select(table.c.superior_id.label("id"), literal(1).label("depth"))
        .where(table.c.id == employee_id, table.c.superior_id.is_not(None))
        .cte("up", recursive=True)
    )
    return up.union_all(
        select(table.c.superior_id, (up.c.depth + 1).label("depth")).where(
            table.c.id == up.c.id, table.c.superior_id.is_not(None), up.c.depth < 10
        )
    )


def until_a_loop(employee_id: uuid.UUID, chain: Iterable[T]) -> list[T]:
    """The chain up to where it closes a loop back on someone already in it."""
    kept: list[T] = []
    seen = {employee_id}
    for person in chain:
        if person.id in seen:  # a loop in the directory: stop where it closes
            break
        seen.add(person.id)
        kept.append(person)
    return kept


async def superior_chain(session: AsyncSession, employee_id: uuid.UUID, table: Table = org_employee) -> list[Person]:
    """The employee's superiors, direct superior first, up to L5 (ORG-1), in one statement."""
    up = superiors_query(employee_id, table)
    rows = await session.execute(select(table).join(up, table.c.id == up.c.id).order_by(up.c.depth))
    return until_a_loop(employee_id, (_person(row) for row in rows))


def subordinates_query(manager_id: uuid.UUID, table: Table = org_employee) -> Any:
    """A recursive query of everyone below `manager_id` in the chain of superiors."""
    below = (
        select(table.c.id, literal(1).label("depth"))
        .where(table.c.superior_id == manager_id)
        .cte("below", recursive=True)
    )
    return below.union_all(
        select(table.c.id, (below.c.depth + 1).label("depth")).where(
            table.c.superior_id == below.c.id, below.c.depth < 10
        )
    )


async def subordinate_ids(session: AsyncSession, manager_id: uuid.UUID, table: Table = org_employee) -> set[uuid.UUID]:
    """Everyone below `manager_id` in the chain of superiors."""
    below = subordinates_query(manager_id, table)
    return set((await session.scalars(select(below.c.id))).all())
