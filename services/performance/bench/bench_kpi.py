"""Benchmark: ingest 100,000 raw metric rows and close a period for 1,000 agents.

Not a test. Give it an empty database (it migrates it first):

    DATABASE_URL=sqlite+aiosqlite:////tmp/bench-performance.db .venv/bin/python services/performance/bench/bench_kpi.py
    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench_performance .venv/bin/python \
        services/performance/bench/bench_kpi.py

Everything goes through the HTTP API in-process (JSON parsing and validation included): ten
batches of 10,000 rows, then the close, then reading the closed scorecards page by page.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, insert, select

from callcenter_shared.migrations import upgrade
from callcenter_shared.org import org_employee, org_team
from callcenter_shared.tables import outbox
from callcenter_testing import bearer, seed_person, service_bearer
from performance.main import create_app
from performance.settings import Settings

METRICS = {
    "fcr_eligible": (20, 40), "fcr_resolved": (14, 38), "calls_handled": (40, 80), "handle_seconds": (9000, 26000),
    "csat_surveys": (10, 20), "csat_satisfied": (7, 19), "scheduled_minutes": (480, 481),
    "adherent_minutes": (400, 480), "avg_answer_seconds": (5, 40), "qa_score": (60, 100),
}  # fmt: skip


async def seed_org(app: Any, agents: int, team_size: int, month_start: date) -> list[uuid.UUID]:
    """1,000 agents in teams of 20 (one in ten a new hire), written straight into the org read copy."""
    teams = [uuid.uuid4() for _ in range(agents // team_size)]
    agent_ids = [uuid.uuid4() for _ in range(agents)]
    async with app.state.session_factory() as s:
        await s.execute(
            insert(org_team), [{"id": t, "name": f"bench-{t.hex[:8]}", "active": True, "version": 1} for t in teams]
        )
        await s.execute(
            insert(org_employee),
            [
                {
                    "id": a,
                    "name": f"agent-{i}",
                    "level": 1,
                    "team_id": teams[i % len(teams)],
                    "certified": True,
                    "hire_date": month_start - timedelta(days=3000 if i % 10 else 15),
                    "active": True,
                    "version": 1,
                }
                for i, a in enumerate(agent_ids)
            ],
        )
        await s.commit()
    return agent_ids


def batches(agent_ids: list[uuid.UUID], start: date, days: int, rows_per_batch: int) -> list[dict[str, Any]]:
    rng = random.Random(7)  # noqa: S311  (reproducible sample data)
    rows = [
        {"agent_id": str(agent), "day": (start + timedelta(days=d)).isoformat(), "metric": metric,
         "value": float(rng.randint(low, high))}
        for agent in agent_ids
        for d in range(days)
        for metric, (low, high) in METRICS.items()
    ]  # fmt: skip
    return [
        {"source": "bench", "batch_id": f"bench-{i // rows_per_batch}", "rows": rows[i : i + rows_per_batch]}
        for i in range(0, len(rows), rows_per_batch)
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--days", type=int, default=10, help="days of data per agent (10 metrics per day)")
    parser.add_argument("--month", default="2020-10", help="a month already over")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or "sqlite+aiosqlite:////tmp/bench-performance.db"

    started = time.perf_counter()
    await asyncio.to_thread(upgrade, "performance", url)
    print(f"migrate                       {time.perf_counter() - started:8.2f} s   ({url.split('@')[-1]})")
    settings = Settings(database_url=url, env="development", relay_enabled=False, consumer_enabled=False,
                        worker_enabled=False, request_body_limit_bytes=20_000_000,
                        service_accounts={"metrics-feed": ["metrics:write"]})  # fmt: skip
    app = create_app(settings)
    year, month = (int(p) for p in args.month.split("-"))
    agent_ids = await seed_org(app, args.agents, 20, date(year, month, 1))
    async with app.state.session_factory() as s, s.begin():
        manager = await seed_person(s, level=5)  # opens and closes the period
    headers = bearer(settings, manager)
    feed = service_bearer(settings, "metrics-feed")  # posts the batches
    payloads = batches(agent_ids, date(year, month, 1), args.days, 10_000)
    total_rows = sum(len(p["rows"]) for p in payloads)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
        period = await client.post("/v1/periods", json={"month": args.month}, headers=headers)
        if period.status_code != 201:
            raise SystemExit(f"cannot open {args.month}: {period.text} (use an empty database or --month)")

        started = time.perf_counter()
        for payload in payloads:
            response = await client.post("/v1/metrics/batches", json=payload, headers=feed)
            assert response.status_code == 200, response.text
        ingest_seconds = time.perf_counter() - started
        print(f"ingest {total_rows:,} rows in {len(payloads)} batches {ingest_seconds:8.2f} s   "
              f"({total_rows / ingest_seconds:,.0f} rows/s)")  # fmt: skip

        started = time.perf_counter()
        for payload in payloads[:2]:
            response = await client.post("/v1/metrics/batches", json=payload, headers=feed)
            assert response.json()["duplicate"] is True
        print(f"re-send 2 batches (no change)  {time.perf_counter() - started:8.2f} s")

        started = time.perf_counter()
        closed = await client.post(f"/v1/periods/{period.json()['id']}/close", headers=headers)
        assert closed.status_code == 200, closed.text
        close_seconds = time.perf_counter() - started
        print(f"close period for {closed.json()['agent_count']:,} agents     {close_seconds:8.2f} s")

        started = time.perf_counter()
        offset = 0
        while True:
            page = await client.get(
                f"/v1/periods/{period.json()['id']}/scorecards",
                params={"limit": 500, "offset": offset},
                headers=headers,
            )
            offset += 500
            if offset >= page.json()["total"]:
                break
        print(f"read all scorecards (500/page) {time.perf_counter() - started:8.2f} s")

    async with app.state.session_factory() as s:
        events = await s.scalar(select(func.count()).select_from(outbox))
    print(f"events written to the outbox  {events:8d}   at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
    await app.state.engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
