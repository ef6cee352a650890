"""10,000 escalation deadlines falling due within one minute, fired by 2 worker replicas.

Run from the repository root: `.venv/bin/python -m bench.deadlines [--deadlines 10000]`.
Needs PostgreSQL (`BENCH_POSTGRES_URL`, default postgresql+asyncpg://postgres@127.0.0.1:5432):
the replicas claim rows with FOR UPDATE SKIP LOCKED, which SQLite does not have.

Cases are written straight into the tables (as opened cases would be), with their level
time-outs spread evenly over one minute of real time. Two worker replicas, each its own
process with its own engine (as two pods would be), run a `DeadlineWorker` with escalation's
real time-out handler, polling every 0.2 s with the default lanes (`WORKER_CONCURRENCY`).
Lateness is each deadline's `fired_at - due_at`, where `fired_at` is taken just before the
batch commits; "fired twice" counts cases with more than one `case.escalated` event in the
outbox.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import uvloop
from sqlalchemy import func, insert, select, text

from bench.harness import PYTHON, ROOT, Figure, Report, fresh_postgres_database, percentile
from callcenter_shared.clock import SystemClock
from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.deadlines import DeadlineWorker
from callcenter_shared.migrations import upgrade
from callcenter_shared.settings import ServiceSettings
from callcenter_shared.tables import deadline, outbox
from callcenter_testing import seed_person
from escalation.case.chain import LEVEL_TIMEOUT
from escalation.case.models import Case, CaseStint
from escalation.category import service as categories
from escalation.deadlines import DEADLINE_HANDLERS

DATABASE = "bench_escalation_deadlines"


async def seed(url: str, count: int, first_due: datetime, spread: timedelta) -> None:
    engine = create_engine(url)
    now = datetime.now(UTC)
    async with create_session_factory(engine)() as session, session.begin():
        leader = await seed_person(session, level=2)
        agent = await seed_person(session, level=1, superior_id=leader)
        category = await categories.by_code(session, "inquiry", now)
        case_ids = [uuid.uuid4() for _ in range(count)]
        due_at = {case_id: first_due + spread * index / count for index, case_id in enumerate(case_ids)}
        await session.execute(
            insert(Case.__table__),  # type: ignore[arg-type]
            [
                {"id": case_id, "number": f"ESC-2026-{index + 1:06d}", "category_id": category.id,
                 "category_code": "inquiry", "channel": "phone", "customer_contact": "c", "description": "d",
                 "emergency": False, "owner_id": agent, "handler_id": agent, "level": 1, "status": "open",
                 "allowances": [60, 120, 240, 480, 1440], "warning_minutes": 15, "emergency_report_minutes": 60,
                 "level_started_at": now, "level_due_at": due_at[case_id], "reply_breached": False,
                 "opened_at": now, "updated_at": now}
                for index, case_id in enumerate(case_ids)
            ],
        )  # fmt: skip
        stints = await session.execute(
            insert(CaseStint.__table__).returning(CaseStint.case_id, CaseStint.id),  # type: ignore[arg-type]
            [{"case_id": case_id, "level": 1, "handler_id": agent, "started_at": now} for case_id in case_ids],
        )
        stint_of = {row.case_id: row.id for row in stints}
        await session.execute(
            insert(deadline),
            [
                {"id": str(uuid.uuid4()), "kind": LEVEL_TIMEOUT, "ref_id": str(case_id), "due_at": due_at[case_id],
                 "payload": json.dumps({"stint_id": stint_of[case_id], "level": 1}), "created_at": now,
                 "attempts": 0}
                for case_id in case_ids
            ],
        )  # fmt: skip
    await engine.dispose()


async def run(count: int, poll: float) -> Report:
    report = Report("deadlines")
    url = await asyncio.to_thread(fresh_postgres_database, DATABASE)
    await asyncio.to_thread(upgrade, "escalation", url)
    first_due = datetime.now(UTC) + timedelta(seconds=20)  # seeding takes a few seconds
    await seed(url, count, first_due, timedelta(minutes=1))
    # Each replica is a process of its own, as two pods would be: they share only the database.
    replicas = [
        await asyncio.create_subprocess_exec(
            PYTHON, "-m", "bench.deadlines", "--worker", url, "--poll", str(poll), cwd=ROOT
        )
        for _ in range(2)
    ]
    engine = create_engine(url)
    factory = create_session_factory(engine)
    try:
        deadline_at = first_due + timedelta(minutes=1, seconds=30)
        while datetime.now(UTC) < deadline_at:
            async with factory() as session:
                left = await session.scalar(
                    select(func.count()).select_from(deadline).where(deadline.c.fired_at.is_(None))
                )
            if not left:
                break
            await asyncio.sleep(1)
    finally:
        for replica in replicas:
            replica.terminate()
        for replica in replicas:
            await replica.wait()
    async with factory() as session:
        rows = (await session.execute(select(deadline.c.due_at, deadline.c.fired_at))).all()
        # The envelope's `subject` is the case id: a case escalated twice shows up twice.
        twice = await session.scalar(
            text(
                "SELECT count(*) FROM (SELECT payload::json->>'subject' FROM outbox "
                "WHERE subject = 'callcenter.escalation.case.escalated.v1' GROUP BY 1 HAVING count(*) > 1) AS t"
            )
        )
        escalated = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.subject == "callcenter.escalation.case.escalated.v1")
        )
    await engine.dispose()
    fired = [row for row in rows if row.fired_at is not None]
    lateness_ms = [(row.fired_at - row.due_at).total_seconds() * 1000 for row in fired]
    p99 = percentile(lateness_ms, 0.99)
    report.figures.append(
        Figure(
            "deadlines", f"{count} due over 1 min, 2 workers (poll {poll}s): lateness", len(fired) / 60, "fired/s",
            p50_ms=percentile(lateness_ms, 0.5), p99_ms=p99, goal="p99 ≤ 1 s", met=p99 <= 1000,
        )
    )  # fmt: skip
    report.figures.append(
        Figure("deadlines", "deadlines fired twice (cases escalated more than once)", float(twice or 0), "cases",
               goal="0", met=not twice)
    )  # fmt: skip
    report.notes.append(f"{len(fired)} of {count} fired; {escalated} case.escalated events in the outbox")
    return report


async def run_replica(url: str, poll: float) -> None:
    """One worker replica: fire until terminated."""
    worker = DeadlineWorker(
        service="escalation", session_factory=create_session_factory(create_engine(url)), handlers=DEADLINE_HANDLERS,
        clock=SystemClock(), poll_seconds=poll, concurrency=ServiceSettings().worker_concurrency,
    )  # fmt: skip
    worker.start()
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deadlines", type=int, default=10_000)
    parser.add_argument("--poll", type=float, default=0.2, help="worker poll interval in seconds")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--worker", metavar="URL", help=argparse.SUPPRESS)  # run as one replica
    args = parser.parse_args()
    if args.worker:
        uvloop.run(run_replica(args.worker, args.poll))  # the event loop the services run on
        return
    report = asyncio.run(run(args.deadlines, args.poll))
    report.print()
    report.write(args.json)


if __name__ == "__main__":
    main()
