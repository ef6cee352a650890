"""Event benchmarks: outbox relay throughput against raw JetStream, and end-to-end latency.

Run from the repository root: `.venv/bin/python -m bench.events [--json out.json]`.

(a) Relay: N outbox rows (as `callcenter_shared.outbox.add` writes them) in a migrated
    scheduling database; the time `OutboxRelay.publish_pending()` takes to drain them,
    against `js.publish` of the same payloads with ~250 acknowledgements in flight
    (ceiling: the better of a run before and a run after the relay's).
(b) End to end: scheduling and performance under uvicorn on a bundled nats-server, each on a
    fresh PostgreSQL database (`--database sqlite` for SQLite files); new employees are
    created over HTTP at a steady rate of events; for each event, the time from its envelope
    `time` (taken in the request, before the commit) and from the HTTP response to the inbox
    row's `received_at` in performance's database (the handler's transaction, which commits
    the org read copy row with it). With `--per-request K` above 1, each request is a bulk
    import of K employees (one commit, K events), so a producer worker that cannot serve 200
    single writes a second does not queue and the figure is the event path's own; `make
    bench` runs both. The run reports the offered rate against the achieved one (did the
    producer keep up), the producer's CPU share and the load average, and the part up to the
    relay's mark (`published_at`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiohttp
import uvloop  # comes with uvicorn[standard], as the services run on it
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.harness import Figure, Report, Stack, fresh_postgres_database, percentile
from bench.http_api import seed_org
from bench.wrk import cpu_seconds as process_cpu_seconds
from callcenter_shared.broker import Broker
from callcenter_shared.clock import SystemClock
from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import org_employee
from callcenter_shared.outbox import OutboxRelay
from callcenter_shared.streams import ensure_stream
from callcenter_shared.tables import inbox, outbox

RELAY_GOAL = 0.50
LATENCY_GOAL_MS = 50.0


def _payloads(count: int) -> Iterator[tuple[str, str, str]]:
    """(event id, subject, envelope JSON) exactly as `outbox.add` stores them."""
    now = datetime.now(UTC)
    team, leader = uuid.uuid4(), uuid.uuid4()
    for index in range(count):
        event = EmployeeUpsertedV1(
            employee_id=uuid.uuid4(), name=f"Agent {index}", level=1, team_id=team, superior_id=leader, version=1
        )
        envelope = Envelope.wrap(event, time=now)
        yield envelope.id, event.subject, envelope.model_dump_json()


@asynccontextmanager
async def _broker(url: str) -> AsyncIterator[Broker]:
    broker = Broker(url, name="bench")
    broker.start()
    await asyncio.wait_for(broker.wait_connected(), timeout=10)
    try:
        yield broker
    finally:
        await broker.close()


async def _raw_publish(broker: Broker, payloads: list[tuple[str, str, str]], in_flight: int) -> float:
    """Seconds to publish every payload with `in_flight` acknowledgements outstanding (a sliding window)."""
    js = broker.js
    run = uuid.uuid4().hex[:8]
    items = iter(payloads)

    async def publisher() -> None:
        for event_id, subject, payload in items:
            raw_subject = subject.replace("callcenter.scheduling.", "callcenter.benchraw.", 1)
            await js.publish(raw_subject, payload.encode(), headers={"Nats-Msg-Id": f"{event_id}:{run}"})

    started = time.perf_counter()
    await asyncio.gather(*(publisher() for _ in range(in_flight)))
    return time.perf_counter() - started


async def relay_throughput(stack: Stack, count: int, in_flight: int, report: Report) -> None:
    nats_url = stack.nats()
    database_url = stack.database_url("scheduling-relay")
    stack.migrate("scheduling", database_url)
    payloads = list(_payloads(count))
    engine = create_engine(database_url)
    session_factory = create_session_factory(engine)
    created = datetime.now(UTC)
    async with session_factory() as session, session.begin():
        await session.execute(
            insert(outbox),
            [{"event_id": i, "subject": s, "payload": p, "created_at": created, "attempts": 0} for i, s, p in payloads],
        )
    try:
        async with _broker(nats_url) as broker:
            await ensure_stream(broker.js, "scheduling")
            await ensure_stream(broker.js, "benchraw")
            await _raw_publish(broker, payloads[:2000], in_flight)  # warm-up: connection, stream files
            raw_before = await _raw_publish(broker, payloads, in_flight)
            relay = OutboxRelay(
                service="scheduling", session_factory=session_factory, broker=broker, clock=SystemClock()
            )
            started = time.perf_counter()
            published = await relay.drain()
            relay_seconds = time.perf_counter() - started
            raw_after = await _raw_publish(broker, payloads, in_flight)
    finally:
        await engine.dispose()
    if published != count:
        raise RuntimeError(f"the relay published {published} of {count} events")
    raw_rate = count / min(raw_before, raw_after)
    relay_rate = count / relay_seconds
    ratio = relay_rate / raw_rate
    report.figures.append(Figure("events", f"raw js.publish, {in_flight} in flight (ceiling)", raw_rate, "ev/s"))
    report.figures.append(
        Figure(
            "events",
            f"outbox relay draining {count:,} rows (SQLite)",
            relay_rate,
            "ev/s",
            ceiling=raw_rate,
            ratio=ratio,
            goal=f"≥ {RELAY_GOAL:.0%} of raw publish",
            met=ratio >= RELAY_GOAL,
        )
    )
    report.notes.append(
        f"raw publish runs: {count / raw_before:,.0f} ev/s before the relay, {count / raw_after:,.0f} ev/s after"
    )


def _latency_databases(stack: Stack, database: str) -> dict[str, str]:
    """A fresh, migrated database per service of the latency run: PostgreSQL (as deployed) or SQLite files."""
    urls = {}
    for service in ("scheduling", "performance"):
        if database == "postgres":
            urls[service] = fresh_postgres_database(f"bench_events_{service}")
        else:
            urls[service] = stack.database_url(service)
        stack.migrate(service, urls[service])
    return urls


async def _count_org(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(org_employee)) or 0)


async def _wait_org(engine: AsyncEngine, expected: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await _count_org(engine) >= expected:
            return True
        await asyncio.sleep(0.2)
    return False


async def end_to_end(
    stack: Stack, rate: float, seconds: float, report: Report, per_request: int = 1, database: str = "postgres"
) -> None:
    nats_url = stack.nats()
    urls = await asyncio.to_thread(_latency_databases, stack, database)  # sync helpers with loops of their own
    env = {"NATS_URL": nats_url, "LOG_LEVEL": "WARNING", "ENV": "development"}
    scheduling_url, scheduling_pid = stack.uvicorn(
        "scheduling.main:create_app", env=env | {"DATABASE_URL": urls["scheduling"]}, factory=True
    )
    stack.uvicorn("performance.main:create_app", env=env | {"DATABASE_URL": urls["performance"]}, factory=True)
    ids, tokens, people = seed_org(scheduling_url)
    scheduling_db = create_engine(urls["scheduling"], pool_size=1)
    performance_db = create_engine(urls["performance"], pool_size=1)
    try:
        if not await _wait_org(performance_db, people, 60):
            raise RuntimeError("performance's org read copy did not fill within 60 s")
        await _measure(
            stack, scheduling_url, scheduling_pid, ids, tokens["L5"], people, (scheduling_db, performance_db),
            rate=rate, seconds=seconds, report=report, per_request=per_request, database=database,
        )  # fmt: skip
    finally:
        await scheduling_db.dispose()
        await performance_db.dispose()


async def _measure(
    stack: Stack,
    scheduling_url: str,
    scheduling_pid: int,
    ids: dict[str, str],
    admin: str,
    people: int,
    engines: tuple[AsyncEngine, AsyncEngine],
    *,
    rate: float,
    seconds: float,
    report: Report,
    per_request: int,
    database: str,
) -> None:
    scheduling_db, performance_db = engines
    teams = [(ids[f"team_{tag}"], ids[f"leader_{tag}"]) for tag in ("a", "w", "2", "3", "4", "5")]
    requests_per_second = rate / per_request
    total = int(requests_per_second * seconds)
    answered: dict[str, float] = {}  # employee id -> wall time of the HTTP response
    failures: list[int] = []
    http_latency: list[float] = []
    late_starts: list[float] = []  # how far behind its schedule each request left (the client's own lag)

    def new_employee(index: int) -> dict[str, object]:
        team_id, leader_id = teams[index % len(teams)]
        return {"id": str(uuid.uuid4()), "name": f"New agent {index}", "level": 1, "team_id": team_id} | {
            "superior_id": leader_id
        }

    async def create(session: aiohttp.ClientSession, index: int) -> None:
        rows = [new_employee(index * per_request + n) for n in range(per_request)]
        path, body = ("/v1/employees", rows[0]) if per_request == 1 else ("/v1/employee-imports", rows)
        sent = time.perf_counter()
        async with session.post(
            f"{scheduling_url}{path}", json=body, headers={"Authorization": f"Bearer {admin}"}
        ) as response:
            await response.read()
            if response.status != 201:
                failures.append(response.status)
                return
        for row in rows:
            answered[str(row["id"])] = time.time()
        http_latency.append((time.perf_counter() - sent) * 1000)

    cpu_before = process_cpu_seconds(scheduling_pid)
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        tasks = []
        for index in range(total):  # open loop: the next request leaves on time, answered or not
            due = started + index / requests_per_second
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            late_starts.append(max(0.0, -delay) * 1000)
            tasks.append(asyncio.create_task(create(session, index)))
        offered_seconds = time.perf_counter() - started
        await asyncio.gather(*tasks)
        sending = time.perf_counter() - started
    producer_cpu = (process_cpu_seconds(scheduling_pid) - cpu_before) / sending

    await _wait_org(performance_db, people + len(answered), 60)
    async with scheduling_db.connect() as connection:
        produced = (
            await connection.execute(
                select(outbox.c.event_id, outbox.c.payload, outbox.c.published_at).where(
                    outbox.c.subject == EmployeeUpsertedV1.subject
                )
            )
        ).all()
    async with performance_db.connect() as connection:
        received = dict((await connection.execute(select(inbox.c.event_id, inbox.c.received_at))).all())
    from_envelope: list[float] = []
    from_response: list[float] = []
    to_published: list[float] = []  # envelope time -> the relay marked it acknowledged
    missing = 0
    for event_id, payload, published_at in produced:
        envelope = json.loads(payload)
        employee_id = envelope["subject"]
        if employee_id not in answered:
            continue  # the seeded org
        if event_id not in received:
            missing += 1
            continue
        applied = received[event_id].timestamp()
        created = datetime.fromisoformat(envelope["time"]).timestamp()
        from_envelope.append((applied - created) * 1000)
        from_response.append((applied - answered[employee_id]) * 1000)
        if published_at is not None:
            to_published.append((published_at.timestamp() - created) * 1000)
    # The service commits before it answers, so the response marks the commit (a little late,
    # by the answer's trip to the client); the envelope time is taken as the request starts,
    # before its rows are written, so it bounds the latency from above.
    p99 = percentile(from_response, 0.99)
    achieved = len(from_response) / sending
    kept_up = achieved >= 0.95 * rate and sending <= offered_seconds + 1.0
    producer = "one employee per request" if per_request == 1 else f"imports of {per_request} employees"
    store = "PostgreSQL" if database == "postgres" else "SQLite"
    report.figures.append(
        Figure(
            "events",
            f"end to end at {rate:.0f}/s ({producer}, {store}): scheduling commit (its HTTP response) → "
            "performance org copy",
            achieved,
            "ev/s",
            percentile(from_response, 0.50),
            p99,
            ceiling=rate,
            ratio=achieved / rate,
            goal=f"p99 ≤ {LATENCY_GOAL_MS:.0f} ms, producer keeping up",
            met=p99 <= LATENCY_GOAL_MS and kept_up and not missing and not failures,
            notes=f"{missing} events not applied, {len(failures)} requests failed" if missing or failures else "",
        )
    )
    report.figures.append(
        Figure(
            "events",
            "  the same, from the envelope time (the request's start, before its rows are written)",
            achieved,
            "ev/s",
            percentile(from_envelope, 0.50),
            percentile(from_envelope, 0.99),
        )
    )
    report.figures.append(
        Figure(
            "events",
            "  of which envelope time → outbox row marked published (relay, JetStream ack)",
            achieved,
            "ev/s",
            percentile(to_published, 0.50),
            percentile(to_published, 0.99),
        )
    )
    report.figures.append(
        Figure(
            "events",
            f"  POST {'/v1/employees' if per_request == 1 else '/v1/employee-imports'} while at {rate:.0f}/s "
            "(HTTP latency)",
            total / sending,
            "req/s",
            percentile(http_latency, 0.50),
            percentile(http_latency, 0.99),
        )
    )
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    report.notes.append(
        f"end to end ({producer}, {store}): offered {rate:.0f} ev/s, {total} requests over {offered_seconds:.1f} s, "
        f"all answered after {sending:.1f} s, achieved {achieved:.1f} ev/s "
        f"({'kept up' if kept_up else 'FELL BEHIND'}); "
        f"client lag p99 {percentile(late_starts, 0.99):.1f} ms; producer CPU {producer_cpu:.0%} of a core; "
        f"{len(from_envelope)} events measured; load average {load}; "
        "`received_at` is taken in the consumer's transaction, before its handlers run"
    )


def main() -> None:
    # The seeded org is imported as HR's system would: a client with directory:write.
    os.environ.setdefault("SERVICE_ACCOUNTS", json.dumps({"hr-system": ["directory:write"]}))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000, help="outbox rows to drain")
    parser.add_argument("--in-flight", type=int, default=250)
    parser.add_argument("--rate", type=float, default=200.0, help="events per second for the latency run")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--per-request", type=int, nargs="+", default=[10, 1], help="events per HTTP commit; one latency run each"
    )
    parser.add_argument(
        "--database", choices=["postgres", "sqlite"], nargs="+", default=["postgres"], help="one latency run each"
    )
    parser.add_argument("--only", choices=["relay", "latency"])
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    report = Report("events")

    async def run() -> None:
        if args.only != "latency":
            with Stack() as stack:
                await relay_throughput(stack, args.events, args.in_flight, report)
        if args.only != "relay":
            for database in args.database:
                for per_request in args.per_request:
                    with Stack() as stack:
                        await end_to_end(stack, args.rate, args.seconds, report, per_request, database)

    uvloop.run(run())
    report.print()
    report.write(args.json)


if __name__ == "__main__":
    main()
