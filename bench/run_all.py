"""`make bench`: run every benchmark and write docs/performance.md.

Run from the repository root: `.venv/bin/python -m bench.run_all [--quick] [--output docs/performance.md]`.

Each benchmark runs in its own process and hands its figures over as JSON (the KPI
benchmark, `services/performance/bench/bench_kpi.py`, as text). The deadline, recognition
and KPI scale runs need PostgreSQL (`BENCH_POSTGRES_URL`, default 127.0.0.1:5432); without
it their sections say why they were not measured. HTTP figures that miss their goal are
profiled with py-spy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import PYTHON, ROOT, fresh_postgres_database, machine

KPI = ROOT / "services" / "performance" / "bench" / "bench_kpi.py"

MAIN_COST = """\
## Where the time goes, and what was changed

- **HTTP on PostgreSQL (issue 18).** Each endpoint is measured beside two yardsticks serving
  the same endpoint over the same database in the same run: a conventional FastAPI +
  SQLAlchemy ORM implementation and a lean asyncpg one (`bench/peers/`, see `bench/README.md`).
  The server's CPU time per request is the steadier figure on a shared machine.
  - Changed: a team leader's visibility was a recursive walk tested per row inside an OR;
    PostgreSQL ran it as a subplan over the whole directory, and at 10,000 employees as a
    plain subplan re-scanning the walk for every row (600 ms per statement). It is now one
    indexed lookup (ORG-1: only agents sit below a team leader) tested as
    `= ANY(ARRAY(...))` (`callcenter_shared.db.among`), so the directory list does not slow
    down as the directory grows. The list is one Core statement with the superior's name
    joined and the page validated in one call (`scheduling/org/directory.py`). The pool no
    longer pings every connection at checkout (three round trips per request), only one
    that sat idle. The QA evaluation list read each evaluation's scorecard again (159
    statements per page, now 12) and scanned every evaluation for want of an index on
    `evaluator_id` (added). The honor wall asked the chain of every material grant's
    recipient, one grant at a time; a page is now judged with one read of the caller's
    subordinates (`recognition.access.private_subjects`). `with_names` walks only the
    fields that can hold models.
  - Main costs left (profiles above): a read costs a fixed 4-6 ms of CPU before its rows:
    FastAPI dependencies, the SQLAlchemy session (a transaction snapshot at every begin),
    statement construction and cache keys, and four round trips (BEGIN, the caller's row,
    the page, COMMIT) where the lean peer sends one. Escalation's `cases/mine` builds ORM
    objects of 40 columns, decodes their JSON columns and walks the caller's subordinates
    for the contacts it shows. The evaluation list validates every answer again to score
    its sections. Writes send 10 statements (20 with an `Idempotency-Key`: the key's
    lookup, claim and response are three more transactions).
  - Next, in order: the idempotency claim and response inside the business transaction;
    the ORG checks of a new employee in one statement; Core statements with joined names
    for `cases/mine`, the honor wall and the evaluations (scored from stored points);
    statements built once per shape; then more uvicorn workers per pod.
- **HTTP on SQLite.** The same endpoints against the bare endpoint; SQLite keeps one
  connection per service, so writes queue behind each other. Changed earlier: SQLite calls
  run on the event loop's thread (`callcenter_shared/sqlite_inline.py`; aiosqlite handed
  every driver call to a thread and back), async shared dependencies, and the directory's
  visibility as a SQL condition.
- **Outbox relay.** It went from 35 % to 55-59 % of raw JetStream publishing: 250 long-lived
  publishers work through 2,000-row batches, the next batch is read while acknowledgements
  arrive, and the previous batch is marked in the background.
- **End-to-end latency.** One SQLite-backed scheduling worker does not serve 200 single
  writes a second on this machine, so at that rate requests queue and the latency is the
  queue's. The run with imports of 10 employees per request (20 requests/s) measures the
  event path when the producer keeps up: on 2026-11-23 at 13:58 UTC (bare ceiling
  4,113 req/s) it was p50 4.1 ms and p99 49.4 ms from the commit. When the machine is
  slower, an import of 10 rows takes more than the 50 ms between requests and the producer
  queues again, as in the run above. The tail comes from the services, NATS and the load
  generator sharing two cores, and from a request holding the event loop while its
  statements run, so the relay publishes between requests. Next: set-based bulk import
  (one statement for the rows instead of five per row).
  - Changed: consumers fetch one message and then only the backlog that its metadata
    (`num_pending`) announces, instead of always probing 10 ms for more.
