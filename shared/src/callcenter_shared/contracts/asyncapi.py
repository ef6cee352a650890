"""Builds the AsyncAPI 3.0 document of the event catalog from the event models.

`python -m callcenter_shared.contracts.asyncapi > docs/events.asyncapi.yaml`; a test
checks that the committed document equals what the models produce.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

from callcenter_shared.contracts import all_events
from callcenter_shared.envelope import Envelope, Event

REF_TEMPLATE = "#/components/schemas/{model}"


def _channel_id(event: type[Event]) -> str:
    return event.subject.removeprefix("callcenter.")


def build_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    envelope_schema = Envelope.model_json_schema(ref_template=REF_TEMPLATE)
    envelope_schema["properties"].pop("data")
    for event in all_events():
        schema = event.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
        schemas.update(schema.pop("$defs", {}))
        schemas[event.__name__] = schema
        channel = _channel_id(event)
        messages[event.__name__] = {
            "name": event.__name__,
            "title": event.subject,
            "summary": (event.__doc__ or "").strip().splitlines()[0],
            "contentType": "application/cloudevents+json",
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/CloudEventEnvelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": event.subject},
                            "data": {"$ref": f"#/components/schemas/{event.__name__}"},
                        },
                    },
                ]
            },
        }
        channels[channel] = {
            "address": event.subject,
            "messages": {event.__name__: {"$ref": f"#/components/messages/{event.__name__}"}},
        }
        operations[f"publish{event.__name__}"] = {
            "action": "send",
            "summary": f"Published by {event.producer()} on stream CALLCENTER_{event.producer().upper()}.",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{event.__name__}"}],
        }
    schemas["CloudEventEnvelope"] = envelope_schema
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Call center events",
            "version": "1.0.0",
            "description": (
                "Every event travels as a CloudEvents 1.0 structured JSON message on JetStream; "
                "the NATS subject equals the CloudEvents `type` and carries the version. "
                "`Nats-Msg-Id` is the event id: consumers must be idempotent on it."
            ),
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {"nats": {"host": "localhost:4222", "protocol": "nats"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def render() -> str:
    text: str = yaml.safe_dump(build_document(), sort_keys=False, allow_unicode=True, width=100)
    return text


if __name__ == "__main__":
    sys.stdout.write(render())
