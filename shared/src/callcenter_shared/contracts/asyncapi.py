"""Builds the AsyncAPI 3.0 document of the event catalog from the event models.

`python -m callcenter_shared.contracts.asyncapi > docs/events.asyncapi.yaml`; a test
checks that the committed document equals what the models produce. Besides the
messages it names the JetStream streams (`x-jetstream-streams`), one receive operation
per subscription of every service with its durable consumer (`x-jetstream-consumer`),
the headers, one example per message and the server security.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from nats.js.api import StreamConfig

from callcenter_shared import __version__
from callcenter_shared.contracts import all_events
from callcenter_shared.contracts.examples import example_envelope
from callcenter_shared.envelope import CONTENT_TYPE, Envelope, Event
from callcenter_shared.settings import ServiceSettings
from callcenter_shared.streams import (
    DEAD_LETTER_STREAM,
    dead_letter_stream,
    dead_letter_subject,
    durable_name,
    producer_stream,
    stream_name,
)

REF_TEMPLATE = "#/components/schemas/{model}"
SERVICES = ("scheduling", "performance", "recognition", "escalation")
TRACEPARENT_PATTERN = "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"

HEADERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["Content-Type", "Nats-Msg-Id"],
    "properties": {
        "Content-Type": {
            "const": CONTENT_TYPE,
            "description": "CloudEvents NATS protocol binding, structured mode. Consumers also accept "
            "messages without it (the body is always a structured CloudEvent).",
        },
        "Nats-Msg-Id": {
            "type": "string",
            "format": "uuid",
            "description": "The envelope `id`. JetStream drops a repeat within the stream's duplicate "
            "window; consumers are idempotent on it beyond that.",
        },
        "traceparent": {
            "type": "string",
            "pattern": TRACEPARENT_PATTERN,
            "description": "W3C trace context, when the publisher sets it; the envelope's `traceparent` "
            "attribute always carries it.",
        },
    },
}

DEAD_LETTER_HEADERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["Callcenter-Original-Subject", "Callcenter-Error", "Callcenter-Deliveries", "Callcenter-Consumer"],
    "properties": {
        "Callcenter-Original-Subject": {"type": "string", "description": "Where the message was consumed from."},
        "Callcenter-Error": {"type": "string", "description": "The last error, at most 1000 characters."},
        "Callcenter-Deliveries": {"type": "string", "description": "Deliveries before giving up (a number)."},
        "Callcenter-Consumer": {"type": "string", "description": "The service that gave up."},
        "Nats-Msg-Id": {"type": "string", "description": "`<original Nats-Msg-Id>:<consumer service>`."},
    },
}

SECURITY_SCHEMES: dict[str, Any] = {
    "userPassword": {
        "type": "userPassword",
        "description": "A NATS user per service (`NATS_USER`, `NATS_PASSWORD`); deploy/nats/values-prod.yaml "
        "lets each publish only `callcenter.<service>.>` and its own JetStream API calls.",
    },
    "nkey": {
        "type": "asymmetricEncryption",
        "description": "An NKey user: the service signs the server's nonce with the seed in `NATS_NKEY_SEED_FILE`.",
    },
    "userCredentials": {
        "type": "asymmetricEncryption",
        "description": "A decentralized-auth user: a `.creds` file (user JWT and NKey seed) in `NATS_CREDS_FILE`.",
    },
    "clientCertificate": {
        "type": "X509",
        "description": "TLS client certificate (`NATS_TLS_CERT_FILE`, `NATS_TLS_KEY_FILE`) when the server "
        "verifies clients; the server's certificate is checked against `NATS_TLS_CA_FILE`.",
    },
}


def consumers() -> dict[str, list[type[Event]]]:
    """Every service's subscriptions table, read from the service app itself (installed packages)."""
    found: dict[str, list[type[Event]]] = {}
    for service in SERVICES:
        settings = importlib.import_module(f"{service}.settings").Settings(env="test")
        app = importlib.import_module(f"{service}.main").create_app(settings)
        found[service] = list(app.state.subscriptions)
    return found


def _channel_id(event: type[Event]) -> str:
    return event.subject.removeprefix("callcenter.")


def _stream(config: StreamConfig) -> dict[str, Any]:
    return {
        "name": config.name,
        "subjects": config.subjects,
        "retention": config.retention.value if config.retention else None,
        "storage": config.storage.value if config.storage else None,
        "duplicateWindowSeconds": config.duplicate_window,
        "maxAgeSeconds": config.max_age,
    }


def _message(event: type[Event]) -> dict[str, Any]:
    envelope = example_envelope(event)
    return {
        "name": event.__name__,
        "title": event.subject,
        "summary": (event.__doc__ or "").strip().splitlines()[0],
        "contentType": CONTENT_TYPE,
        "headers": {"$ref": "#/components/schemas/EventHeaders"},
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
        "examples": [
            {
                "name": f"{event.__name__}Example",
                "headers": {"Content-Type": CONTENT_TYPE, "Nats-Msg-Id": envelope.id},
                "payload": json.loads(envelope.to_json()),
            }
        ],
    }


