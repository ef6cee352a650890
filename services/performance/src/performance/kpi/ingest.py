"""Raw metrics ingestion (PRF-2): validated batches, written with Core statements in few round trips.

Idempotent twice over: the batch header (source, batch id) remembers a hash of the content,
so a re-sent batch is recognised before any row is touched, and every row's primary key is
(agent, day, metric, source, batch id) with ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

import hashlib
import math
import re
import typing
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, Date, Float, Select, String, Table, Uuid, any_, bindparam, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.ingest import AgentDailyMetric
from callcenter_shared.errors import Conflict, InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.inputs import DATE_MAX, DATE_MIN
from callcenter_shared.org import org_employee
from performance.kpi.models import MetricBatch, RawMetric

MAX_ROWS = 10_000
METRIC_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
raw_metric = typing.cast(Table, RawMetric.__table__)
_SQLITE_INSERT = sqlite.insert(raw_metric).on_conflict_do_nothing()

_PG_INSERT = text(
    "INSERT INTO raw_metric (agent_id, day, metric, source, batch_id, value) "
    "SELECT * FROM unnest(CAST(:agent_ids AS uuid[]), CAST(:days AS date[]), CAST(:metrics AS varchar[]), "
    "CAST(:sources AS varchar[]), CAST(:batch_ids AS varchar[]), CAST(:vals AS double precision[])) "
    "ON CONFLICT DO NOTHING"
).bindparams(
    bindparam("agent_ids", type_=ARRAY(Uuid())),
    bindparam("days", type_=ARRAY(Date())),
    bindparam("metrics", type_=ARRAY(String())),
    bindparam("sources", type_=ARRAY(String())),
    bindparam("batch_ids", type_=ARRAY(String())),
    bindparam("vals", type_=ARRAY(Float())),
)


metric_batch = typing.cast(Table, MetricBatch.__table__)


def _first_look(known_agent: Any) -> Select[Any]:
    """The batch's earlier content hash (null if new) and how many of its agents the org copy knows: one read."""
    earlier = select(metric_batch.c.content_hash).where(
        metric_batch.c.source == bindparam("source", type_=metric_batch.c.source.type),
        metric_batch.c.batch_id == bindparam("batch_id", type_=metric_batch.c.batch_id.type),
    )
    known = select(func.count()).select_from(org_employee).where(known_agent)
    return select(earlier.scalar_subquery().label("known_hash"), known.scalar_subquery().label("known_agents"))


# By dialect: PostgreSQL binds the ids as one array whatever their number; SQLite expands them.
_FIRST_LOOK = {
    "postgresql": _first_look(org_employee.c.id == any_(bindparam("agent_ids", type_=ARRAY(Uuid())))),
    "sqlite": _first_look(org_employee.c.id.in_(bindparam("agent_ids", expanding=True))),
}
_HEADER = {
    "postgresql": postgresql.insert(metric_batch).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(metric_batch).on_conflict_do_nothing(),
}


@dataclass(frozen=True)
class IngestResult:
    source: str
    batch_id: str
    rows: int
    inserted: int
    duplicate: bool


