"""Every event's JSON schema against its committed snapshot: a published version never breaks its readers.

A field removed, a field's type or constraints changed, or a field newly required fails here:
publish a `…V2` beside the v1 instead (docs/rules.md, style: events). A compatible change (a new
optional field, a new description) passes with a warning until the snapshot is refreshed:

    UPDATE_EVENT_SNAPSHOTS=1 .venv/bin/pytest -q tests/contracts/test_event_schemas.py

The refresh writes compatible changes and new events only; it never overwrites a breaking
change. To retire an event on purpose, delete its snapshot file in the same change.
"""

from __future__ import annotations

import copy
import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from callcenter_shared.contracts import all_events
from callcenter_shared.envelope import Event

SNAPSHOTS = Path(__file__).parent / "event_schemas"
UPDATE = os.environ.get("UPDATE_EVENT_SNAPSHOTS") == "1"
REFRESH = "UPDATE_EVENT_SNAPSHOTS=1 .venv/bin/pytest -q tests/contracts/test_event_schemas.py"

# Words for people, not for parsers: a change to these never breaks a reader.
PROSE = frozenset({"title", "description", "examples", "default"})

Schema = dict[str, Any]


def snapshot_path(event: type[Event]) -> Path:
    return SNAPSHOTS / f"{event.subject}.json"


def schema_of(event: type[Event]) -> Schema:
    return event.model_json_schema()


def _resolve(schema: Schema, definitions: Schema) -> Schema:
    while "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _shape(schema: Any, definitions: Schema) -> Any:
    """The schema with references inlined and prose dropped: what a parser checks."""
    if isinstance(schema, list):
        return [_shape(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = _resolve(schema, definitions)
    return {key: _shape(value, definitions) for key, value in schema.items() if key not in PROSE}


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """What in `new` would break a reader or a writer of `old`; empty when `new` is compatible."""
    return _compare(old, new, old.get("$defs", {}), new.get("$defs", {}), path="")


def _compare(old: Schema, new: Schema, old_defs: Schema, new_defs: Schema, *, path: str) -> list[str]:
    old, new = _resolve(old, old_defs), _resolve(new, new_defs)
    if "properties" in old and "properties" in new:
        found = []
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name, old_field in old["properties"].items():
            where = f"{path}.{name}" if path else name
            if name not in new["properties"]:
                found.append(f"{where}: removed")
                continue
            if name in new_required and name not in old_required:
                found.append(f"{where}: newly required")
            found += _compare(old_field, new["properties"][name], old_defs, new_defs, path=where)
        for name in sorted(new_required - set(old["properties"])):
            found.append(f"{path + '.' if path else ''}{name}: added as required")
        rest = ("properties", "required", "$defs")
        old_rest = {k: v for k, v in old.items() if k not in rest}
        new_rest = {k: v for k, v in new.items() if k not in rest}
        if _shape(old_rest, old_defs) != _shape(new_rest, new_defs):
            found.append(f"{path or 'the event'}: changed object settings")
        return found
    if "items" in old and "items" in new:
        found = _compare(old["items"], new["items"], old_defs, new_defs, path=f"{path}[]")
        old_rest, new_rest = dict(old, items=None), dict(new, items=None)
        if _shape(old_rest, old_defs) != _shape(new_rest, new_defs):
            found.append(f"{path}: changed list settings")
        return found
    for union in ("anyOf", "oneOf", "allOf"):
        if union in old and union in new and len(old[union]) == len(new[union]):
            found = []
            for index, (old_option, new_option) in enumerate(zip(old[union], new[union], strict=True)):
                found += _compare(old_option, new_option, old_defs, new_defs, path=f"{path}[{union} {index}]")
            return found
    if _shape(old, old_defs) != _shape(new, new_defs):
        return [f"{path or 'the event'}: type changed from {_shape(old, old_defs)} to {_shape(new, new_defs)}"]
    return []


@pytest.mark.parametrize("event", all_events(), ids=lambda event: event.subject)
def test_event_schema_keeps_its_snapshot(event: type[Event]) -> None:
    path = snapshot_path(event)
    current = schema_of(event)
    if not path.exists():
        if UPDATE:
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            return
        pytest.fail(f"{event.__name__} has no schema snapshot: run `{REFRESH}` and commit {path.name}")
    committed = json.loads(path.read_text(encoding="utf-8"))
    broken = breaking_changes(committed, current)
    assert not broken, (
        f"{event.__name__} ({event.subject}) changed incompatibly: {'; '.join(broken)}. "
        f"Publish a new version ({event.__name__[:-1]}{int(event.subject.rsplit('.v', 1)[1]) + 1}) beside it instead."
    )
    if committed != current:
        if UPDATE:
            path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        else:
            warnings.warn(f"{path.name} is out of date (compatible change): run `{REFRESH}`", stacklevel=1)


def test_every_snapshot_belongs_to_a_published_event() -> None:
    published = {snapshot_path(event).name for event in all_events()}
    orphans = sorted(path.name for path in SNAPSHOTS.glob("*.json") if path.name not in published)
    assert not orphans, f"events removed while their readers may remain: {orphans} (delete a snapshot only on purpose)"


class TestTheCheckCanFail:
    """The comparison run on a real event's schema mutated in memory."""

    @pytest.fixture
    def schema(self) -> Schema:
        event = next(e for e in all_events() if e.__name__ == "AgentPeriodScorecardClosedV1")
        return copy.deepcopy(schema_of(event))

    def test_the_unchanged_schema_is_compatible(self, schema: Schema) -> None:
        assert breaking_changes(schema, copy.deepcopy(schema)) == []

    def test_a_removed_field_breaks(self, schema: Schema) -> None:
        changed = copy.deepcopy(schema)
        del changed["properties"]["composite"]
        changed["required"].remove("composite")
        assert breaking_changes(schema, changed) == ["composite: removed"]

    def test_a_changed_type_breaks(self, schema: Schema) -> None:
        changed = copy.deepcopy(schema)
        changed["properties"]["composite"] = {"type": "string", "title": "Composite"}
        assert [change.split(":")[0] for change in breaking_changes(schema, changed)] == ["composite"]

    def test_a_changed_field_inside_a_nested_model_breaks(self, schema: Schema) -> None:
        changed = copy.deepcopy(schema)
        changed["$defs"]["KpiResult"]["properties"]["value"] = {"type": "string"}
        assert [change.split(":")[0] for change in breaking_changes(schema, changed)] == ["kpis[].value"]

    def test_a_new_required_field_breaks(self, schema: Schema) -> None:
        changed = copy.deepcopy(schema)
        changed["properties"]["region"] = {"type": "string"}
        changed["required"].append("region")
        assert breaking_changes(schema, changed) == ["region: added as required"]

    def test_an_optional_field_made_required_breaks(self, schema: Schema) -> None:
        optional = next(name for name in schema["properties"] if name not in schema["required"])
        changed = copy.deepcopy(schema)
        changed["required"].append(optional)
        assert breaking_changes(schema, changed) == [f"{optional}: newly required"]

    def test_a_new_optional_field_and_new_words_are_compatible(self, schema: Schema) -> None:
        changed = copy.deepcopy(schema)
        changed["properties"]["region"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
        changed["description"] = "Published when a period closes, one per agent; now with a region."
        assert breaking_changes(schema, changed) == []
