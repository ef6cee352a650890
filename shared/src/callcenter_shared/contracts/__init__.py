"""Every event the services publish, one module (or package of modules) per producer.

Import events from here; never copy them into a service.
"""

from __future__ import annotations

from callcenter_shared.contracts import escalation, ingest, performance, recognition, scheduling
from callcenter_shared.envelope import Event

__all__ = ["all_events", "escalation", "event_for_subject", "ingest", "performance", "recognition", "scheduling"]

_PRODUCER_MODULES = (scheduling, escalation, performance, recognition, ingest)


def all_events() -> list[type[Event]]:
    """Every event class in the catalog, in a stable order."""
    found: list[type[Event]] = []
    for module in _PRODUCER_MODULES:
        for value in vars(module).values():
            is_event = isinstance(value, type) and issubclass(value, Event) and value is not Event
            if is_event and _defined_in(value, module.__name__):
                found.append(value)
    return sorted(found, key=lambda event: event.subject)


def _defined_in(event: type[Event], producer_module: str) -> bool:
    """Whether the class is defined in the producer's module or in a module of its package."""
    return event.__module__ == producer_module or event.__module__.startswith(producer_module + ".")


def event_for_subject(subject: str) -> type[Event]:
    for event in all_events():
        if event.subject == subject:
            return event
    raise KeyError(subject)