- **Deadlines.** Two replicas fired about 140 deadlines/s against 167/s falling due, so the
  backlog grew to a p99 lateness of 32 s. The escalation time-out handler cost about fifteen
  statements per deadline. Now a handler can fire a claimed batch at once
  (`deadlines.FiresInBatches`): escalation locks the batch's cases in id order, reads their
  stints, handlers and superiors, and writes the climbs in a few statements for the whole
  batch; each replica runs `WORKER_CONCURRENCY` claiming transactions (default 4). The
  benchmark runs the two replicas as separate processes, as two pods would be. Lateness
  went from p99 32 s to well under the 1 s goal, with none fired twice.
"""


def _run_json(command: list[str], timeout: float) -> dict[str, Any] | str:
    """Run a benchmark that writes `--json FILE`; its report, or the error text."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        output = Path(handle.name)
    try:
        completed = subprocess.run(
            [*command, "--json", str(output)], cwd=ROOT, timeout=timeout, capture_output=True, text=True
        )
        sys.stdout.write(completed.stdout)
        if completed.returncode != 0 or not output.stat().st_size:
            return f"failed (exit {completed.returncode}): {completed.stderr.strip()[-1500:]}"
        result: dict[str, Any] = json.loads(output.read_text())
        return result
    except subprocess.TimeoutExpired:
        return f"did not finish within {timeout:.0f} s"
    finally:
        output.unlink(missing_ok=True)


