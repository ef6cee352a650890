"""`GET /v1/tasks/mine/stream` over real HTTP: the list at once, then each change, from any replica.

Two scheduling processes on one database and one NATS server, each under its own uvicorn: a swap
requested through the first reaches the counterpart's stream held by the second (decision 0008).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock
from callcenter_testing import NatsServer, eventually, free_port
from scheduling.main import create_app
from scheduling.settings import Settings

SHANGHAI = timezone(timedelta(hours=8))
Replica = Callable[[], AbstractAsyncContextManager[str]]


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """The app under a real uvicorn server on a free port, lifespan included; yields its base URL."""
    port = free_port()
    # log_config=None: uvicorn leaves the process's logging alone (other tests read it).
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, timeout_graceful_shutdown=1)
    )
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await eventually(started, timeout=20)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def replica_factory(
    app: FastAPI, clock: FrozenClock, settings_factory: Callable[..., Settings], nats_url: str
) -> Replica:
    """Another process of scheduling on the test app's database and the given NATS server."""

    @asynccontextmanager
    async def replica() -> AsyncIterator[str]:
        settings = settings_factory(
            app.state.settings.database_url,
            nats_url=nats_url,
            relay_enabled=True,
            # Only an event (or a local commit) may bring the change: the safety net stays out of the test.
            task_stream_resync_seconds=600,
            task_stream_debounce_seconds=0.05,
            task_stream_keepalive_seconds=1,
        )
        process = create_app(settings, clock=clock)
        try:
            async with serving(process) as url:
                await asyncio.wait_for(process.state.broker.wait_connected(), 10)
                yield url
        finally:
            await process.state.engine.dispose()

    return replica


class Stream:
    """The `tasks` events of an open stream, parsed as they arrive."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lists: list[list[dict[str, Any]]] = []
        self.comments = 0
        self._arrived = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for line in self.response.aiter_lines():
            async with self._arrived:
                if line.startswith("data: "):
                    self.lists.append(json.loads(line.removeprefix("data: "))["items"])
                elif line.startswith(":"):
                    self.comments += 1
                self._arrived.notify_all()

    async def until(self, check: Callable[[], bool], timeout: float = 10) -> None:
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(check)

    async def close(self) -> None:
        self._reader.cancel()
        await self.response.aclose()


@asynccontextmanager
async def stream_of(url: str, headers: dict[str, str]) -> AsyncIterator[Stream]:
    async with (
        httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(5, read=None)) as client,
        client.stream("GET", "/v1/tasks/mine/stream", headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = Stream(response)
        try:
            yield stream
        finally:
            await stream.close()


async def request_swap(url: str, floor: Any) -> str:
    _, mine = await floor.on_shift(floor.a1, datetime(2026, 11, 5, 8, tzinfo=SHANGHAI))
    _, theirs = await floor.on_shift(floor.a2, datetime(2026, 11, 6, 8, tzinfo=SHANGHAI))
    body = {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)}
    async with httpx.AsyncClient(base_url=url) as client:
        response = await client.post("/v1/swaps", json=body, headers=floor.a1.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def has_task(stream: Stream, kind: str, object_id: str) -> Callable[[], bool]:
    return lambda: any((t["kind"], t["object_id"]) == (kind, object_id) for t in (stream.lists or [[]])[-1])


async def test_the_stream_sends_the_list_at_once_then_the_new_task(
    app: FastAPI, clock: FrozenClock, settings_factory: Callable[..., Settings], nats_server: NatsServer, floor: Any
) -> None:
    replica = replica_factory(app, clock, settings_factory, nats_server.url)
    async with replica() as url, stream_of(url, floor.a2.headers) as stream:
        await stream.until(lambda: len(stream.lists) == 1)
        assert stream.lists == [[]]
        swap_id = await request_swap(url, floor)
        await stream.until(has_task(stream, "swap.accept", swap_id))
        async with httpx.AsyncClient(base_url=url) as client:
            accepted = await client.post(f"/v1/swaps/{swap_id}/accept", headers=floor.a2.headers)
        assert accepted.status_code == 200, accepted.text
        await stream.until(lambda: stream.lists[-1] == [])
        await stream.until(lambda: stream.comments >= 1)  # idle: a keep-alive comment


async def test_a_change_made_through_one_replica_reaches_a_stream_held_by_another(
    app: FastAPI, clock: FrozenClock, settings_factory: Callable[..., Settings], nats_server: NatsServer, floor: Any
) -> None:
    replica = replica_factory(app, clock, settings_factory, nats_server.url)
    async with replica() as first, replica() as second, stream_of(second, floor.a2.headers) as stream:
        await stream.until(lambda: len(stream.lists) == 1)
        others = [stream_of(second, p.headers) for p in (floor.b1, floor.a1)]
        async with others[0] as b1_stream, others[1] as a1_stream:
            await b1_stream.until(lambda: len(b1_stream.lists) == 1)
            await a1_stream.until(lambda: len(a1_stream.lists) == 1)
            swap_id = await request_swap(first, floor)
            await stream.until(has_task(stream, "swap.accept", swap_id))
            (task,) = stream.lists[-1]
            assert task["requested_by"]["id"] == str(floor.a1.id)
            assert uuid.UUID(task["object_id"])
            # Nobody else's list changed, so nobody else got an event.
            assert b1_stream.lists == [[]]
            assert a1_stream.lists == [[]]
