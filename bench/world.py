"""The HTTP benchmark's data on PostgreSQL, at a call center's size, written with COPY.

`build(urls)` fills the four services' freshly migrated databases: an org of 5,006 people
(an executive, a general manager, four deputies, 100 teams of a leader and 49 agents) in
scheduling's directory and in every other service's org read copy, and a year of work:
cases with their first stint (escalation), monthly QA evaluations with their answers
(performance) and grants on the honor wall (recognition). The names it returns are the
ones `bench.http_api` puts in paths and bodies: team A is the read team (its leader reads a
page of 50), team W is where new agents go.

`top_up(...)` adds rows of an endpoint's write kind when the writes measured left fewer
than the "after 5,000 more writes" re-measure asks for.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

TEAMS = 100
AGENTS_PER_TEAM = 49  # with its leader, a team fills a page of 50
DEPUTIES = 4
CASES = 100_000  # a year of cases across the center
CASES_OF_AGENT_A = 300  # the agent whose own list is read: a busy year
GRANTS = 12_000  # a year of grants on the honor wall; a fifth of them material, with an amount
MONTHS = 12


def asyncpg_dsn(url: str) -> str:
    """A SQLAlchemy URL (`postgresql+asyncpg://...`) as asyncpg takes it."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@dataclass
class World:
    ids: dict[str, str] = field(default_factory=dict)
    people: int = 0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    name: str
    level: int
    superior_id: uuid.UUID | None
    team_id: uuid.UUID | None
    agent_number: str | None = None


def _org(rng: random.Random) -> tuple[list[Person], list[tuple[uuid.UUID, str, uuid.UUID]], dict[str, str]]:
    """People and teams (id, name, leader id); the names of the ones the benchmark uses."""
    l5, l4 = uuid.uuid4(), uuid.uuid4()
    people = [Person(l5, "Executive", 5, None, None), Person(l4, "General manager", 4, l5, None)]
    deputies = [uuid.uuid4() for _ in range(DEPUTIES)]
    people += [Person(d, f"Deputy GM {n}", 3, l4, None) for n, d in enumerate(deputies)]
    teams: list[tuple[uuid.UUID, str, uuid.UUID]] = []
    ids = {"l5": str(l5), "l4": str(l4), "l3": str(deputies[0])}
    for t in range(TEAMS):
        tag = "a" if t == 0 else "w" if t == 1 else str(t)
        team, leader = uuid.uuid4(), uuid.uuid4()
        teams.append((team, f"Hotline {tag}", leader))
        ids[f"team_{tag}"], ids[f"leader_{tag}"] = str(team), str(leader)
        people.append(Person(leader, f"Leader {tag}", 2, deputies[t % DEPUTIES], team))
        for a in range(AGENTS_PER_TEAM):
            agent = uuid.uuid4()
            if a == 0:
                ids[f"agent_{tag}"] = str(agent)
            elif a == 1:
                ids[f"agent_{tag}2"] = str(agent)
            surname = rng.choice("王李张刘陈杨黄赵周吴")
            people.append(Person(agent, f"{surname}{t:02d}-{a:02d}", 1, leader, team, f"A{t:03d}{a:02d}"))
    return people, teams, ids


async def _copy(dsn: str, table: str, columns: Sequence[str], records: Iterable[Sequence[Any]]) -> int:
    rows = list(records)
    connection = await asyncpg.connect(asyncpg_dsn(dsn))
    try:
        await connection.copy_records_to_table(table, records=rows, columns=list(columns))
        await connection.execute(f'ANALYZE "{table}"')
    finally:
        await connection.close()
    return len(rows)


async def _scheduling(url: str, people: list[Person], teams: list[tuple[uuid.UUID, str, uuid.UUID]]) -> None:
    now = datetime.now(UTC)
    await _copy(
        url,
        "team",
        ("id", "name", "active", "leave_cap", "version", "created_at", "updated_at"),
        ((team, name, True, None, 2, now, now) for team, name, _ in teams),
    )
    columns = ("id", "name", "level", "superior_id", "team_id", "agent_number", "certified", "probation_end_date")
    columns += ("birthday", "hire_date", "active", "version", "created_at", "updated_at", "external_id")
    await _copy(url, "employee", columns, (_employee_row(p, now) for p in people))


