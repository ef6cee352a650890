"""Idempotency keys survive a server killed mid-request: the key's lease lapses, one retry
takes it over and runs the request once; a request that committed is never run twice.

The servers are the real scheduling service under uvicorn (`gated_scheduling.py` adds
file gates inside the request's transaction, so the kill lands exactly there); on
PostgreSQL the request is also held by a table lock alone, with no gate at all.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.settings import ServiceSettings
from callcenter_shared.tables import idempotency_key
from callcenter_testing import (
    HR_SYSTEM,
    TestDatabases,
    eventually,
    free_port,
    service_bearer,
    start_service,
    wait_until_serving,
)

HERE = Path(__file__).parent
LEASE_SECONDS = 5.0
ADMIN = service_bearer(ServiceSettings(), HR_SYSTEM)


class Server:
    """One scheduling process on the test's database."""

    def __init__(self, database_url: str, *, lease: float, gates: dict[str, Path] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {"DATABASE_URL": database_url, "IDEMPOTENCY_LEASE_SECONDS": str(lease)}
        env |= {name: str(path) for name, path in (gates or {}).items()}
        self.process = start_service("gated_scheduling:create_app", self.port, env, app_dir=str(HERE))

    async def started(self) -> Server:
        await asyncio.to_thread(wait_until_serving, self.url, self.process)
        return self

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
async def servers() -> AsyncIterator[Callable[..., Any]]:
    started: list[Server] = []

    async def start(database_url: str, *, lease: float = LEASE_SECONDS, **gates: Path) -> Server:
        server = Server(database_url, lease=lease, gates=gates)
        started.append(server)
        return await server.started()

    yield start
    for server in started:
        server.stop()


class Database:
    """The test's own view of the service database."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.factory = create_session_factory(self.engine)

    async def key_row(self, key: str) -> Any:
        async with self.factory() as session:
            return (await session.execute(select(idempotency_key).where(idempotency_key.c.key == key))).first()

    async def teams_named(self, name: str) -> int:
        async with self.factory() as session:
            return int(await session.scalar(text("SELECT count(*) FROM team WHERE name = :n"), {"n": name}) or 0)

    async def lease_lapsed(self, key: str) -> bool:
        row = await self.key_row(key)
        return row.lease_expires_at < datetime.now(UTC)


@asynccontextmanager
async def database(url: str) -> AsyncIterator[Database]:
    db = Database(url)
    try:
        yield db
    finally:
        await db.engine.dispose()


async def post_team(url: str, name: str, key: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        return await client.post("/v1/teams", json={"name": name}, headers={**ADMIN, "Idempotency-Key": key})


def reached(gate: Path) -> Callable[[], Any]:
    async def check() -> bool:
        return gate.with_name(gate.name + ".reached").exists()

    return check


async def retry_within_then_after_lease(db: Database, url: str, name: str, key: str) -> httpx.Response:
    """Retry while the dead attempt's lease holds (409), then until it lapsed; the last response."""
    row = await db.key_row(key)
    assert row.lease_expires_at > datetime.now(UTC) + timedelta(seconds=1), "the restart outlasted the lease"
    within = await post_team(url, name, key)
    assert within.status_code == 409, within.text
    assert within.json()["type"].endswith("idempotency-in-progress")
    await eventually(lambda: db.lease_lapsed(key), timeout=LEASE_SECONDS + 5, interval=0.1)
    return await post_team(url, name, key)


async def assert_run_once_and_replayed(db: Database, url: str, name: str, key: str, after: httpx.Response) -> None:
    assert after.status_code == 201, after.text
    assert "idempotent-replayed" not in after.headers
    assert await db.teams_named(name) == 1
    replay = await post_team(url, name, key)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == after.json()["id"]
    assert await db.teams_named(name) == 1


async def test_killed_inside_its_transaction_the_key_is_taken_over_after_the_lease_and_runs_once(
    test_databases: TestDatabases, servers: Callable[..., Any], tmp_path: Path
) -> None:
    url = await test_databases.fresh("scheduling", name="crash")
    gate = tmp_path / "before-commit"
    gate.touch()
    # The server that takes the retry is started up front: on a loaded machine a start can
    # take longer than the lease, and the retry must land within it.
    first, restarted = await asyncio.gather(servers(url, GATE_BEFORE_COMMIT=gate), servers(url))
    async with database(url) as db:
        request = asyncio.create_task(post_team(first.url, "Night shift", "k-crash"))
        await eventually(reached(gate), timeout=20)
        assert await db.key_row("k-crash") is not None
        first.kill()
        with pytest.raises(httpx.HTTPError):
            await request
        gate.unlink()
        assert await db.teams_named("Night shift") == 0

        after = await retry_within_then_after_lease(db, restarted.url, "Night shift", "k-crash")
        await assert_run_once_and_replayed(db, restarted.url, "Night shift", "k-crash", after)


@pytest.mark.postgres_only
async def test_killed_while_waiting_on_a_table_lock_the_key_is_taken_over_and_runs_once(
    test_databases: TestDatabases, servers: Callable[..., Any]
) -> None:
    if not test_databases.on_postgres:
        pytest.skip("needs PostgreSQL (TEST_POSTGRES_URL); the gated test above is the SQLite proof")
    url = await test_databases.fresh("scheduling", name="crash")
    first, restarted = await asyncio.gather(servers(url), servers(url))
    async with database(url) as db:
        locker = create_engine(url, pool_size=1)
        async with locker.connect() as lock:
            await lock.execute(text("LOCK TABLE team IN ACCESS EXCLUSIVE MODE"))
            request = asyncio.create_task(post_team(first.url, "Day shift", "k-lock"))

            async def claimed_and_waiting() -> bool:
                waiting = await lock.scalar(
                    text("SELECT count(*) FROM pg_locks WHERE relation = 'team'::regclass AND NOT granted")
                )
                return await db.key_row("k-lock") is not None and bool(waiting)

            await eventually(claimed_and_waiting, timeout=20)
            first.kill()
            await lock.rollback()
        await locker.dispose()
        with pytest.raises(httpx.HTTPError):
            await request
        assert await db.teams_named("Day shift") == 0

        after = await retry_within_then_after_lease(db, restarted.url, "Day shift", "k-lock")
        await assert_run_once_and_replayed(db, restarted.url, "Day shift", "k-lock", after)


async def test_killed_after_its_commit_the_request_is_never_run_again(
    test_databases: TestDatabases, servers: Callable[..., Any], tmp_path: Path
) -> None:
    url = await test_databases.fresh("scheduling", name="crash")
    gate = tmp_path / "after-commit"
    gate.touch()
    first, restarted = await asyncio.gather(servers(url, GATE_AFTER_COMMIT=gate), servers(url))
    async with database(url) as db:
        request = asyncio.create_task(post_team(first.url, "Late shift", "k-committed"))
        await eventually(reached(gate), timeout=20)
        first.kill()
        with pytest.raises(httpx.HTTPError):
            await request
        gate.unlink()
        row = await db.key_row("k-committed")
        assert row.committed_at is not None
        assert row.status_code is None, "the response was never stored"

        after = await retry_within_then_after_lease(db, restarted.url, "Late shift", "k-committed")
        assert after.status_code == 409, after.text
        assert after.json()["type"].endswith("idempotency-request-completed")
        assert await db.teams_named("Late shift") == 1


async def test_a_request_running_longer_than_its_lease_keeps_it_by_heartbeat(
    test_databases: TestDatabases, servers: Callable[..., Any], tmp_path: Path
) -> None:
    lease = 1.0
    url = await test_databases.fresh("scheduling", name="crash")
    gate = tmp_path / "before-work"
    gate.touch()
    server = await servers(url, lease=lease, GATE_BEFORE_WORK=gate)
    async with database(url) as db:
        request = asyncio.create_task(post_team(server.url, "Long shift", "k-long"))
        await eventually(reached(gate), timeout=20)

        async def renewed_past_first_lease() -> bool:
            row = await db.key_row("k-long")
            return row.lease_expires_at > row.created_at + timedelta(seconds=3 * lease)

        await eventually(renewed_past_first_lease, timeout=20)
        retry = await post_team(server.url, "Long shift", "k-long")
        assert retry.status_code == 409, retry.text
        assert retry.json()["type"].endswith("idempotency-in-progress")

        gate.unlink()
        first = await request
        assert first.status_code == 201, first.text
        await assert_run_once_and_replayed(db, server.url, "Long shift", "k-long", first)


async def test_two_concurrent_take_overs_run_the_request_once(
    test_databases: TestDatabases, servers: Callable[..., Any], tmp_path: Path
) -> None:
    url = await test_databases.fresh("scheduling", name="crash")
    gate = tmp_path / "before-commit"
    gate.touch()
    # Two more replicas take the retries, as behind a load balancer.
    first, left, right = await asyncio.gather(
        servers(url, lease=1.0, GATE_BEFORE_COMMIT=gate), servers(url, lease=1.0), servers(url, lease=1.0)
    )
    async with database(url) as db:
        request = asyncio.create_task(post_team(first.url, "Swing shift", "k-race"))
        await eventually(reached(gate), timeout=20)
        first.kill()
        with pytest.raises(httpx.HTTPError):
            await request
        gate.unlink()
        await eventually(lambda: db.lease_lapsed("k-race"), timeout=10, interval=0.05)
        responses = await asyncio.gather(
            *(post_team(server.url, "Swing shift", "k-race") for server in (left, right, left, right))
        )
        ran = [r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers]
        assert len(ran) == 1, [(r.status_code, r.text) for r in responses]
        others = {(r.status_code, r.headers.get("idempotent-replayed")) for r in responses if r is not ran[0]}
        assert others <= {(409, None), (201, "true")}
        assert await db.teams_named("Swing shift") == 1
        async with db.factory() as session:
            assert await session.scalar(select(func.count()).select_from(idempotency_key)) == 1