def _run_text(command: list[str], timeout: float, env: dict[str, str] | None = None) -> str:
    try:
        completed = subprocess.run(
            command, cwd=ROOT, timeout=timeout, capture_output=True, text=True, env={**os.environ, **(env or {})}
        )
    except subprocess.TimeoutExpired:
        return f"did not finish within {timeout:.0f} s"
    text = completed.stdout.strip()
    if completed.returncode != 0:
        text += f"\n(exit {completed.returncode}) {completed.stderr.strip()[-1500:]}"
    return text


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _table(report: dict[str, Any]) -> list[str]:
    lines = [
        "| what | figure | p50 ms | p99 ms | ceiling | ratio | goal | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for f in report["figures"]:
        result = "" if f["met"] is None else ("met" if f["met"] else "**missed**")
        if f["notes"]:
            result += f" ({f['notes']})"
        ratio = "" if f["ratio"] is None else f"{f['ratio']:.1%}"
        lines.append(
            f"| {f['name']} | {_number(f['value'])} {f['unit']} | {_number(f['p50_ms'], 2)} | "
            f"{_number(f['p99_ms'], 2)} | {_number(f['ceiling'])} | {ratio} | {f['goal']} | {result} |"
        )
    notes = report.get("notes", [])
    profiles = [n for n in notes if n.startswith("profile of")]
    lines += [""] + [f"- {n}" for n in notes if not n.startswith("profile of")]
    for profile in profiles:
        title, _, body = profile.partition("\n")
        lines += ["", f"{title}", "", "```", body, "```"]
    return lines


def _peer_table(report: dict[str, Any]) -> list[str]:
    """The PostgreSQL HTTP table: each endpoint beside its conventional and lean peers and bare."""
    lines = [
        "| endpoint | req/s | p99 ms | conventional req/s (p99) | lean req/s (p99) | x conventional | of lean "
        "| of bare | CPU ms/request: service, conventional, lean | goal | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for f in report["figures"]:
        x = f.get("extra") or {}
        if "lean_rps" not in x:
            cpu = f"{x['cpu_ms']:.2f}" if "cpu_ms" in x else ""
            lines.append(
                f"| {f['name']} | {_number(f['value'])} | {_number(f['p99_ms'], 2)} |  |  |  |  |  | {cpu} |  |  |"
            )
            continue
        result = "met" if f["met"] else "**missed**"
        if f["notes"]:
            result += f" ({f['notes']})"
        lines.append(
            f"| {f['name']} | {_number(f['value'])} | {_number(f['p99_ms'], 2)} | "
            f"{_number(x['conventional_rps'])} ({_number(x['conventional_p99_ms'], 1)}) | "
            f"{_number(x['lean_rps'])} ({_number(x['lean_p99_ms'], 1)}) | {x['x_conventional']:.2f}x | "
            f"{x['of_lean']:.0%} | {f['ratio']:.1%} | "
            f"{x['cpu_ms']:.2f}, {x['conventional_cpu_ms']:.2f}, {x['lean_cpu_ms']:.2f} | {f['goal']} | {result} |"
        )
    notes = report.get("notes", [])
    lines += [""] + [f"- {n}" for n in notes if not n.startswith("profile of")]
    for profile in (n for n in notes if n.startswith("profile of")):
        title, _, body = profile.partition("\n")
        lines += ["", f"{title}", "", "```", body, "```"]
    return lines


def _section(title: str, result: dict[str, Any] | str) -> list[str]:
    lines = [f"## {title}", ""]
    if isinstance(result, str):
        lines.append(f"Not measured: {result}")
    elif result.get("benchmark") == "http-postgres":
        lines += _peer_table(result)
    else:
        lines += _table(result)
    return [*lines, ""]


def _missed(result: dict[str, Any] | str) -> list[str]:
    if isinstance(result, str):
        return []
    if result.get("benchmark") == "http-postgres":
        return [
            f"{f['name']}: {_number(f['value'])} req/s, {f['extra']['x_conventional']:.2f}x its conventional peer, "
            f"{f['extra']['of_lean']:.0%} of its lean peer (goal {f['goal']})"
            for f in result["figures"]
            if f["met"] is False
        ]
    return [
        f"{f['name']}: {_number(f['value'])} {f['unit']}"
        + (f", {f['ratio']:.1%} of the ceiling" if f["ratio"] is not None else "")
        + (f", p99 {f['p99_ms']:.1f} ms" if f["p99_ms"] is not None else "")
        + f" (goal {f['goal']})"
        for f in result["figures"]
        if f["met"] is False
    ]


SECTIONS = ("http", "events", "deadlines", "recognition", "kpi")
TITLES = {
    "http": ("HTTP on PostgreSQL:", "HTTP on SQLite:", "HTTP:"),
    "events": ("Events:",),
    "deadlines": ("Deadlines:",),
    "recognition": ("Recognition at scale:",),
    "kpi": ("KPI ingestion",),
}


def _previous_sections(path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """The sections of an earlier report by title (without their heading), and its "Goals missed" bullets."""
    if not path.exists():
        return {}, []
    sections: dict[str, list[str]] = {}
    title = ""
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            title = line[3:]
            sections[title] = []
        elif title:
            sections[title].append(line)
    return sections, [line for line in sections.get("Goals missed", []) if line.startswith("- ") and line != "- none"]


def _carried(name: str, previous: dict[str, list[str]], missed: list[str], date: str) -> tuple[list[str], list[str]]:
    """An earlier run's sections for `name` (not measured this time), and its missed goals among them."""
    lines: list[str] = []
    figures: list[str] = []
    for title, body in previous.items():
        if title.startswith(TITLES[name]):
            note = f"Carried over from the previous report ({date}): not re-run this time."
            lines += [f"## {title}", "", note, *body]
            figures += [row.split("|")[1].strip() for row in body if row.startswith("| ") and "---" not in row]
    kept = [m for m in missed if any(m[2:].startswith(f) for f in figures if f)]
    return lines, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--quick", action="store_true", help="shorter runs, for trying the scripts out")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help="comma-separated sections to measure (http, events, deadlines, recognition, kpi); the others are "
        "carried over from the existing report",
    )
    args = parser.parse_args()
    run = {name.strip() for name in args.only.split(",")}
    unknown = run - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    previous, previous_missed = _previous_sections(Path(args.output))
    previous_date = next((line.split("date ", 1)[1] for line in previous.get("", []) if "date " in line), "")
    if not previous_date and Path(args.output).exists():
        header = Path(args.output).read_text().split("## ", 1)[0]
        previous_date = next((line.split("date ", 1)[1] for line in header.splitlines() if "; date " in line), "")
    info = machine()
    print(f"machine: {info['nproc']} CPUs, {info['cpu']}, Python {info['python']}")

    duration, seconds = ("3", "5") if args.quick else ("10", "20")
    body: list[str] = []
    missed: list[str] = []
    if "http" in run:
        print("HTTP on PostgreSQL: each service's hottest read and main write beside its two peers")
        http_pg = _run_json([PYTHON, "-m", "bench.http_pg", "--duration", duration], timeout=2400)
        print("HTTP on SQLite: the same endpoints against the bare endpoint")
        http = _run_json([PYTHON, "-m", "bench.http_api", "--duration", duration], timeout=400)
        missed += _missed(http_pg)
        body += _section("HTTP on PostgreSQL: hottest read and main write against their peers", http_pg)
        body += _section("HTTP on SQLite: hottest read and main write against a bare FastAPI endpoint", http)
    if "events" in run:
        events = _run_json([PYTHON, "-m", "bench.events", "--seconds", seconds], timeout=500)
        missed += _missed(events)
        body += _section("Events: outbox relay against raw JetStream; end-to-end latency", events)
    if "deadlines" in run:
        print("deadlines: 10,000 escalation deadlines, 2 worker replicas on PostgreSQL")
        deadlines = _run_json([PYTHON, "-m", "bench.deadlines"], timeout=300)
        missed += _missed(deadlines)
        body += _section("Deadlines: 10,000 escalation deadlines, 2 workers on PostgreSQL", deadlines)
    if "recognition" in run:
        print("recognition at scale: 5,000 agents, 100,000 grants, 300,000 praises on PostgreSQL")
        recognition = _run_json([PYTHON, "-m", "bench.recognition_scale"], timeout=600)
        body += _section("Recognition at scale: honor wall and leaderboard (PostgreSQL)", recognition)
    if "kpi" in run:
        body += _kpi()
    for name in SECTIONS:
        if name not in run:
            lines, kept = _carried(name, previous, previous_missed, previous_date)
            body += lines
            missed += [m[2:] for m in kept]

    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`bench/run_all.py`); do not edit by hand. Every figure is measured",
        "together with its peers or ceiling in the same run, so the ratio holds on a noisy machine.",
        "",
        f"- Machine: {info['nproc']} CPUs ({info['cpu']}), {info['platform']}",
        f"- Python {info['python']}; date {info['date']}",
        f"- Load average when the run started (1 / 5 / 15 min): {info['load']} (other work on the machine",
        "  lowers every figure too; compare ratios, not req/s)",
        "- Services: 1 uvicorn worker each (uvloop, httptools), relay and consumers on a bundled nats-server,",
        "  all on loopback, on PostgreSQL (first HTTP table) and on SQLite (second); the load generator (wrk)",
        "  runs in its own process on the same machine.",
        "",
        "## Goals missed",
        "",
        *([f"- {m}" for m in missed] if missed else ["- none"]),
        "",
        *body,
        MAIN_COST,
    ]
    Path(args.output).write_text("\n".join(lines))
    print(f"wrote {args.output}")