def _employee_row(p: Person, now: datetime) -> tuple[Any, ...]:
    hired = date(2024, 1, 1) + timedelta(days=hash(p.id) % 700)
    born = date(1990, 1, 1) + timedelta(days=hash(p.id) % 7000)
    certified = p.agent_number is not None
    row = (p.id, p.name, p.level, p.superior_id, p.team_id, p.agent_number, certified, None, born, hired, True, 1)
    return (*row, now, now, f"{p.id}@example.com")


async def _org_copy(url: str, people: list[Person], teams: list[tuple[uuid.UUID, str, uuid.UUID]]) -> None:
    now = datetime.now(UTC)
    await _copy(
        url,
        "org_team",
        ("id", "name", "leader_id", "active", "version"),
        ((team, name, leader, True, 2) for team, name, leader in teams),
    )
    columns = ("id", "name", "level", "superior_id", "team_id", "agent_number", "certified", "probation_end_date")
    columns += ("birthday", "hire_date", "active", "version", "external_id")
    await _copy(url, "org_employee", columns, ((*_employee_row(p, now)[:12], f"{p.id}@example.com") for p in people))


async def _escalation(url: str, people: list[Person], agent_a: uuid.UUID, rng: random.Random) -> int:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        category = await connection.fetchval("SELECT id FROM category WHERE code = 'inquiry'")
    finally:
        await connection.close()
    agents = [p for p in people if p.level == 1]
    a = next(p for p in agents if p.id == agent_a)
    start = datetime.now(UTC) - timedelta(days=365)
    cases, stints = [], []
    for n in range(CASES):
        owner = a if n < CASES_OF_AGENT_A else agents[rng.randrange(len(agents))]
        opened = start + timedelta(seconds=rng.randrange(365 * 86400 - 7200))
        resolved = opened + timedelta(minutes=rng.randrange(5, 600))
        case_id = uuid.uuid4()
        cases.append((
            case_id, f"SEED-{n:07d}", category, "inquiry", "phone", f"customer {n}", f"Asks about the bill ({n}).",
            False, owner.id, owner.team_id, owner.id, 1, "resolved", "[60, 120, 240, 480, 1440]", 15, 60,
            opened, opened + timedelta(minutes=60), "Answered.", owner.id, resolved, opened, resolved, False, 0,
            "[]",
        ))  # fmt: skip
        stints.append((case_id, 1, owner.id, opened, resolved, int((resolved - opened).total_seconds()), 0, "resolved"))
    columns = ("id", "number", "category_id", "category_code", "channel", "customer_contact", "description")
    columns += ("emergency", "owner_id", "owner_team_id", "handler_id", "level", "status", "allowances")
    columns += ("warning_minutes", "emergency_report_minutes", "level_started_at", "level_due_at", "resolution")
    columns += ("resolved_by", "resolved_at", "opened_at", "updated_at", "reply_breached", "paused_seconds")
    columns += ("paused_clocks",)
    await _copy(url, "case", columns, cases)
    stint_columns = ("case_id", "level", "handler_id", "started_at", "ended_at", "seconds", "paused_seconds")
    await _copy(url, "case_stint", (*stint_columns, "outcome"), stints)
    return len(cases)


SECTIONS = (("Opening", 0.3, ("greeting", "verification")), ("Resolution", 0.7, ("accuracy", "empathy", "closing")))


