"""The event catalog: what other systems read (the AsyncAPI document) is what the code sends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from callcenter_shared.contracts import all_events
from callcenter_shared.contracts.asyncapi import build_document
from callcenter_shared.envelope import Event

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "events.asyncapi.yaml"
SUBJECT = re.compile(r"^callcenter\.(scheduling|escalation|performance|recognition|ingest)\.[a-z_]+\.[a-z_]+\.v\d+$")


def test_committed_asyncapi_document_matches_the_event_models() -> None:
    committed = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    assert committed == build_document(), (
        "docs/events.asyncapi.yaml is out of date: run `make asyncapi` and review the change"
    )


@pytest.mark.parametrize("event", all_events(), ids=lambda event: event.__name__)
def test_event_follows_the_conventions(event: type[Event]) -> None:
    assert SUBJECT.match(event.subject), event.subject
    assert event.__name__.endswith(f"V{event.subject.rsplit('.v', 1)[1]}")
    producer_module = f"callcenter_shared.contracts.{event.producer()}"
    assert event.__module__ == producer_module or event.__module__.startswith(f"{producer_module}."), (
        "an event lives in its producer's module or package"
    )
    assert event.model_config.get("frozen") is True
    assert event.model_config.get("extra") == "ignore", "readers must tolerate new fields"
    assert (event.__doc__ or "").strip().startswith("Published"), "a one-line 'Published when…' docstring"


def test_subjects_are_unique() -> None:
    subjects = [event.subject for event in all_events()]
    assert len(subjects) == len(set(subjects))
