"""HTTP benchmark on SQLite: each service's hottest read and main write against a bare FastAPI ceiling.

Run from the repository root: `.venv/bin/python -m bench.http_api [--duration 10] [--json out.json]`.

Every service in `ENDPOINTS` runs under uvicorn exactly as deployed (1 worker, uvloop,
httptools, its own freshly migrated SQLite file, relay and consumers on a bundled
nats-server); the bare app `bench.bare:app` is served the same way in the same run.
A load generator in its own process (`wrk` through `bench.wrk`, else `bench.loadgen`)
drives each endpoint for a fixed time after a warm-up, and the figure is compared with the
bare app's req/s. The same endpoints on PostgreSQL, beside their peers, are `bench.http_pg`.

To add another service's endpoint, add one `Endpoint(...)` line to `ENDPOINTS`. Paths
and bodies may use the seed's names in braces (`{team_a}`, `{leader_a}`, ...); `{n}` in
a body is replaced by a value unique to each request.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from bench import wrk
from bench.harness import PYTHON, Figure, Report, Stack
from bench.profile import profile_pid
from callcenter_shared.auth import issue_development_token
from callcenter_shared.settings import ServiceSettings

READ_GOAL = 0.50
WRITE_GOAL = 0.25


@dataclass(frozen=True)
class Endpoint:
    """One endpoint under load: who calls it, with what, and which status means success."""

    service: str
    kind: Literal["read", "write"]
    method: str
    path: str
    # a token from the seed: "L5", "L3", "L2" (leader of team A), "L1" (agent in team A), "FEED" (metrics:write)
    role: str
    body: str | None = None  # JSON template: {n} unique per request, {names} from the seed
    expect: int = 200
    idempotency_half: bool = False  # an Idempotency-Key on every second request

    @property
    def label(self) -> str:
        return f"{self.service} {self.kind}: {self.method} {self.path} as {self.role}"


NEW_AGENT = '{"name": "agent {n}", "level": 1, "team_id": "{team_w}", "superior_id": "{leader_w}"}'

NEW_CASE = (
    '{"category": "inquiry", "channel": "phone", "customer_contact": "customer {n}", '
    '"description": "Asks about the bill ({n})."}'
)
METRIC_BATCH = (
    '{"source": "acd", "batch_id": "bench-{n}", "rows": ['
    '{"agent_id": "{agent_a}", "day": "2026-10-05", "metric": "calls_handled", "value": 100}, '
    '{"agent_id": "{agent_a}", "day": "2026-10-05", "metric": "handle_seconds", "value": 27000}]}'
)
NOMINATION = '{"award_id": "{award}", "nominee_id": "{agent_a2}", "reason": "Calm with an angry caller, {n}."}'

ENDPOINTS: list[Endpoint] = [
    Endpoint("scheduling", "read", "GET", "/v1/employees?limit=50", "L2"),
    Endpoint("scheduling", "write", "POST", "/v1/employees", "L5", NEW_AGENT, 201, idempotency_half=True),
    Endpoint("scheduling", "write", "POST", "/v1/teams", "L5", '{"name": "team {n}"}', 201, idempotency_half=True),
    Endpoint("escalation", "read", "GET", "/v1/cases/mine?limit=50", "L1"),
    Endpoint("escalation", "write", "POST", "/v1/cases", "L1", NEW_CASE, 201, idempotency_half=True),
    Endpoint("performance", "read", "GET", "/v1/qa/evaluations?limit=50", "L2"),
    Endpoint("performance", "write", "POST", "/v1/metrics/batches", "FEED", METRIC_BATCH, 200, idempotency_half=True),
    Endpoint("recognition", "read", "GET", "/v1/honor-wall?limit=50", "L1"),
    Endpoint("recognition", "write", "POST", "/v1/nominations", "L1", NOMINATION, 201, idempotency_half=True),
]

# Extra data a service's endpoints need beyond the org (seeded over HTTP after the org is there).
Seeder = Callable[[str, dict[str, str], dict[str, str]], None]


def _get(url: str, path: str, token: str) -> Any:
    request = urllib.request.Request(f"{url}{path}", headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def seed_cases(url: str, ids: dict[str, str], tokens: dict[str, str]) -> None:
    """A page of open cases for the agent whose list is read."""
    for n in range(50):
        _call(url, "POST", "/v1/cases", tokens["L1"], json.loads(NEW_CASE.replace("{n}", f"seed-{n}")))


def seed_award(url: str, ids: dict[str, str], tokens: dict[str, str]) -> None:
    """An individual award from the seeded catalog to nominate for."""
    awards = _get(url, "/v1/awards", tokens["L1"])["items"]
    ids["award"] = next(str(a["id"]) for a in awards if a["scope"] == "individual" and not a["material"])


SEEDERS: dict[str, Seeder] = {"escalation": seed_cases, "recognition": seed_award}

TEAMS = 6  # team A (read), team W (writes) and four more, so visibility filters have work to do
AGENTS_PER_TEAM = 49  # with its leader, team A fills a page of 50


def _call(url: str, method: str, path: str, token: str, body: object) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{url}{path}",
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        result: dict[str, object] = json.loads(response.read())
        return result


def seed_org(scheduling_url: str) -> tuple[dict[str, str], dict[str, str], int]:
    """The org over HTTP as an HR import would: L5..L3, teams with a leader and 49 agents each."""
    settings = ServiceSettings()
    ids = {"l5": str(uuid.uuid4()), "l4": str(uuid.uuid4()), "l3": str(uuid.uuid4())}
    hr = issue_development_token(settings, client_id="hr-system")  # fills the empty directory
    admin = issue_development_token(settings, employee_id=uuid.UUID(ids["l5"]))
    rows: list[dict[str, object]] = [
        {"id": ids["l5"], "name": "Executive", "level": 5},
        {"id": ids["l4"], "name": "General manager", "level": 4, "superior_id": ids["l5"]},
        {"id": ids["l3"], "name": "Deputy GM", "level": 3, "superior_id": ids["l4"]},
    ]
    for index in range(TEAMS):
        tag = "a" if index == 0 else "w" if index == 1 else str(index)
        team_id = str(_call(scheduling_url, "POST", "/v1/teams", hr, {"name": f"Hotline {tag}"})["id"])
        leader_id = str(uuid.uuid4())
        ids[f"team_{tag}"], ids[f"leader_{tag}"] = team_id, leader_id
        rows.append(
            {"id": leader_id, "name": f"Leader {tag}", "level": 2, "superior_id": ids["l3"], "team_id": team_id}
        )
        for agent in range(AGENTS_PER_TEAM):
            agent_id = str(uuid.uuid4())
            if agent == 0:
                ids[f"agent_{tag}"] = agent_id
            elif agent == 1:
                ids[f"agent_{tag}2"] = agent_id
            rows.append(
                {"id": agent_id, "name": f"Agent {tag}-{agent:02d}", "level": 1, "superior_id": leader_id}
                | {"team_id": team_id, "hire_date": "2026-03-01"}
            )
    _call(scheduling_url, "POST", "/v1/employee-imports", hr, rows)
    tokens = {
        "L5": admin,
        "FEED": issue_development_token(settings, client_id="metrics-feed"),
        "L3": issue_development_token(settings, employee_id=uuid.UUID(ids["l3"]), level=3),
        "L2": issue_development_token(
            settings, employee_id=uuid.UUID(ids["leader_a"]), level=2, team_id=uuid.UUID(ids["team_a"])
        ),
        "L1": issue_development_token(
            settings, employee_id=uuid.UUID(ids["agent_a"]), level=1, team_id=uuid.UUID(ids["team_a"])
        ),
    }
    return ids, tokens, len(rows)


def wait_org_copy(database_file: str, expected: int, seconds: float = 60) -> None:
    """Wait until a consuming service's org read copy holds the whole seeded org."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sqlite3.connect(database_file, timeout=5) as connection:
            (count,) = connection.execute("SELECT count(*) FROM org_employee").fetchone()
        if count >= expected:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the org read copy in {database_file} did not fill within {seconds:.0f}s")


