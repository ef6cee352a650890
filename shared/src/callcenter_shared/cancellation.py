"""Stopping background tasks in bounded time, also when a library swallows the cancel.

On Python 3.11 `asyncio.wait_for` returns the awaited result instead of raising when the
result and the cancel arrive in the same turn of the event loop (fixed in 3.12). nats-py
awaits every reply that way (stream and consumer lookups, publish acknowledgements,
fetches), so a task cancelled at that moment carries on as if nothing had happened, and a
stop that cancels once and then waits would wait forever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)

# A task still running this long after its cancel has most likely lost it: it is cancelled again.
RECANCEL_SECONDS = 1.0
# The most a stop waits; tasks still running then are logged and left, so a shutdown always ends.
GIVE_UP_SECONDS = 5.0


async def cancel_and_wait(
    tasks: Iterable[asyncio.Task[Any]],
    *,
    recancel_seconds: float = RECANCEL_SECONDS,
    give_up_seconds: float = GIVE_UP_SECONDS,
) -> None:
    """Cancel the tasks and wait until they have ended, cancelling again any that carries on.

    A task that had ended with an error is logged, not raised: the rest of a shutdown still
    runs. A cancel of the caller itself propagates.
    """
    tasks = list(tasks)
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + give_up_seconds
    running = {task for task in tasks if not task.done()}
    while running:
        left = give_up_at - loop.time()
        if left <= 0:
            names = sorted(task.get_name() for task in running)
            log.error("left running after %.0fs of cancelling: %s", give_up_seconds, ", ".join(names))
            return
        for task in running:
            task.cancel()
        _, running = await asyncio.wait(running, timeout=min(recancel_seconds, left))
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            log.error("%s had failed", task.get_name(), exc_info=task.exception())
