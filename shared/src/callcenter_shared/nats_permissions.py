"""What each service may do on NATS: publish (and hear) its own events, plus the JetStream API calls it makes.

`deploy/nats/values-prod.yaml` grants exactly these subjects (tests/contracts compares them),
and tests/integration runs a nats-server with that file to prove a service's own traffic
flows while another service's subject is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from callcenter_shared.envelope import Event
from callcenter_shared.streams import DEAD_LETTER_STREAM, dead_letter_subject, durable_name, stream_name

JS_API = "$JS.API"


def inbox_prefix(service: str) -> str:
    """Replies (publish acks, API answers, fetched messages) come to a service-private inbox.

    With the default `_INBOX` every client allowed `_INBOX.>` could read every other
    client's fetched events; a prefix per service lets each subscribe to its own only.
    """
    return f"_INBOX_{service}"


def permissions(service: str, consumed: Iterable[type[Event]]) -> dict[str, dict[str, list[str]]]:
    """nats-server `permissions` for a service that consumes `consumed` (its subscriptions table)."""
    consumed = list(consumed)
    # A service aligns its own stream and the shared dead-letter stream; a stream it only
    # reads it may create when missing (consumers can start first) but never change.
    managed = [stream_name(service), DEAD_LETTER_STREAM]
    read = sorted({stream_name(e.producer()) for e in consumed} - set(managed))
    publish = [f"callcenter.{service}.>", dead_letter_subject(service)]
    for stream in sorted(managed):
        publish += [f"{JS_API}.STREAM.{verb}.{stream}" for verb in ("INFO", "CREATE", "UPDATE")]
    for stream in read:
        publish += [f"{JS_API}.STREAM.{verb}.{stream}" for verb in ("INFO", "CREATE")]
    for event in sorted(consumed, key=lambda e: e.subject):
        stream = stream_name(event.producer())
        durable = durable_name(service, event.subject)
        publish += [
            f"{JS_API}.CONSUMER.INFO.{stream}.{durable}",
            f"{JS_API}.CONSUMER.CREATE.{stream}.{durable}.>",  # the filter subject follows the name
            f"{JS_API}.CONSUMER.DURABLE.CREATE.{stream}.{durable}",  # servers before 2.9
            f"{JS_API}.CONSUMER.MSG.NEXT.{stream}.{durable}",
            f"$JS.ACK.{stream}.{durable}.>",
        ]
    # Its own events, live: each replica's task stream hears what another replica changed (decision 0008).
    subscribe = [f"{inbox_prefix(service)}.>", f"callcenter.{service}.>"]
    return {"publish": {"allow": publish}, "subscribe": {"allow": subscribe}}