async def insert_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert raw metric rows, skipping any already there.

    PostgreSQL: one INSERT … SELECT FROM unnest(arrays) statement for the whole batch (six bound
    parameters however many rows; a VALUES list would hit the 32,767-parameter limit).
    """
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            _PG_INSERT,
            {
                "agent_ids": [r["agent_id"] for r in rows],
                "days": [r["day"] for r in rows],
                "metrics": [r["metric"] for r in rows],
                "sources": [r["source"] for r in rows],
                "batch_ids": [r["batch_id"] for r in rows],
                "vals": [r["value"] for r in rows],
            },
        )
        return
    # SQLite: one statement compiled once and run for every row by the driver's executemany (in C);
    # a 10,000-row VALUES list would exceed SQLite's bound-variable limit and cost seconds to compile.
    await session.execute(_SQLITE_INSERT, list(rows))


def _agent_ids_in(rows: Sequence[AgentDailyMetric]) -> list[uuid.UUID]:
    """The distinct agent ids of the rows that name one (the others are refused by `_validate`)."""
    ids: set[uuid.UUID] = set()
    for row in rows:
        try:
            ids.add(uuid.UUID(row.agent_id))
        except ValueError:
            continue
    return list(ids)


async def _refuse_unknown_agents(session: AsyncSession, agent_ids: set[uuid.UUID]) -> None:
    known_agents: set[uuid.UUID] = set()
    ids = list(agent_ids)
    for start in range(0, len(ids), 1000):
        found = await session.scalars(select(org_employee.c.id).where(org_employee.c.id.in_(ids[start : start + 1000])))
        known_agents |= set(found.all())
    unknown = agent_ids - known_agents
    if unknown:
        listed = ", ".join(sorted(map(str, unknown))[:20])
        raise InvalidInput(
            t(
                "{count} agent(s) are not known to the org directory: {listed}; nothing was stored.",
                count=len(unknown),
                listed=listed,
            )
        )


def _content_hash(rows: Sequence[AgentDailyMetric]) -> str:
    digest = hashlib.sha256()
    for row in sorted(rows, key=lambda r: (r.agent_id, r.day, r.metric)):
        digest.update(f"{row.agent_id}|{row.day.isoformat()}|{row.metric}|{row.value!r}\n".encode())
    return digest.hexdigest()


def _validate(rows: Sequence[AgentDailyMetric]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    parsed: list[dict[str, Any]] = []
    seen: set[tuple[uuid.UUID, date, str]] = set()
    for index, row in enumerate(rows):
        try:
            agent_id = uuid.UUID(row.agent_id)
        except ValueError:
            errors.append(
                {"row": index, "message": t("agent_id '{agent_id}' is not an employee id", agent_id=row.agent_id)}
            )
            continue
        if not METRIC_CODE.match(row.metric):
            message = t("metric '{metric}' is not a metric code (a-z, 0-9, _)", metric=row.metric)
            errors.append({"row": index, "message": message})
        elif not DATE_MIN <= row.day <= DATE_MAX:  # batches from NATS are not held by the HTTP body's types
            message = t("day {day} is not from {first} to {last}", day=row.day, first=DATE_MIN, last=DATE_MAX)
            errors.append({"row": index, "message": message})
        elif not math.isfinite(row.value) or row.value < 0:
            message = t("value {value} must be a finite number, 0 or more", value=row.value)
            errors.append({"row": index, "message": message})
        elif (agent_id, row.day, row.metric) in seen:
            errors.append({"row": index, "message": t("the same agent, day and metric appear twice in the batch")})
        seen.add((agent_id, row.day, row.metric))
        parsed.append({"agent_id": agent_id, "day": row.day, "metric": row.metric, "value": float(row.value)})
        if len(errors) >= 50:
            break
    if errors:
        raise InvalidInput(
            t("{count} row(s) of the batch are invalid; nothing was stored.", count=len(errors)), errors=errors
        )
    return parsed


async def ingest_batch(
    session: AsyncSession, *, source: str, batch_id: str, rows: Sequence[AgentDailyMetric], now: datetime
) -> IngestResult:
    """Store a batch of per-agent daily metrics, all rows or none; the same batch again changes nothing."""
    if not rows:
        raise InvalidInput(t("The batch has no rows."))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            t("A batch holds at most {MAX_ROWS} rows; this one has {count}.", MAX_ROWS=MAX_ROWS, count=len(rows))
        )
    content_hash = _content_hash(rows)
    dialect = session.get_bind().dialect.name
    first = (
        await session.execute(
            _FIRST_LOOK[dialect], {"source": source, "batch_id": batch_id, "agent_ids": _agent_ids_in(rows)}
        )
    ).one()
    if first.known_hash is not None:
        if first.known_hash != content_hash:
            raise Conflict(
                t(
                    "Batch '{batch_id}' from '{source}' was received before with different content; send "
                    "corrections under a new batch id.",
                    batch_id=batch_id,
                    source=source,
                )
            )
        return IngestResult(source, batch_id, len(rows), 0, True)
    parsed = _validate(rows)
    agent_ids = {row["agent_id"] for row in parsed}
    if first.known_agents != len(agent_ids):  # valid rows: the ids looked up first are exactly these
        await _refuse_unknown_agents(session, agent_ids)
    for row in parsed:
        row["source"] = source
        row["batch_id"] = batch_id
    header = await session.execute(
        _HEADER[dialect],
        {"source": source, "batch_id": batch_id, "content_hash": content_hash, "row_count": len(rows),
         "received_at": now},
    )  # fmt: skip
    if not header.rowcount:  # type: ignore[attr-defined]
        return IngestResult(source, batch_id, len(rows), 0, True)  # a concurrent request stored it first
    await insert_rows(session, parsed)
    return IngestResult(source, batch_id, len(rows), len(parsed), False)
