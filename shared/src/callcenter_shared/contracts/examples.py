"""One example per event, built from the event's JSON schema, for the AsyncAPI document.

Values are deterministic (the committed document must not change between runs) and
honour the schema's constraints; the same field name gets the same id in every event,
so examples read as one story (`employee_id` is always the same person).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from callcenter_shared.envelope import Envelope, Event

EXAMPLE_TIME = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
EXAMPLE_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
_NAMESPACE = uuid.UUID("6f1c2a4e-8d53-4c1b-9a57-0c3e2b7d9f10")


def example_event(event: type[Event]) -> Event:
    """An instance of `event` with every field filled, optional ones included."""
    schema = event.model_json_schema(mode="serialization")
    return event.model_validate(_value(schema, schema.get("$defs", {}), event.__name__))


def example_envelope(event: type[Event]) -> Envelope:
    """The envelope `example_event(event)` travels in, as the outbox would write it."""
    instance = example_event(event)
    return Envelope(
        id=str(uuid.uuid5(_NAMESPACE, event.subject)),
        source=f"/callcenter/{event.producer()}",
        type=event.subject,
        subject=instance.key(),
        time=EXAMPLE_TIME,
        traceparent=EXAMPLE_TRACEPARENT,
        data=instance.model_dump(mode="json"),
    )


def _value(schema: dict[str, Any], defs: dict[str, Any], name: str) -> Any:
    if "$ref" in schema:
        return _value(defs[schema["$ref"].rsplit("/", 1)[1]], defs, name)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        chosen = next(option for option in schema["anyOf"] if option.get("type") != "null")
        return _value(chosen, defs, name)
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {key: _value(value, defs, key) for key, value in properties.items()}
    if kind == "array":
        count = max(1, schema.get("minItems", 1))
        if "maxItems" in schema:
            count = min(count, schema["maxItems"])
        return [_value(schema.get("items", {}), defs, name) for _ in range(count)]
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return True
    if kind == "string":
        return _string(schema, name)
    return None


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    low: float | None = schema.get("minimum", schema.get("exclusiveMinimum"))
    high: float | None = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None and high is not None:
        middle = (low + high) / 2
        return int(middle) if integer else middle
    if low is not None:
        return int(low) + 1 if integer else low + 1
    if high is not None:
        return int(high) - 1 if integer else high - 1
    return 3 if integer else 4.5


def _string(schema: dict[str, Any], name: str) -> str:
    match schema.get("format"):
        case "uuid":
            return str(uuid.uuid5(_NAMESPACE, name))
        case "date-time":
            return EXAMPLE_TIME.isoformat().replace("+00:00", "Z")
        case "date":
            return EXAMPLE_TIME.date().isoformat()
    text = f"example {name.replace('_', ' ')}"
    if "maxLength" in schema:
        text = text[: schema["maxLength"]]
    return text.ljust(schema.get("minLength", 0), "x")