async def _performance(url: str, people: list[Person], rng: random.Random) -> int:
    now = datetime.now(UTC)
    scorecard, creator = uuid.uuid4(), next(p.id for p in people if p.level == 3)
    items: list[tuple[uuid.UUID, str]] = []
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        async with connection.transaction():
            await connection.execute(
                "INSERT INTO scorecard (id, family_id, version, name, status, created_by, created_at, published_at) "
                "VALUES ($1, $2, 1, 'Phone QA', 'published', $3, $4, $4)",
                scorecard, uuid.uuid4(), creator, now - timedelta(days=400),
            )  # fmt: skip
            for position, (title, weight, codes) in enumerate(SECTIONS):
                section = uuid.uuid4()
                await connection.execute(
                    "INSERT INTO scorecard_section (id, scorecard_id, position, title, weight) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    section, scorecard, position, title, weight,
                )  # fmt: skip
                for item_position, code in enumerate(codes):
                    item = uuid.uuid4()
                    items.append((item, code))
                    await connection.execute(
                        "INSERT INTO scorecard_item (id, section_id, position, code, text, dimension, points, "
                        "critical, allow_na) VALUES ($1, $2, $3, $4, $5, 'behaviour', 10, 'none', false)",
                        item, section, item_position, code, f"The agent's {code}",
                    )  # fmt: skip
    finally:
        await connection.close()
    leaders = {p.team_id: p.id for p in people if p.level == 2}
    evaluations, answers = [], []
    for month in range(MONTHS):
        day = (now - timedelta(days=30 * (MONTHS - month))).date()
        for agent in (p for p in people if p.level == 1):
            evaluation = uuid.uuid4()
            created = datetime.combine(day, datetime.min.time(), UTC) + timedelta(minutes=rng.randrange(1440))
            released = created + timedelta(hours=2)
            total = 0.0
            for item, code in items:
                result = rng.choice(("pass", "pass", "pass", "fail"))
                total += 10 if result == "pass" else 0
                answers.append((evaluation, item, code, result, 10.0 if result == "pass" else 0.0, ""))
            evaluations.append((
                evaluation, scorecard, 1, None, f"call-{evaluation.hex[:12]}", agent.id, leaders[agent.team_id],
                "phone", day, "final", round(100 * total / (10 * len(items)), 1), False, "undisputed", created,
                released, released, released + timedelta(days=7),
            ))  # fmt: skip
    columns = ("id", "scorecard_id", "scorecard_version", "calibration_id", "interaction_id", "agent_id")
    columns += ("evaluator_id", "channel", "interaction_date", "status", "score", "failed_critical", "outcome")
    columns += ("created_at", "updated_at", "released_at", "finalized_at")
    await _copy(url, "qa_evaluation", columns, evaluations)
    await _copy(
        url, "qa_evaluation_answer", ("evaluation_id", "item_id", "item_code", "result", "points", "note"), answers
    )
    return len(evaluations)


async def _recognition(url: str, people: list[Person], rng: random.Random) -> tuple[int, str]:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        awards = await connection.fetch("SELECT id, scope, material, automatic, active FROM award ORDER BY code")
    finally:
        await connection.close()
    individual = [a for a in awards if a["scope"] == "individual"]
    nominable = next(a["id"] for a in individual if not a["material"] and not a["automatic"] and a["active"])
    agents = [p for p in people if p.level == 1]
    now = datetime.now(UTC)
    grants = []
    for n in range(GRANTS):
        award = individual[n % len(individual)]
        agent = agents[rng.randrange(len(agents))]
        granted = now - timedelta(days=365) + timedelta(seconds=rng.randrange(365 * 86400))
        month = granted.date().replace(day=1)
        amount = Decimal(rng.randrange(100, 2000)) if award["material"] else None
        grants.append((
            uuid.uuid4(), award["id"], agent.id, agent.team_id, "Top first-contact resolution", "KPI star",
            '{"kpi": "fcr", "value": 0.9}', amount, "track", f"bench:{n}", month, month + timedelta(days=27), None,
            granted,
        ))  # fmt: skip
    columns = ("id", "award_id", "recipient_id", "team_id", "reason", "criteria", "evidence", "amount", "source")
    columns += ("source_key", "period_start", "period_end", "granted_by", "granted_at")
    await _copy(url, "award_grant", columns, grants)
    return len(grants), str(nominable)


async def build(urls: dict[str, str]) -> World:
    """Fill the migrated databases (`urls`: service name -> SQLAlchemy URL) with the org and a year of work."""
    rng = random.Random(20261123)  # noqa: S311 (test data)
    people, teams, ids = _org(rng)
    world = World(ids=ids, people=len(people))
    await _scheduling(urls["scheduling"], people, teams)
    for service in ("escalation", "performance", "recognition"):
        if service in urls:
            await _org_copy(urls[service], people, teams)
    if "escalation" in urls:
        world.counts["cases"] = await _escalation(urls["escalation"], people, uuid.UUID(ids["agent_a"]), rng)
    if "performance" in urls:
        world.counts["evaluations"] = await _performance(urls["performance"], people, rng)
    if "recognition" in urls:
        world.counts["grants"], ids["award"] = await _recognition(urls["recognition"], people, rng)
    world.counts["employees"] = len(people)
    return world


