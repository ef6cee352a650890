"""Who acts for whom in a consuming service (LEV-7, ESC-14, ORG-7), learnt from scheduling's events.

A team leader on approved leave: `delegation.started` names the deputy who holds the team's affairs
until `delegation.ended`. A leaver's post: `employee.left` names the successor who holds it (ORG-7).
Each is one row of `org_acting` with an id of its own (per leave, per leaver), applied once through
the inbox and idempotent by itself as well: a `delegation.ended` that arrives before its `started`
inserts the row already ended, and the late `started` leaves it so.

What a leader decides, their delegate may decide while the row is live, recorded as acting for them;
a case that would go to an absent person goes to whoever holds their seat (`seats_of`), one hop only.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.contracts.scheduling import DelegationEndedV1, DelegationStartedV1
from callcenter_shared.db import dialect_insert
from callcenter_shared.envelope import Envelope
from callcenter_shared.inbox import Subscriptions
from callcenter_shared.org import Person, org_acting, people_by_id

LEAVE = "leave"  # a team leader on approved leave; their deputy acts (LEV-7)
VACANT = "vacant"  # a leaver's post; the successor named in the directory holds it (ORG-7)


@dataclass(frozen=True)
class Seat:
    """Who holds a person's post now: the person, or someone acting for them while they are away or gone."""

    holder: Person
    absent: Person | None = None

    @property
    def acting_for_id(self) -> uuid.UUID | None:
        return self.absent.id if self.absent is not None else None

    @property
    def level(self) -> int:
        """The seat's level: the absent person's, whoever holds it meanwhile."""
        return (self.absent or self.holder).level


async def on_delegation_started(session: AsyncSession, event: DelegationStartedV1, _envelope: Envelope) -> None:
    """The leader's leave began: the delegate acts for them (LEV-7). A row already there (ended) stays."""
    statement = dialect_insert(session)(org_acting).values(
        id=f"leave:{event.leave_id}", absent_id=event.leader_id, acting_id=event.delegate_id, reason=LEAVE,
        team_id=event.team_id, starts_at=event.started_at, ends_at=event.ends_at, ended_at=None,
    )  # fmt: skip
    await session.execute(statement.on_conflict_do_nothing(index_elements=["id"]))


async def on_delegation_ended(session: AsyncSession, event: DelegationEndedV1, _envelope: Envelope) -> None:
    """The leave is over or was cancelled: the delegate no longer acts (LEV-7), even if `started` comes late."""
    statement = dialect_insert(session)(org_acting).values(
        id=f"leave:{event.leave_id}", absent_id=event.leader_id, acting_id=event.delegate_id, reason=LEAVE,
        team_id=None, starts_at=event.ended_at, ends_at=event.ended_at, ended_at=event.ended_at,
    )  # fmt: skip
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={"ended_at": statement.excluded.ended_at}, where=org_acting.c.ended_at.is_(None)
        )
    )


async def record_vacancy(
    session: AsyncSession, *, leaver_id: uuid.UUID, successor_id: uuid.UUID, left_at: datetime
) -> None:
    """The leaver's post is held by their successor from now on (ORG-7, ESC-14)."""
    statement = dialect_insert(session)(org_acting).values(
        id=f"left:{leaver_id}", absent_id=leaver_id, acting_id=successor_id, reason=VACANT, team_id=None,
        starts_at=left_at, ends_at=None, ended_at=None,
    )  # fmt: skip
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"],
            set_={"acting_id": statement.excluded.acting_id, "starts_at": statement.excluded.starts_at},
        )
    )


# The delegation events every consuming service keeps in its org copy.
ACTING_SUBSCRIPTIONS: Subscriptions = {
    DelegationStartedV1: on_delegation_started,
    DelegationEndedV1: on_delegation_ended,
}


async def _live(session: AsyncSession, absent_ids: Collection[uuid.UUID]) -> dict[tuple[uuid.UUID, str], uuid.UUID]:
    """The live rows of `absent_ids`: (absent id, reason) -> acting id, the latest start winning."""
    if not absent_ids:
        return {}
    rows = await session.execute(
        select(org_acting.c.absent_id, org_acting.c.reason, org_acting.c.acting_id)
        .where(org_acting.c.absent_id.in_(set(absent_ids)), org_acting.c.ended_at.is_(None))
        .order_by(org_acting.c.starts_at, org_acting.c.id)
    )
    return {(row.absent_id, row.reason): row.acting_id for row in rows}


async def seats_of(session: AsyncSession, people: Iterable[Person]) -> dict[uuid.UUID, Seat]:
    """Who holds each person's seat now, in two statements however many people (ESC-14).

    Someone present holds their own; a leader on leave is held by their delegate, a leaver by their
    successor, as long as that holder is active in the copy. Nobody known to hold it: the person still
    holds it (for a leaver, the caller sees `holder.active` false). One hop: a holder's own absence is
    not followed further.
    """
    wanted = {person.id: person for person in people}
    live = await _live(session, wanted)
    holders = await people_by_id(session, set(live.values()))
    seats: dict[uuid.UUID, Seat] = {}
    for person in wanted.values():
        holder_id = live.get((person.id, LEAVE if person.active else VACANT))
        holder = holders.get(holder_id) if holder_id is not None else None
        seats[person.id] = Seat(holder, person) if holder is not None and holder.active else Seat(person)
    return seats


async def seat_of(session: AsyncSession, person: Person) -> Seat:
    """Who holds `person`'s seat now (`seats_of` for one)."""
    return (await seats_of(session, [person]))[person.id]


async def acted_for(session: AsyncSession, acting_id: uuid.UUID) -> list[Person]:
    """The absent people `acting_id` acts for now (on leave, LEV-7; a vacant post, ORG-7), by name."""
    absent_ids = set(
        (
            await session.scalars(
                select(org_acting.c.absent_id).where(
                    org_acting.c.acting_id == acting_id, org_acting.c.ended_at.is_(None)
                )
            )
        ).all()
    )
    found = await people_by_id(session, absent_ids)
    return sorted(found.values(), key=lambda person: (person.name, person.id))


def as_principal(person: Person) -> Principal:
    """The absent person as a caller, to ask whether they could decide what their delegate is asked to."""
    return Principal(employee_id=person.id, level=person.level, team_id=person.team_id, superior_id=person.superior_id)


async def stands_in_for(
    session: AsyncSession, principal: Principal, could_decide: Callable[[Principal], Awaitable[bool]]
) -> Person | None:
    """The absent person the caller acts for now who could decide this themselves (LEV-7); None if none."""
    for person in await acted_for(session, principal.employee_id):
        if person.active and await could_decide(as_principal(person)):
            return person
    return None
