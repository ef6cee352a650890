"""What integrators read in docs/events.asyncapi.yaml: receive operations, streams, headers, examples, security."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from jsonschema import Draft202012Validator

from callcenter_shared.contracts import all_events
from callcenter_shared.contracts.asyncapi import consumers
from callcenter_shared.envelope import CONTENT_TYPE, Envelope, Event
from callcenter_shared.streams import dead_letter_subject, durable_name, stream_name

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "events.asyncapi.yaml"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


def validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """Validates against a schema of the document; its `#/components/...` references resolve in the document."""
    return Draft202012Validator({**schema, "components": document["components"]})


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_every_subscription_of_every_service_has_a_receive_operation(document: dict[str, Any]) -> None:
    receives = {
        (op["x-jetstream-consumer"]["durable"], resolve(document, op["channel"]["$ref"])["address"]): op
        for op in document["operations"].values()
        if op["action"] == "receive"
    }
    expected = {
        (durable_name(service, event.subject), event.subject): (service, event)
        for service, events in consumers().items()
        for event in events
    }
    assert set(receives) == set(expected), "run `make asyncapi`: a subscription and the document disagree"
    for key, (service, event) in expected.items():
        consumer = receives[key]["x-jetstream-consumer"]
        assert consumer["stream"] == stream_name(event.producer())
        assert consumer["deadLetterSubject"] == dead_letter_subject(service)
        assert consumer["ackPolicy"] == "explicit"
        assert consumer["ackWaitSeconds"] > 0
        assert consumer["maxDeliveries"] >= 1


def test_every_channel_names_a_declared_stream_that_captures_its_address(document: dict[str, Any]) -> None:
    streams = {stream["name"]: stream for stream in document["x-jetstream-streams"]}
    for stream in streams.values():
        assert stream["duplicateWindowSeconds"] > 0, "the relay's Nats-Msg-Id dedup needs a duplicate window"
        assert stream["retention"] == "limits"
    for channel in document["channels"].values():
        stream = streams[channel["x-jetstream-stream"]]
        assert any(channel["address"].startswith(subject.removesuffix(">")) for subject in stream["subjects"]), (
            f"{channel['address']} is not captured by {stream['name']}"
        )


@pytest.mark.parametrize("event", all_events(), ids=lambda event: event.__name__)
def test_every_message_has_an_example_that_validates_against_its_schemas(
    document: dict[str, Any], event: type[Event]
) -> None:
    message = document["components"]["messages"][event.__name__]
    [example] = message["examples"]
    payload_errors = list(validator(document, message["payload"]).iter_errors(example["payload"]))
    assert not payload_errors, [error.message for error in payload_errors]
    headers_schema = resolve(document, message["headers"]["$ref"])
    assert not list(validator(document, headers_schema).iter_errors(example["headers"]))
    # The example is what the code would accept, not only what the schema says.
    envelope = Envelope.model_validate(example["payload"])
    assert envelope.type == event.subject
    event.model_validate(envelope.data)


def test_schemas_reject_what_the_publisher_never_sends(document: dict[str, Any]) -> None:
    message = document["components"]["messages"][all_events()[0].__name__]
    payload = message["examples"][0]["payload"]
    check = validator(document, message["payload"])
    assert not check.is_valid({k: v for k, v in payload.items() if k != "specversion"}), "specversion is required"
    assert not check.is_valid({**payload, "subject": None}), "an absent subject is omitted, never null"
    assert not check.is_valid({**payload, "type": "callcenter.other.thing.done.v1"})
    headers = resolve(document, message["headers"]["$ref"])
    assert not validator(document, headers).is_valid({"Nats-Msg-Id": payload["id"]}), "Content-Type is required"
    assert not validator(document, headers).is_valid({"Content-Type": "application/json", "Nats-Msg-Id": "x"})


def test_production_server_declares_its_security(document: dict[str, Any]) -> None:
    production = document["servers"]["production"]
    schemes = [resolve(document, scheme["$ref"])["type"] for scheme in production["security"]]
    assert {"userPassword", "X509", "asymmetricEncryption"} <= set(schemes)
    assert "TLS" in production["description"]
    assert document["defaultContentType"] == CONTENT_TYPE


class UnkeyedEventV1(Event):
    """Published when nothing in particular happened (an event without a CloudEvents subject)."""

    subject: ClassVar[str] = "callcenter.test.nothing.happened.v1"


def test_an_envelope_without_subject_omits_it_and_still_parses() -> None:
    envelope = Envelope.wrap(UnkeyedEventV1(), time=datetime(2026, 1, 1, tzinfo=UTC))
    body = json.loads(envelope.to_json())
    assert "subject" not in body
    assert body["specversion"] == "1.0"
    assert Envelope.model_validate(body).subject is None
