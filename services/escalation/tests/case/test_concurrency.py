"""Several replicas: deadlines fire exactly once, case numbers never repeat."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from callcenter_shared.auth import Principal
from callcenter_shared.clock import FrozenClock
from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.deadlines import DeadlineWorker
from callcenter_shared.tables import deadline, outbox
from callcenter_testing import TestDatabases, seed_person
from escalation import models  # noqa: F401
from escalation.case.chain import LEVEL_TIMEOUT
from escalation.case.models import Case, CaseHistory, CaseStint
from escalation.case.opening import open_case
from escalation.case.schemas import CaseCreate
from escalation.category import service as categories
from escalation.deadlines import DEADLINE_HANDLERS

CASES = 1000


@pytest.mark.postgres_only
@pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs PostgreSQL (TEST_POSTGRES_URL)")
async def test_two_workers_fire_each_of_1000_due_deadlines_exactly_once_ESC_3(
    test_databases: TestDatabases, clock: FrozenClock
) -> None:
    url = await test_databases.fresh("escalation", name="workers")
    setup_engine = create_engine(url)
    now = clock.now()
    async with create_session_factory(setup_engine)() as s, s.begin():
        leader = await seed_person(s, level=2)
        agent = await seed_person(s, level=1, superior_id=leader)
        category = await categories.by_code(s, "inquiry", now)
        case_ids = [uuid.uuid4() for _ in range(CASES)]
        due = now + timedelta(minutes=60)
        await s.execute(
            insert(Case.__table__),  # type: ignore[arg-type]
            [
                {
                    "id": case_id, "number": f"ESC-2026-{i + 1:06d}", "category_id": category.id,
                    "category_code": "inquiry", "channel": "phone", "customer_contact": "c", "description": "d",
                    "emergency": False, "owner_id": agent, "handler_id": agent, "level": 1, "status": "open",
                    "allowances": [60, 120, 240, 480, 1440], "warning_minutes": 15, "emergency_report_minutes": 60,
                    "level_started_at": now, "level_due_at": now + timedelta(minutes=60), "reply_breached": False,
                    "opened_at": now, "updated_at": now,
                }
                for i, case_id in enumerate(case_ids)
            ],
        )  # fmt: skip
        stint_rows = await s.execute(
            insert(CaseStint.__table__).returning(CaseStint.case_id, CaseStint.id),  # type: ignore[arg-type]
            [{"case_id": case_id, "level": 1, "handler_id": agent, "started_at": now} for case_id in case_ids],
        )
        stint_of = {row.case_id: row.id for row in stint_rows}
        await s.execute(
            insert(deadline),
            [
                {
                    "id": str(uuid.uuid4()), "kind": LEVEL_TIMEOUT, "ref_id": str(case_id), "due_at": due,
                    "payload": json.dumps({"stint_id": stint_of[case_id], "level": 1}),
                    "created_at": now, "attempts": 0,
                }
                for case_id in case_ids
            ],
        )  # fmt: skip
    await setup_engine.dispose()

    clock.advance(minutes=60)
    engines = [create_engine(url), create_engine(url)]
    workers = [
        DeadlineWorker(
            service="escalation", session_factory=create_session_factory(engine), handlers=DEADLINE_HANDLERS,
            clock=clock, batch_size=50,
        )
        for engine in engines
    ]  # fmt: skip

    async def drain(worker: DeadlineWorker) -> int:
        total = 0
        while fired := await worker.fire_due():
            total += fired
        return total

    try:
        # Each replica runs three lanes (concurrent claiming transactions), as WORKER_CONCURRENCY does.
        lanes = await asyncio.gather(*(drain(w) for w in workers for _lane in range(3)))
        counts = [sum(lanes[:3]), sum(lanes[3:])]
        async with create_session_factory(engines[0])() as s:
            warnings = (
                await s.execute(
                    select(outbox.c.payload).where(outbox.c.subject == "callcenter.escalation.case.escalated.v1")
                )
            ).scalars()
            warned_cases = [json.loads(p)["data"]["case_id"] for p in warnings]
            history = await s.scalar(
                select(func.count()).select_from(CaseHistory).where(CaseHistory.action == "escalated_on_timeout")
            )
            unfired = await s.scalar(
                select(func.count())
                .select_from(deadline)
                .where(
                    deadline.c.kind == LEVEL_TIMEOUT, deadline.c.due_at <= clock.now(), deadline.c.fired_at.is_(None)
                )
            )
            at_two = await s.scalar(select(func.count()).select_from(Case).where(Case.level == 2))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(counts) == CASES
    assert all(count > 0 for count in counts), counts  # both replicas really took part
    assert len(warned_cases) == CASES
    assert set(warned_cases) == {str(c) for c in case_ids}
    assert history == CASES
    assert unfired == 0
    assert at_two == CASES


async def test_concurrent_openings_never_share_a_case_number(test_databases: TestDatabases, clock: FrozenClock) -> None:
    url = await test_databases.fresh("escalation", name="numbers")
    engine = create_engine(url)
    factory = create_session_factory(engine)
    async with factory() as s, s.begin():
        leader = await seed_person(s, level=2)
        agent = await seed_person(s, level=1, superior_id=leader)
        await categories.by_code(s, "inquiry", clock.now())
    principal = Principal(agent, 1, None, leader)
    data = CaseCreate.model_validate(
        {"category": "inquiry", "channel": "phone", "customer_contact": "Ms. Li", "description": "Asks again."}
    )

    async def take() -> str:
        async with factory() as s, s.begin():
            return (await open_case(s, principal=principal, data=data, now=clock.now())).number

    try:
        numbers: list[Any] = await asyncio.gather(*(take() for _ in range(40)))
        async with factory() as s:
            stored = set((await s.scalars(select(Case.number))).all())
    finally:
        await engine.dispose()
    assert len(set(numbers)) == 40
    assert sorted(numbers) == [f"ESC-2026-{i:06d}" for i in range(1, 41)]
    assert stored == set(numbers)
