"""JetStream stream names and their idempotent creation (both producer and consumer call it)."""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

DEAD_LETTER_STREAM = "CALLCENTER_DEADLETTER"
DUPLICATE_WINDOW_SECONDS = 600.0
STREAM_MAX_AGE_SECONDS = 30 * 24 * 3600.0


def stream_name(producer: str) -> str:
    return f"CALLCENTER_{producer.upper()}"


def dead_letter_subject(consumer_service: str) -> str:
    return f"callcenter.deadletter.{consumer_service}"


def durable_name(consumer_service: str, subject: str) -> str:
    """One durable per consuming service and subject, e.g. `performance__escalation_complaint_attributed_v1`."""
    tail = subject.removeprefix("callcenter.").replace(".", "_")
    return f"{consumer_service}__{tail}"


def producer_stream(producer: str) -> StreamConfig:
    """The producer's stream `CALLCENTER_<PRODUCER>` on `callcenter.<producer>.>`."""
    return _config(stream_name(producer), [f"callcenter.{producer}.>"])


def dead_letter_stream() -> StreamConfig:
    return _config(DEAD_LETTER_STREAM, ["callcenter.deadletter.>"])


def _config(name: str, subjects: list[str]) -> StreamConfig:
    return StreamConfig(
        name=name,
        subjects=subjects,
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        max_age=STREAM_MAX_AGE_SECONDS,
    )


async def _ensure(js: JetStreamContext, config: StreamConfig, *, align: bool = True) -> None:
    try:
        await js.stream_info(config.name or "")
    except NotFoundError:
        try:
            await js.add_stream(config)
            return
        except BadRequestError:
            pass  # created by another process meanwhile
    if align:
        await js.update_stream(config)


async def ensure_stream(js: JetStreamContext, producer: str, *, align: bool = True) -> None:
    """Create (or align) the producer's stream `CALLCENTER_<PRODUCER>` on `callcenter.<producer>.>`.

    Consumers pass `align=False`: they create a missing stream but leave an existing one as
    its producer configured it, so NATS grants them no update on other services' streams.
    """
    await _ensure(js, producer_stream(producer), align=align)


async def ensure_dead_letter_stream(js: JetStreamContext) -> None:
    await _ensure(js, dead_letter_stream())
