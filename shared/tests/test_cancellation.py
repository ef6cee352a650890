"""A stop ends in bounded time: a lost cancel is repeated, a task that ignores every cancel is left and named."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from callcenter_shared.cancellation import cancel_and_wait


async def loses_its_first_cancel(passes: list[int]) -> None:
    """A loop whose await returns its result although a cancel came with it, as wait_for does on Python 3.11."""
    with_result = asyncio.get_running_loop().create_future()
    with contextlib.suppress(asyncio.CancelledError):
        await with_result
    while True:
        passes.append(1)
        await asyncio.sleep(0.01)


async def test_a_task_that_lost_its_cancel_is_cancelled_again_and_ends() -> None:
    passes: list[int] = []
    task = asyncio.create_task(loses_its_first_cancel(passes))
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait([task], recancel_seconds=0.05), timeout=5)
    assert passes, "the loop ran on after its first cancel"
    assert task.cancelled()


async def ignores_cancels(released: asyncio.Event) -> None:
    while not released.is_set():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(0.01)


async def test_a_task_that_ignores_every_cancel_is_left_after_the_bound_and_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    released = asyncio.Event()
    task = asyncio.create_task(ignores_cancels(released), name="stubborn-loop")
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR, logger="callcenter_shared.cancellation"):
        await asyncio.wait_for(cancel_and_wait([task], recancel_seconds=0.05, give_up_seconds=0.3), timeout=5)
    assert not task.done()
    assert "stubborn-loop" in caplog.text
    released.set()
    await task


async def test_a_task_that_had_failed_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async def fails() -> None:
        raise RuntimeError("the loop broke")

    failed = asyncio.create_task(fails(), name="broken-loop")
    running = asyncio.create_task(asyncio.sleep(3600))
    await asyncio.wait([failed], timeout=5)
    with caplog.at_level(logging.ERROR, logger="callcenter_shared.cancellation"):
        await cancel_and_wait([failed, running])
    assert running.cancelled()
    assert "broken-loop had failed" in caplog.text
    assert "the loop broke" in caplog.text


async def test_a_cancel_of_the_caller_is_not_swallowed() -> None:
    released = asyncio.Event()
    task = asyncio.create_task(ignores_cancels(released))
    await asyncio.sleep(0)
    stopping = asyncio.create_task(cancel_and_wait([task], recancel_seconds=0.05, give_up_seconds=60))
    await asyncio.sleep(0.1)
    stopping.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stopping
    released.set()
    await task
