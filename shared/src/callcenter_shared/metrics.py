"""Prometheus metrics every service exposes on /metrics, labelled by service."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUEST_SECONDS = Histogram(
    "callcenter_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_BACKLOG = Gauge("callcenter_outbox_backlog", "Events recorded but not yet published", ["service"])
EVENTS_PUBLISHED = Counter("callcenter_events_published_total", "Events published to JetStream", ["service"])
EVENTS_CONSUMED = Counter(
    "callcenter_events_consumed_total",
    "Events handled by a consumer",
    ["service", "subject", "outcome"],
)
CONSUMER_LAG = Gauge("callcenter_consumer_lag", "Messages pending for a durable consumer", ["service", "subject"])
DEAD_LETTERS = Counter(
    "callcenter_dead_letters_total", "Events sent to the dead-letter subject", ["service", "subject"]
)
DEADLINES_DUE = Gauge("callcenter_deadlines_due", "Deadlines past due and not yet fired", ["service"])
DEADLINES_FIRED = Counter("callcenter_deadlines_fired_total", "Deadlines fired", ["service", "kind"])