def _kpi() -> list[str]:
    print(f"KPI: running {KPI.relative_to(ROOT)} on SQLite (1,000 agents x 10 days x 10 metrics)")
    with tempfile.TemporaryDirectory() as scratch:
        kpi = _run_text([PYTHON, str(KPI)], timeout=600, env={"DATABASE_URL": f"sqlite+aiosqlite:///{scratch}/kpi.db"})
    print("KPI scale: 5,000 agents x 30 days x 10 metrics (1.5 M rows) on PostgreSQL")
    try:
        scale_url = fresh_postgres_database("bench_performance_scale")
        kpi_scale = _run_text(
            [PYTHON, str(KPI), "--agents", "5000", "--days", "30"], timeout=900, env={"DATABASE_URL": scale_url}
        )
    except OSError as exc:
        kpi_scale = f"not measured: PostgreSQL not reachable ({exc})"
    return [
        "## KPI ingestion and period close",
        "",
        "1,000 agents x 10 days x 10 metrics (100,000 rows), SQLite:",
        "",
        "```",
        kpi,
        "```",
        "",
        "5,000 agents x 30 days x 10 metrics (1.5 M rows), PostgreSQL (goal: close ≤ 30 s):",
        "",
        "```",
        kpi_scale,
        "```",
        "",
    ]


if __name__ == "__main__":
    main()
