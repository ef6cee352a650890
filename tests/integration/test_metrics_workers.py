"""/metrics adds up every uvicorn worker of a pod, started the way the image starts it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.parser import text_string_to_metric_families

from callcenter_shared import metrics
from callcenter_testing import TestDatabases, eventually, free_port

HEALTHZ_COUNT = {"service": "scheduling", "method": "GET", "route": "/healthz", "status": "200"}
LABELS = ["service", "method", "route", "status"]


def healthz_count(exposition: str) -> float:
    for family in text_string_to_metric_families(exposition):
        if family.name == "callcenter_http_request_duration_seconds":
            for sample in family.samples:
                if sample.name.endswith("_count") and sample.labels == HEALTHZ_COUNT:
                    return sample.value
    return 0.0


def leave_stale_counts(directory: Path, count: float) -> None:
    """A previous container's histogram file, as the emptyDir keeps it across a restart."""
    stale = MmapedDict(str(directory / "histogram_999999.db"))
    values = [HEALTHZ_COUNT[name] for name in LABELS]
    key = mmap_key(
        "callcenter_http_request_duration_seconds",
        "callcenter_http_request_duration_seconds_bucket",
        [*LABELS, "le"],
        [*values, "+Inf"],
        metrics.HTTP_REQUEST_SECONDS._documentation,
    )
    stale.write_value(key, count, 0.0)
    stale.close()


async def test_a_counter_reads_the_same_total_on_every_scrape_with_two_workers(
    tmp_path: Path, test_databases: TestDatabases
) -> None:
    directory = tmp_path / "prometheus"
    directory.mkdir()
    leave_stale_counts(directory, 1000)
    port = free_port()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "DATABASE_URL": await test_databases.fresh("scheduling"),
        "ENV": "test",
        "RELAY_ENABLED": "false",
        "CONSUMER_ENABLED": "false",
        "WORKER_ENABLED": "false",
        "RETENTION_ENABLED": "false",
    }
    command = [sys.executable, "-m", "callcenter_shared.serve", "scheduling", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        async def answering() -> bool:
            try:
                async with httpx.AsyncClient(base_url=base) as client:
                    return (await client.get("/metrics")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(answering, timeout=60, interval=0.2)
        assert not (directory / "histogram_999999.db").exists(), "a previous run's files are cleared at start"

        made = 0

        def pids_that_answered() -> set[str]:
            return {path.stem.rsplit("_", 1)[1] for path in directory.glob("histogram_*.db")}

        async def both_workers_answered() -> bool:
            nonlocal made

            # A new connection per request, so the kernel spreads them over the workers.
            async def one() -> None:
                async with httpx.AsyncClient(base_url=base) as client:
                    assert (await client.get("/healthz")).status_code == 200

            await asyncio.gather(*(one() for _ in range(20)))
            made += 20
            return len(pids_that_answered()) >= 2

        await eventually(both_workers_answered, timeout=60, interval=0)
        async with httpx.AsyncClient(base_url=base) as client:
            scrapes = [healthz_count((await client.get("/metrics")).text) for _ in range(8)]
        assert scrapes == [made] * 8
    finally:
        server.terminate()
        server.wait(timeout=30)