def _fill(template: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        template = template.replace("{" + name + "}", value)
    return template


def load(
    stack: Stack,
    url: str,
    path: str,
    *,
    args: argparse.Namespace,
    method: str = "GET",
    token: str | None = None,
    body: str | None = None,
    expect: int = 200,
    idempotency_half: bool = False,
    duration: float | None = None,
) -> dict[str, float]:
    duration = duration or args.duration
    if wrk.ensure_wrk() is not None:  # C, a fraction of a core: the server gets the machine
        return wrk.run(
            stack, url, path, method=method, token=token, body=body, idempotency_half=idempotency_half,
            connections=args.connections, duration=duration, warmup=args.warmup,
        )  # fmt: skip
    command = [PYTHON, "-m", "bench.loadgen", "--url", url, "--path", path, "--method", method]
    command += ["--connections", str(args.connections), "--duration", str(duration), "--warmup", str(args.warmup)]
    command += ["--expect", str(expect)]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    if body is not None:
        command += ["--body", body]
    if idempotency_half:
        command.append("--idempotency-half")
    completed = stack.run(command, timeout=duration + args.warmup + 60)
    if completed.returncode != 0:
        raise RuntimeError(f"load generator failed for {method} {path}")
    result: dict[str, float] = json.loads(completed.stdout)
    return result


def main() -> None:
    # The systems the benchmark calls as (the services inherit this environment).
    os.environ.setdefault("SERVICE_ACCOUNTS", json.dumps({"hr-system": ["directory:write"],
                                                          "metrics-feed": ["metrics:write"]}))  # fmt: skip
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--profile-misses", action="store_true", help="py-spy the server for each missed goal")
    parser.add_argument("--profile-seconds", type=float, default=6.0)
    parser.add_argument("--only", metavar="TEXT", help="only the endpoints whose label contains TEXT")
    args = parser.parse_args()
    endpoints = [e for e in ENDPOINTS if args.only is None or args.only in e.label]

    report = Report("http")
    with Stack() as stack:
        nats_url = stack.nats()
        services = ["scheduling", *sorted({e.service for e in endpoints} - {"scheduling"})]
        urls: dict[str, tuple[str, int]] = {name: stack.service(name, nats_url) for name in services}
        bare_url, _ = stack.uvicorn("bench.bare:app")
        ids, tokens, people = seed_org(urls["scheduling"][0])
        for name in services[1:]:
            wait_org_copy(str(stack.dir / f"{name}.db"), people)
            if name in SEEDERS:
                SEEDERS[name](urls[name][0], ids, tokens)

        ceiling = load(stack, bare_url, "/ok", args=args)
        report.figures.append(
            Figure(
                "http", "bare FastAPI GET /ok (ceiling)", ceiling["rps"], "req/s", ceiling["p50_ms"], ceiling["p99_ms"]
            )
        )
        generator = "wrk (1 thread)" if wrk.ensure_wrk() else "aiohttp"
        report.notes.append(
            f"load generator: {generator}, {args.connections} connections, {args.duration:.0f} s after "
            f"{args.warmup:.0f} s warm-up; its CPU share during the ceiling run {ceiling['client_cpu_share']:.0%}"
        )

        def drive(endpoint: Endpoint, duration: float | None = None) -> dict[str, float]:
            return load(
                stack,
                urls[endpoint.service][0],
                _fill(endpoint.path, ids),
                args=args,
                method=endpoint.method,
                token=tokens[endpoint.role],
                body=_fill(endpoint.body, ids) if endpoint.body else None,
                expect=endpoint.expect,
                idempotency_half=endpoint.idempotency_half,
                duration=duration,
            )

        for endpoint in endpoints:
            result = drive(endpoint)
            goal = READ_GOAL if endpoint.kind == "read" else WRITE_GOAL
            ratio = result["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
            notes = (
                f"{int(result['errors'])} unexpected answers {result.get('statuses', '')}" if result["errors"] else ""
            )
            report.figures.append(
                Figure(
                    "http",
                    endpoint.label,
                    result["rps"],
                    "req/s",
                    result["p50_ms"],
                    result["p99_ms"],
                    ceiling=ceiling["rps"],
                    ratio=ratio,
                    goal=f"≥ {goal:.0%} of the ceiling",
                    met=ratio >= goal and not result["errors"],
                    notes=notes,
                )
            )
            if ratio < goal and args.profile_misses:
                # Profiled right away, on the data it was measured on (before the next write changes it).
                pid = urls[endpoint.service][1]
                summary = profile_pid(pid, args.profile_seconds, partial(drive, endpoint, args.profile_seconds))
                report.notes.append(f"profile of {endpoint.label}:\n{summary}")
    report.print()
    report.write(args.json)


if __name__ == "__main__":
    main()
