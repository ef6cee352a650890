"""What a test can ask JetStream, to wait on delivery instead of sleeping."""

from __future__ import annotations

import nats

from callcenter_shared.envelope import Event
from callcenter_shared.streams import durable_name, stream_name


async def consumer_caught_up(nats_url: str, consumer_service: str, event_class: type[Event]) -> bool:
    """Whether the service's durable consumer of this event has acknowledged every message of that event.

    Once true, nothing is left to deliver or redeliver: any duplicate would have been
    handled already, so a test may count what was applied.
    """
    client = await nats.connect(nats_url)
    try:
        consumer = await client.jetstream().consumer_info(
            stream_name(event_class.producer()), durable_name(consumer_service, event_class.subject)
        )
    finally:
        await client.close()
    return bool(consumer.num_pending == 0 and consumer.num_ack_pending == 0)
