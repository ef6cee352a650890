"""Honor wall and praise leaderboard at the scale of 5,000 agents, on PostgreSQL.

Run from the repository root: `.venv/bin/python -m bench.recognition_scale`.
Needs PostgreSQL (`BENCH_POSTGRES_URL`, default postgresql+asyncpg://postgres@127.0.0.1:5432).

A fresh database holds an org copy of 5,000 agents in 100 teams, a year of grants (100,000)
and of peer praise (300,000), written with Core statements. The service then answers
the honor wall (first page, and filtered by team) and the monthly leaderboard (team and
center) in-process, 200 times each, after a warm-up; p50 and p99 per query.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, select

from bench.harness import Figure, Report, fresh_postgres_database, percentile
from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.migrations import upgrade
from callcenter_shared.org import org_employee
from callcenter_testing import bearer
from recognition.award.models import Award, Grant
from recognition.main import create_app
from recognition.migrate import seed as seed_catalog
from recognition.praise.models import Praise
from recognition.settings import Settings

TEAMS, AGENTS_PER_TEAM, MONTHS = 100, 50, 12
GRANTS, PRAISES = 100_000, 300_000


async def load(url: str) -> dict[str, Any]:
    rng = random.Random(20261123)  # noqa: S311 (test data, not secrets)
    engine = create_engine(url)
    now = datetime.now(UTC)
    people: list[dict[str, Any]] = []
    teams: list[uuid.UUID] = []
    manager = uuid.uuid4()
    people.append({"id": manager, "name": "Deputy GM", "level": 3, "version": 1, "active": True, "certified": False})
    for t in range(TEAMS):
        team, leader = uuid.uuid4(), uuid.uuid4()
        teams.append(team)
        people.append({"id": leader, "name": f"Leader {t}", "level": 2, "superior_id": manager, "team_id": team,
                       "version": 1, "active": True, "certified": False})  # fmt: skip
        for a in range(AGENTS_PER_TEAM):
            people.append({"id": uuid.uuid4(), "name": f"Agent {t}-{a}", "level": 1, "superior_id": leader,
                           "team_id": team, "version": 1, "active": True, "certified": True})  # fmt: skip
    for row in people:
        row.setdefault("superior_id", None)
        row.setdefault("team_id", None)
    agents = [p for p in people if p["level"] == 1]
    months = [date(2025, 12, 1) + timedelta(days=31 * m) for m in range(MONTHS)]
    async with create_session_factory(engine)() as session, session.begin():
        await session.execute(insert(org_employee), people)
        award_ids = list((await session.scalars(select(Award.id))).all())
        grants = []
        for n in range(GRANTS):
            agent = agents[n % len(agents)]
            month = months[n % MONTHS].replace(day=1)
            grants.append({
                "id": uuid.uuid4(), "award_id": award_ids[n % len(award_ids)], "recipient_id": agent["id"],
                "team_id": agent["team_id"], "reason": "Top first-contact resolution", "criteria": "KPI star",
                "evidence": {"kpi": "fcr", "value": 0.9}, "amount": None, "source": "track",
                "source_key": f"bench:{n}", "period_start": month, "period_end": month + timedelta(days=27),
                "granted_by": None,
                "granted_at": datetime.combine(month, datetime.min.time(), UTC) + timedelta(days=28),
            })  # fmt: skip
        for start in range(0, len(grants), 5000):
            await session.execute(insert(Grant.__table__), grants[start : start + 5000])  # type: ignore[arg-type]
        for start in range(0, PRAISES, 10_000):
            batch = []
            for n in range(start, start + 10_000):
                giver, receiver = rng.choice(agents), rng.choice(agents)
                month = months[n % MONTHS]
                batch.append({
                    "id": uuid.uuid4(), "giver_id": giver["id"], "receiver_id": receiver["id"],
                    "receiver_team_id": receiver["team_id"], "points": rng.randint(1, 20), "message": "Thanks!",
                    "value": "teamwork", "month": month.strftime("%Y-%m"),
                    "given_at": datetime.combine(month, datetime.min.time(), UTC) + timedelta(days=3),
                })  # fmt: skip
            await session.execute(insert(Praise.__table__), batch)  # type: ignore[arg-type]
    await engine.dispose()
    leader_a = next(p for p in people if p["level"] == 2)
    return {"team": str(teams[0]), "leader": leader_a["id"], "agent": agents[0]["id"], "month": "2026-06", "now": now}


async def measure(url: str, world: dict[str, Any], repeat: int) -> list[tuple[str, list[float]]]:
    settings = Settings(database_url=url, env="test", relay_enabled=False, consumer_enabled=False, worker_enabled=False)
    app = create_app(settings)
    agent = bearer(settings, world["agent"], 1, uuid.UUID(world["team"]))
    leader = bearer(settings, world["leader"], 2, uuid.UUID(world["team"]))
    team, month = world["team"], world["month"]
    queries = [
        ("honor wall, first page of 50, as an agent", "/v1/honor-wall?limit=50", agent),
        ("honor wall of one team, as its leader", f"/v1/honor-wall?limit=50&team_id={team}", leader),
        ("praise leaderboard of one team for a month", f"/v1/praise/leaderboard?month={month}&team_id={team}", agent),
        ("praise leaderboard of the center for a month", f"/v1/praise/leaderboard?month={month}&limit=20", agent),
    ]
    results = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for name, path, headers in queries:
            for _ in range(20):
                response = await client.get(path, headers=headers)
                assert response.status_code == 200, response.text
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                await client.get(path, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
            results.append((name, timings))
    await app.state.engine.dispose()
    return results


async def run(repeat: int) -> Report:
    report = Report("recognition at scale")
    url = await asyncio.to_thread(fresh_postgres_database, "bench_recognition_scale")
    await asyncio.to_thread(upgrade, "recognition", url)
    await seed_catalog(url)
    started = time.perf_counter()
    world = await load(url)
    report.notes.append(
        f"loaded {TEAMS * AGENTS_PER_TEAM:,} agents, {GRANTS:,} grants and {PRAISES:,} praises "
        f"in {time.perf_counter() - started:.1f} s; {repeat} requests per query, in-process"
    )
    for name, timings in await measure(url, world, repeat):
        report.figures.append(
            Figure("recognition", name, 1000 / (sum(timings) / len(timings)), "req/s",
                   p50_ms=percentile(timings, 0.5), p99_ms=percentile(timings, 0.99))
        )  # fmt: skip
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    report = asyncio.run(run(args.repeat))
    report.print()
    report.write(args.json)


if __name__ == "__main__":
    main()
