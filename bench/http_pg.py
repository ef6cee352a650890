"""HTTP benchmark on PostgreSQL: each service's hottest read and main write beside its two peers.

Run from the repository root: `.venv/bin/python -m bench.http_pg [--duration 10] [--json out.json]`.
Needs PostgreSQL (`BENCH_POSTGRES_URL`) and `wrk` (installed from Debian when missing and possible;
without it the run says so and measures nothing).

The four services run under uvicorn as deployed (1 worker, uvloop, httptools, relay and consumers
on a bundled nats-server), each on a fresh PostgreSQL database filled by `bench.world` (5,006
people, a year of cases, evaluations and grants). Beside them, in the same run and over the
same databases, two peers serve the same endpoints (`bench.peers`): a conventional FastAPI +
SQLAlchemy ORM implementation and a lean asyncpg one; and the bare FastAPI `GET /ok`. For each
service: the read, then the write (each endpoint, then its two peers, 32 connections), then, once
at least `--after-writes` rows of the write's kind were added (topped up with COPY when the
measured writes added fewer), the read again.

Goals (issue 18): a read ≥ 1.5x its conventional peer and ≥ 60 % of its lean peer, a write
≥ 1.0x its conventional peer and ≥ 40 % of its lean peer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from functools import partial

from bench import world as bench_world
from bench import wrk
from bench.harness import Figure, Report, Stack, fresh_postgres_database
from bench.http_api import ENDPOINTS, Endpoint, _fill
from bench.profile import profile_pid
from callcenter_shared.auth import issue_development_token
from callcenter_shared.settings import ServiceSettings

SERVICES = ("scheduling", "escalation", "performance", "recognition")
GOALS = {"read": (1.5, 0.60), "write": (1.0, 0.40)}  # x conventional, share of lean
PEERS = ("conventional", "lean")


@dataclass(frozen=True)
class Measured:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float  # the server process's CPU time per request


def _tokens(ids: dict[str, str]) -> dict[str, str]:
    settings = ServiceSettings()
    person = partial(issue_development_token, settings)
    return {
        "L5": person(employee_id=uuid.UUID(ids["l5"])),
        "L3": person(employee_id=uuid.UUID(ids["l3"])),
        "L2": person(employee_id=uuid.UUID(ids["leader_a"])),
        "L1": person(employee_id=uuid.UUID(ids["agent_a"])),
        "FEED": person(client_id="metrics-feed"),
    }


def _probe(url: str, endpoint: Endpoint, path: str, token: str, body: str | None) -> None:
    """One request before the load: the endpoint answers as expected, or the run stops saying what it got."""
    data = body.replace("{n}", f"probe-{uuid.uuid4().hex[:8]}").encode() if body else None
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url + path, data=data, method=endpoint.method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, text = response.status, response.read()[:300]
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read()[:300]
    if status != endpoint.expect:
        raise RuntimeError(f"{endpoint.method} {url}{path} answered {status}, not {endpoint.expect}: {text!r}")


def main() -> None:
    os.environ.setdefault("SERVICE_ACCOUNTS", json.dumps({"hr-system": ["directory:write"],
                                                          "metrics-feed": ["metrics:write"]}))  # fmt: skip
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--after-writes", type=int, default=5000, help="rows added before the read is measured again")
    parser.add_argument("--profile", choices=("misses", "none", "all"), default="misses")
    parser.add_argument("--profile-seconds", type=float, default=6.0)
    parser.add_argument("--only", metavar="SERVICE", choices=SERVICES, action="append")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    report = Report("http-postgres")
    if wrk.ensure_wrk() is None:
        report.notes.append("not measured: wrk is not installed and could not be (apt-get install -y wrk)")
        report.print()
        report.write(args.json)
        return
    with Stack() as stack:
        run(stack, [s for s in SERVICES if args.only is None or s in args.only], args, report)
    report.print()
    report.write(args.json)


def run(stack: Stack, services: list[str], args: argparse.Namespace, report: Report) -> None:
    nats_url = stack.nats()
    # Scheduling's directory is always there: the other services' org copies are built from the same people.
    databases = {name: fresh_postgres_database(f"bench_http_{name}") for name in {"scheduling", *services}}
    for name, url in databases.items():
        stack.migrate(name, url)
    world = asyncio.run(bench_world.build(databases))
    counts = ", ".join(f"{n:,} {what}" for what, n in world.counts.items())
    report.notes.append(f"data: {counts}; one PostgreSQL database per service, loaded with COPY")
    tokens = _tokens(world.ids)
    # One service and its peers at a time: PostgreSQL's connections are shared with the machine's other work.
    servers: dict[str, tuple[str, int]] = {}
    peers: dict[str, tuple[str, int]] = {}
    bare_url, bare_pid = stack.uvicorn("bench.bare:app")

    def measure(server: tuple[str, int], path: str, endpoint: Endpoint, duration: float | None = None) -> Measured:
        url, pid = server
        body = _fill(endpoint.body, world.ids) if endpoint.body else None
        token = tokens[endpoint.role]
        _probe(url, endpoint, path, token, body)
        result = wrk.run(
            stack, url, path, method=endpoint.method, token=token, body=body,
            idempotency_half=endpoint.idempotency_half, connections=args.connections,
            duration=duration or args.duration, warmup=args.warmup, server_pid=pid,
        )  # fmt: skip
        return Measured(
            result["rps"], result["p50_ms"], result["p99_ms"], int(result["errors"]), result["server_cpu_ms"]
        )

    bare_result = wrk.run(
        stack, bare_url, "/ok", connections=args.connections, duration=args.duration, warmup=args.warmup,
        server_pid=bare_pid,
    )  # fmt: skip
    bare = Measured(
        bare_result["rps"], bare_result["p50_ms"], bare_result["p99_ms"], int(bare_result["errors"]),
        bare_result["server_cpu_ms"],
    )  # fmt: skip
    report.figures.append(
        Figure(
            "http-postgres", "bare FastAPI GET /ok", bare.rps, "req/s", bare.p50_ms, bare.p99_ms,
            extra={"cpu_ms": bare.cpu_ms},
        )
    )  # fmt: skip
    report.notes.append(
        f"load generator: wrk, 1 thread, {args.connections} connections, {args.duration:.0f} s after a "
        f"{args.warmup:.0f} s warm-up run; its CPU share during the bare run {bare_result['client_cpu_share']:.0%}"
    )

    def figure(endpoint: Endpoint, label: str, measured: dict[str, Measured]) -> None:
        own, conventional, lean = measured["service"], measured["conventional"], measured["lean"]
        times_conventional = own.rps / conventional.rps if conventional.rps else 0.0
        share_lean = own.rps / lean.rps if lean.rps else 0.0
        goal_conventional, goal_lean = GOALS[endpoint.kind]
        errors = {name: m.errors for name, m in measured.items() if m.errors}
        report.figures.append(
            Figure(
                "http-postgres",
                label,
                own.rps,
                "req/s",
                own.p50_ms,
                own.p99_ms,
                ceiling=bare.rps,
                ratio=own.rps / bare.rps if bare.rps else None,
                goal=f"≥ {goal_conventional:.1f}x conventional, ≥ {goal_lean:.0%} of lean",
                met=times_conventional >= goal_conventional and share_lean >= goal_lean and not errors,
                notes=f"errors {errors}" if errors else "",
                extra={
                    "conventional_rps": conventional.rps,
                    "conventional_p99_ms": conventional.p99_ms,
                    "lean_rps": lean.rps,
                    "lean_p99_ms": lean.p99_ms,
                    "x_conventional": times_conventional,
                    "of_lean": share_lean,
                    "cpu_ms": own.cpu_ms,
                    "conventional_cpu_ms": conventional.cpu_ms,
                    "lean_cpu_ms": lean.cpu_ms,
                },
            )
        )

    def measure_all(endpoint: Endpoint, label: str) -> bool:
        path = _fill(endpoint.path, world.ids)
        measured = {"service": measure(servers[endpoint.service], path, endpoint)}
        for peer in PEERS:
            measured[peer] = measure(peers[peer], f"/{endpoint.service}{path}", endpoint)
        figure(endpoint, label, measured)
        met = bool(report.figures[-1].met)
        if args.profile == "all" or (args.profile == "misses" and not met):
            pid = servers[endpoint.service][1]
            load = partial(measure, servers[endpoint.service], path, endpoint, args.profile_seconds)
            report.notes.append(f"profile of {label}:\n{profile_pid(pid, args.profile_seconds, load)}")
        return met

    for name in services:
        env = {"DATABASE_URL": databases[name], "NATS_URL": nats_url, "LOG_LEVEL": "WARNING", "ENV": "development"}
        servers[name] = stack.uvicorn(f"{name}.main:create_app", env=env, factory=True)
        peer_env = {"BENCH_PEER_DATABASES": json.dumps({name: databases[name]})}
        started = {peer: stack.uvicorn(f"bench.peers.{peer}:app", env=peer_env) for peer in PEERS}
        peers.update(started)
        read = next(e for e in ENDPOINTS if e.service == name and e.kind == "read")
        write = next(e for e in ENDPOINTS if e.service == name and e.kind == "write")
        measure_all(read, read.label)
        table = bench_world.WRITTEN_TABLE[name]
        before = asyncio.run(bench_world.count_rows(databases[name], table))
        measure_all(write, write.label)
        written = asyncio.run(bench_world.count_rows(databases[name], table)) - before
        asyncio.run(bench_world.top_up(name, databases[name], world.ids, args.after_writes - written))
        added = max(written, args.after_writes)
        measure_all(read, f"{read.label}, after {added:,} more {table} rows")
        for _, pid in (servers[name], *started.values()):
            stack.stop(pid)

    final = wrk.run(stack, bare_url, "/ok", connections=args.connections, duration=args.duration, warmup=0)
    report.notes.append(f"bare GET /ok again at the end: {final['rps']:,.0f} req/s (the machine's drift over the run)")


if __name__ == "__main__":
    main()
