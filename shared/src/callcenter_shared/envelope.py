"""The one envelope every event travels in: CloudEvents 1.0, structured JSON mode."""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field


class Event(BaseModel):
    """A fact one service publishes. Subclasses set `subject` to their NATS subject.

    The subject doubles as the CloudEvents `type`; it carries the version
    (`callcenter.scheduling.swap.approved.v1`).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    subject: ClassVar[str]

    def key(self) -> str | None:
        """The entity the event is about (the CloudEvents `subject`)."""
        return None

    @classmethod
    def producer(cls) -> str:
        return cls.subject.split(".")[1]


# CloudEvents NATS protocol binding, structured mode: the whole envelope is the message body.
CONTENT_TYPE = "application/cloudevents+json"

# Optional CloudEvents attributes: left out of the JSON when absent, never sent as null.
OPTIONAL_ATTRIBUTES = ("subject", "traceparent")


def _envelope_schema(schema: dict[str, Any]) -> None:
    for name in OPTIONAL_ATTRIBUTES:
        attribute = schema["properties"][name]
        attribute.pop("anyOf", None)
        attribute.pop("default", None)
        attribute["type"] = "string"
    # What the publisher always writes is required, defaults included (`specversion`).
    schema["required"] = [name for name in schema["properties"] if name not in OPTIONAL_ATTRIBUTES]


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_envelope_schema)

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: str
    subject: str | None = None
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    traceparent: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    def to_json(self) -> str:
        """The message body: absent optional attributes are omitted rather than null."""
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def wrap(cls, event: Event, *, time: datetime, traceparent: str | None = None) -> Self:
        return cls(
            id=str(uuid.uuid4()),
            source=f"/callcenter/{event.producer()}",
            type=event.subject,
            subject=event.key(),
            time=time,
            traceparent=traceparent or new_traceparent(),
            data=event.model_dump(mode="json"),
        )


def new_traceparent() -> str:
    """A W3C trace context header value for an event that starts a new trace."""
    return f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"
