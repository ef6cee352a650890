"""A fetched batch is applied as applying its messages one by one would: each new event once, in order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1, TeamUpsertedV1
from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.envelope import Envelope
from callcenter_shared.inbox import Batched, apply_new, record_new
from callcenter_shared.org import (
    ORG_SUBSCRIPTIONS,
    on_employee_upserted,
    on_team_upserted,
    org_employee,
    org_freshness,
    org_team,
)
from callcenter_shared.tables import inbox
from callcenter_testing import TestDatabases

START = datetime(2026, 5, 1, 9, tzinfo=UTC)


def wrapped(event: Any, minute: int) -> tuple[Any, Envelope]:
    return event, Envelope.wrap(event, time=START + timedelta(minutes=minute))


async def test_a_batch_runs_the_handler_once_per_new_event_in_delivery_order(test_databases: TestDatabases) -> None:
    engine = create_engine(await test_databases.fresh("performance"))
    factory = create_session_factory(engine)
    earlier, first, second = (wrapped(EmployeeUpsertedV1(employee_id=uuid.uuid4(), name=n, level=5, version=1), 0)
                              for n in ("earlier", "first", "second"))  # fmt: skip
    seen: list[str] = []
    seen_in_batches: list[list[str]] = []

    async def one_by_one(_session: Any, event: EmployeeUpsertedV1, _envelope: Envelope) -> None:
        seen.append(event.name)

    async def all_at_once(_session: Any, items: list[tuple[EmployeeUpsertedV1, Envelope]]) -> None:
        seen_in_batches.append([event.name for event, _ in items])

    try:
        async with factory() as session, session.begin():
            assert await record_new(session, [earlier[1]], at=START) == {earlier[1].id}
        # Redelivered: the one applied before, and one message twice in the same batch.
        batch = [earlier, first, second, first]
        async with factory() as session, session.begin():
            assert await apply_new(session, one_by_one, batch, subject="s", at=START) == 2
        async with factory() as session, session.begin():
            await session.execute(inbox.delete().where(inbox.c.event_id != earlier[1].id))
        async with factory() as session, session.begin():
            assert await apply_new(session, Batched(all_at_once), batch, subject="s", at=START) == 2
        async with factory() as session:
            assert await session.scalar(select(func.count()).select_from(inbox)) == 3
    finally:
        await engine.dispose()

    assert seen == ["first", "second"]
    assert seen_in_batches == [["first", "second"]]


async def test_org_changes_applied_as_a_batch_leave_the_copy_as_applying_them_one_by_one(
    test_databases: TestDatabases,
) -> None:
    a, b, c, team = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    def person(employee_id: uuid.UUID, name: str, version: int, login: str | None = None) -> EmployeeUpsertedV1:
        return EmployeeUpsertedV1(employee_id=employee_id, name=name, level=5, version=version, external_id=login)

    people = [
        wrapped(person(a, "A1", 1), 0),
        wrapped(person(b, "B1", 1, login="shared"), 1),
        wrapped(person(a, "A3", 3), 5),
        wrapped(person(a, "A2", 2), 2),  # late: an older state never overwrites a newer one
        wrapped(person(c, "C1", 1, login="shared"), 3),  # the login passes from B to C
        wrapped(person(b, "B2", 2), 5),  # the newest change, with the one before it at the same time
    ]
    teams = [
        wrapped(TeamUpsertedV1(team_id=team, name="T2", leader_id=None, active=True, version=2), 1),
        wrapped(TeamUpsertedV1(team_id=team, name="T1", leader_id=None, active=True, version=1), 0),
    ]
    copies = []
    for batched in (False, True):
        engine = create_engine(await test_databases.fresh("performance"))
        factory = create_session_factory(engine)
        try:
            async with factory() as session, session.begin():
                if batched:
                    await apply_new(session, ORG_SUBSCRIPTIONS[EmployeeUpsertedV1], people, subject="e", at=START)
                    await apply_new(session, ORG_SUBSCRIPTIONS[TeamUpsertedV1], teams, subject="t", at=START)
                else:
                    await record_new(session, [envelope for _, envelope in people + teams], at=START)
                    for event, envelope in people:
                        await on_employee_upserted(session, event, envelope)
                    for team_event, envelope in teams:
                        await on_team_upserted(session, team_event, envelope)
            async with factory() as session:
                employees = sorted((await session.execute(select(org_employee))).all(), key=lambda r: r.name)
                copies.append(
                    (
                        [(r.id, r.name, r.version, r.external_id) for r in employees],
                        [(r.name, r.version) for r in (await session.execute(select(org_team))).all()],
                        sorted((r.kind, r.event_id) for r in (await session.execute(select(org_freshness))).all()),
                    )
                )
        finally:
            await engine.dispose()

    one_by_one, as_a_batch = copies
    assert as_a_batch == one_by_one
    assert one_by_one[0] == [(a, "A3", 3, None), (b, "B2", 2, None), (c, "C1", 1, "shared")]
    assert one_by_one[1] == [("T2", 2)]
    assert one_by_one[2] == [("employee", people[5][1].id), ("team", teams[0][1].id)]
