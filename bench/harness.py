"""What every benchmark shares: starting and always stopping processes, figures, the machine.

A `Stack` owns every process a benchmark starts (nats-server, uvicorn services, load
generators). Leaving its `with` block, by success, error or Ctrl-C, stops them all.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType, TracebackType

from callcenter_testing import NatsServer, free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Figure:
    """One measured figure, ready for the report: value, ceiling, ratio and goal."""

    benchmark: str
    name: str
    value: float
    unit: str
    p50_ms: float | None = None
    p99_ms: float | None = None
    ceiling: float | None = None
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    notes: str = ""
    extra: dict[str, float] = field(default_factory=dict)  # more figures of the same run (peers and ratios)


@dataclass
class Report:
    benchmark: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def write(self, path: str | None) -> None:
        if path:
            Path(path).write_text(json.dumps({"benchmark": self.benchmark, **asdict(self)}, indent=2))

    def print(self) -> None:
        print(f"\n== {self.benchmark} ==")
        for f in self.figures:
            latency = ""
            if f.p50_ms is not None:
                latency = f"  p50 {f.p50_ms:8.2f} ms  p99 {f.p99_ms or 0:8.2f} ms"
            ratio = f"  ratio {f.ratio:6.1%}" if f.ratio is not None else ""
            verdict = "" if f.met is None else ("  goal met" if f.met else "  GOAL MISSED")
            goal = f" ({f.goal})" if f.goal else ""
            print(f"{f.name:<58} {f.value:10.1f} {f.unit:<6}{latency}{ratio}{verdict}{goal}")
        for note in self.notes:
            print(f"  note: {note}")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of unsorted values (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count() or 0),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " / ".join(f"{value:.1f}" for value in os.getloadavg()),
    }


def wait_http(url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f}s")


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class Stack:
    """Processes of one benchmark run, all stopped when the block ends (also on errors and Ctrl-C)."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="callcenter-bench-")
        self.dir = Path(self._tmp.name)
        self._processes: list[subprocess.Popen[bytes]] = []
        self._nats: NatsServer | None = None

    def __enter__(self) -> Stack:
        signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.stop_all()
        self._tmp.cleanup()

    def stop_all(self) -> None:
        # Services first, NATS last, so they can finish what they hold.
        for process in self._processes:
            if process.poll() is None:
                process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self._processes.clear()
        if self._nats is not None:
            self._nats.stop()
            self._nats = None

    def stop(self, pid: int) -> None:
        """Stop one process this stack started (a server no longer needed), waiting for it to exit."""
        for process in [p for p in self._processes if p.pid == pid]:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            self._processes.remove(process)

    def nats(self) -> str:
        """A bundled nats-server with JetStream on a free loopback port; returns its URL."""
        data = self.dir / "nats"
        data.mkdir(exist_ok=True)
        self._nats = NatsServer(data)
        self._nats.start()
        return self._nats.url

    def database_url(self, name: str) -> str:
        return f"sqlite+aiosqlite:///{self.dir / (name + '.db')}"

    def migrate(self, service: str, database_url: str) -> None:
        subprocess.run(
            [PYTHON, "-m", f"{service}.migrate"],
            env={**os.environ, "DATABASE_URL": database_url},
            check=True,
            cwd=ROOT,
        )

    def uvicorn(self, target: str, *, env: dict[str, str] | None = None, factory: bool = False) -> tuple[str, int]:
        """Serve `target` as the services are served (1 worker, uvloop, httptools); returns (url, pid)."""
        port = free_port()
        command = [PYTHON, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", "1", "--loop", "uvloop", "--http", "httptools", "--log-level", "warning"]
        if factory:
            command.append("--factory")
        process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=ROOT)
        self._processes.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/healthz" if factory else f"{url}/ok")
        return url, process.pid

    def service(self, service: str, nats_url: str) -> tuple[str, int]:
        """A migrated SQLite database of its own, then the service under uvicorn with its background parts."""
        database_url = self.database_url(service)
        self.migrate(service, database_url)
        env = {"DATABASE_URL": database_url, "NATS_URL": nats_url, "LOG_LEVEL": "WARNING", "ENV": "development"}
        return self.uvicorn(f"{service}.main:create_app", env=env, factory=True)

    def run(self, command: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
        """Run a child to completion (a load generator); killed on timeout or interruption."""
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self._processes.append(process)  # type: ignore[arg-type]
        try:
            stdout, _ = process.communicate(timeout=timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            self._processes.remove(process)  # type: ignore[arg-type]
        return subprocess.CompletedProcess(command, process.returncode, stdout, "")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def fresh_postgres_database(name: str) -> str:
    """Drop and create database `name` on BENCH_POSTGRES_URL's server; its async URL."""
    import asyncio

    from sqlalchemy import text

    from callcenter_shared.db import create_engine

    base = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432").rstrip("/")

    async def recreate() -> None:
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT", pool_size=1)
        try:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            await admin.dispose()

    asyncio.run(recreate())
    return f"{base}/{name}"