# Rows of each write's kind, added when the measured writes left fewer than the re-measure asks for.

WRITTEN_TABLE = {
    "scheduling": "employee",
    "escalation": "case",
    "performance": "raw_metric",
    "recognition": "nomination",
}


async def count_rows(url: str, table: str) -> int:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return int(await connection.fetchval(f'SELECT count(*) FROM "{table}"'))  # noqa: S608 (a table name of ours)
    finally:
        await connection.close()


async def top_up(service: str, url: str, ids: dict[str, str], rows: int) -> None:
    """`rows` more rows like the ones the service's main write adds, in one COPY."""
    if rows <= 0:
        return
    now = datetime.now(UTC)
    tag = uuid.uuid4().hex[:8]
    if service == "scheduling":
        team, leader = uuid.UUID(ids["team_w"]), uuid.UUID(ids["leader_w"])
        people = [Person(uuid.uuid4(), f"agent {tag}-{n}", 1, leader, team) for n in range(rows)]
        columns = ("id", "name", "level", "superior_id", "team_id", "agent_number", "certified")
        columns += ("probation_end_date", "birthday", "hire_date", "active", "version", "created_at", "updated_at")
        await _copy(url, "employee", (*columns, "external_id"), ((*_employee_row(p, now)[:14], None) for p in people))
    elif service == "escalation":
        await _top_up_cases(url, uuid.UUID(ids["agent_a"]), uuid.UUID(ids["team_a"]), rows, tag, now)
    elif service == "performance":
        agent = uuid.UUID(ids["agent_a"])
        first = date(2020, 1, 1)
        records = (
            (agent, first + timedelta(days=n // 2), "calls_handled", "acd", f"top-{tag}-{n}", 100.0)
            for n in range(rows)
        )
        await _copy(url, "raw_metric", ("agent_id", "day", "metric", "source", "batch_id", "value"), records)
    elif service == "recognition":
        award, nominee, nominator = uuid.UUID(ids["award"]), uuid.UUID(ids["agent_a2"]), uuid.UUID(ids["agent_a"])
        records = (
            (
                uuid.uuid4(),
                award,
                nominee,
                None,
                nominator,
                f"Calm with an angry caller, {tag}-{n}.",
                "[]",
                "pending",
                now,
            )
            for n in range(rows)
        )
        columns = ("id", "award_id", "nominee_id", "team_id", "nominated_by", "reason", "evidence_links", "status")
        await _copy(url, "nomination", (*columns, "created_at"), records)


async def _top_up_cases(url: str, agent: uuid.UUID, team: uuid.UUID, rows: int, tag: str, now: datetime) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        category = await connection.fetchval("SELECT id FROM category WHERE code = 'inquiry'")
    finally:
        await connection.close()
    cases = [
        (uuid.uuid4(), f"TOP-{tag}-{n}", category, "inquiry", "phone", f"customer {n}", f"Asks about the bill ({n}).",
         False, agent, team, agent, 1, "open", "[60, 120, 240, 480, 1440]", 15, 60, now, now + timedelta(hours=1),
         now, now, False, 0, "[]")
        for n in range(rows)
    ]  # fmt: skip
    columns = ("id", "number", "category_id", "category_code", "channel", "customer_contact", "description")
    columns += ("emergency", "owner_id", "owner_team_id", "handler_id", "level", "status", "allowances")
    columns += ("warning_minutes", "emergency_report_minutes", "level_started_at", "level_due_at", "opened_at")
    columns += ("updated_at", "reply_breached", "paused_seconds", "paused_clocks")
    await _copy(url, "case", columns, cases)
    await _copy(
        url, "case_stint", ("case_id", "level", "handler_id", "started_at", "paused_seconds"),
        ((c[0], 1, agent, now, 0) for c in cases),
    )  # fmt: skip