def _receive(service: str, event: type[Event], channel: str) -> dict[str, Any]:
    defaults = ServiceSettings.model_fields
    durable = durable_name(service, event.subject)
    return {
        "action": "receive",
        "summary": f"Consumed by {service} through its durable pull consumer {durable}.",
        "channel": {"$ref": f"#/channels/{channel}"},
        "messages": [{"$ref": f"#/channels/{channel}/messages/{event.__name__}"}],
        "x-jetstream-consumer": {
            "stream": stream_name(event.producer()),
            "durable": durable,
            "filterSubject": event.subject,
            "deliverPolicy": "all",
            "ackPolicy": "explicit",
            "ackWaitSeconds": defaults["consumer_ack_wait_seconds"].default,
            "maxDeliveries": defaults["consumer_max_deliveries"].default,
            "deadLetterSubject": dead_letter_subject(service),
            "description": "Settings CONSUMER_ACK_WAIT_SECONDS and CONSUMER_MAX_DELIVERIES; after the last "
            "failed delivery the service republishes the message to the dead-letter subject and acknowledges it.",
        },
    }


def build_document(subscriptions: Mapping[str, Iterable[type[Event]]] | None = None) -> dict[str, Any]:
    """The AsyncAPI document; `subscriptions` maps each service to the events it consumes."""
    subscriptions = consumers() if subscriptions is None else subscriptions
    schemas: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    envelope_schema = Envelope.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
    envelope_schema["properties"].pop("data")
    channel_of: dict[type[Event], str] = {}
    for event in all_events():
        schema = event.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
        schemas.update(schema.pop("$defs", {}))
        schemas[event.__name__] = schema
        channel = channel_of[event] = _channel_id(event)
        messages[event.__name__] = _message(event)
        channels[channel] = {
            "address": event.subject,
            "messages": {event.__name__: {"$ref": f"#/components/messages/{event.__name__}"}},
            "x-jetstream-stream": stream_name(event.producer()),
        }
        operations[f"publish{event.__name__}"] = {
            "action": "send",
            "summary": f"Published by {event.producer()} on stream {stream_name(event.producer())}.",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{event.__name__}"}],
        }
    for service, events in subscriptions.items():
        for event in sorted(events, key=lambda e: e.subject):
            operations[f"{service}Receives{event.__name__}"] = _receive(service, event, channel_of[event])
        dead_letters = f"deadletter.{service}"
        channels[dead_letters] = {
            "address": dead_letter_subject(service),
            "description": f"Messages {service} gave up on: the original body, unchanged, with why in the headers.",
            "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
            "x-jetstream-stream": DEAD_LETTER_STREAM,
        }
        operations[f"{service}DeadLetters"] = {
            "action": "send",
            "summary": f"Published by {service} when a message fails its last delivery or breaks its contract.",
            "channel": {"$ref": f"#/channels/{dead_letters}"},
            "messages": [{"$ref": f"#/channels/{dead_letters}/messages/DeadLetter"}],
        }
    messages["DeadLetter"] = {
        "name": "DeadLetter",
        "summary": "A message a consumer gave up on, as it was received.",
        "contentType": "application/octet-stream",
        "headers": {"$ref": "#/components/schemas/DeadLetterHeaders"},
        "payload": {"description": "The original message body, usually a CloudEvents envelope."},
    }
    schemas["CloudEventEnvelope"] = envelope_schema
    schemas["EventHeaders"] = HEADERS_SCHEMA
    schemas["DeadLetterHeaders"] = DEAD_LETTER_HEADERS_SCHEMA
    producers = sorted({event.producer() for event in all_events()})
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Call center events",
            "version": __version__,
            "description": (
                "Every event travels as a CloudEvents 1.0 structured JSON message on JetStream "
                f"(`Content-Type: {CONTENT_TYPE}`); the NATS subject equals the CloudEvents `type` and "
                "carries the version. `Nats-Msg-Id` is the event id: consumers must be idempotent on it. "
                "Optional attributes (`subject`) are omitted when absent, never null."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "production": {
                "host": "nats.nats.svc.cluster.local:4222",
                "protocol": "nats",
                "description": "TLS required; each service authenticates as its own NATS user "
                "(deploy/nats/values-prod.yaml, deploy/README.md).",
                "security": [{"$ref": f"#/components/securitySchemes/{name}"} for name in SECURITY_SCHEMES],
            },
            "development": {
                "host": "localhost:4222",
                "protocol": "nats",
                "description": "`make run`: no TLS, no authentication.",
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": SECURITY_SCHEMES,
        },
        "x-jetstream-streams": [_stream(producer_stream(p)) for p in producers] + [_stream(dead_letter_stream())],
    }


def render() -> str:
    text: str = yaml.safe_dump(build_document(), sort_keys=False, allow_unicode=True, width=100)
    return text


if __name__ == "__main__":
    sys.stdout.write(render())
