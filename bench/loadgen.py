"""Closed-loop HTTP load generator (aiohttp on uvloop), run as its own process.

`python -m bench.loadgen --url http://127.0.0.1:8001 --path /v1/employees?limit=50 -H "Authorization: Bearer ..."`

A fixed number of connections each send the next request as soon as the previous
answer arrived. Requests during the warm-up are not counted. `--body` is a JSON
template whose `{n}` is replaced by a value unique to each request, so every write
has a fresh body; `--idempotency-half` adds an `Idempotency-Key` to every second one.
Prints one JSON object: requests, errors, status counts, req/s, p50/p99 in ms and the
CPU seconds this process used (near the wall time means the generator was the limit).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
import uuid
from collections import Counter
from typing import Any

import aiohttp
import uvloop  # comes with uvicorn[standard], as the services run on it


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    headers = dict(h.split(":", 1) for h in args.header)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    if args.body is not None:
        headers.setdefault("Content-Type", "application/json")
    prefix = uuid.uuid4().hex[:8]
    counter = 0
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    clock = time.perf_counter  # uvloop's loop.time() has millisecond resolution
    start = clock()
    measure_from = start + args.warmup
    stop_at = measure_from + args.duration
    connector = aiohttp.TCPConnector(limit=args.connections, force_close=False)
    url = args.url.rstrip("/") + args.path

    async with aiohttp.ClientSession(connector=connector) as session:

        async def one_connection() -> None:
            nonlocal counter, errors
            while True:
                sent = clock()
                if sent >= stop_at:
                    return
                counter += 1
                request_headers = headers
                body: bytes | None = None
                if args.body is not None:
                    body = args.body.replace("{n}", f"{prefix}-{counter}").encode()
                if args.idempotency_half and counter % 2 == 0:
                    request_headers = {**headers, "Idempotency-Key": f"{prefix}-{counter}"}
                try:
                    async with session.request(args.method, url, data=body, headers=request_headers) as response:
                        await response.read()
                        status = response.status
                except aiohttp.ClientError:
                    status = 0
                done = clock()
                if sent >= measure_from and done <= stop_at:
                    statuses[status] += 1
                    if status == args.expect:
                        latencies.append((done - sent) * 1000)
                    else:
                        errors += 1

        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        wall_before = time.monotonic()
        await asyncio.gather(*(one_connection() for _ in range(args.connections)))
        wall = time.monotonic() - wall_before
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {
        "requests": len(latencies),
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "rps": len(latencies) / args.duration,
        "p50_ms": _percentile(latencies, 0.50),
        "p99_ms": _percentile(latencies, 0.99),
        "client_cpu_share": cpu / wall if wall else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--method", default="GET")
    parser.add_argument("-H", "--header", action="append", default=[])
    parser.add_argument("--body", default=None, help="JSON template; {n} becomes a per-request unique value")
    parser.add_argument("--idempotency-half", action="store_true")
    parser.add_argument("--expect", type=int, default=200, help="the status a successful request answers")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args()
    print(json.dumps(uvloop.run(run(args))))


if __name__ == "__main__":
    main()
