"""Prometheus metrics every service exposes on /metrics, labelled by service.

Several uvicorn workers per pod share one /metrics: with `PROMETHEUS_MULTIPROC_DIR`
set (it must be, before the process starts, whenever `--workers` > 1), each worker
writes its values to files there and a scrape adds them up, so a counter reads the
same whichever worker answers. `callcenter_shared.serve` empties the directory when
the container starts. Each gauge says how the workers' values combine:

- facts about the database or the broker (backlogs, lag) are re-read at every scrape
  by the worker that answers it, so the most recent value wins;
- per-worker states (NATS connected, a loop's last success) take the minimum over
  live workers, so one disconnected or stuck worker shows.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

log = logging.getLogger(__name__)

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

HTTP_REQUEST_SECONDS = Histogram(
    "callcenter_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_BACKLOG = Gauge(
    "callcenter_outbox_backlog_events",
    "Events recorded but not yet published",
    ["service"],
    multiprocess_mode="livemostrecent",
)
EVENTS_PUBLISHED = Counter("callcenter_events_published_total", "Events published to JetStream", ["service"])
EVENTS_CONSUMED = Counter(
    "callcenter_events_consumed_total",
    "Events handled by a consumer",
    ["service", "subject", "outcome"],
)
CONSUMER_LAG = Gauge(
    "callcenter_consumer_lag_messages",
    "Messages pending for a durable consumer",
    ["service", "subject"],
    multiprocess_mode="livemostrecent",
)
DEAD_LETTERS = Counter(
    "callcenter_dead_letters_total", "Events sent to the dead-letter subject", ["service", "subject"]
)
DEADLINES_DUE = Gauge(
    "callcenter_deadlines_due_rows",
    "Deadlines past due and not yet fired",
    ["service"],
    multiprocess_mode="livemostrecent",
)
DEADLINES_FIRED = Counter("callcenter_deadlines_fired_total", "Deadlines fired", ["service", "kind"])
NATS_CONNECTED = Gauge(
    "callcenter_nats_connected_bool",
    "1 while this process is connected to NATS (the minimum over a pod's workers)",
    ["service"],
    multiprocess_mode="livemin",
)
LOOP_LAST_SUCCESS = Gauge(
    "callcenter_loop_last_success_timestamp_seconds",
    "Unix time of a background loop's last successful pass (the oldest over a pod's workers)",
    ["service", "loop"],
    multiprocess_mode="livemin",
)
ROWS_PRUNED = Counter(
    "callcenter_retention_pruned_rows_total", "Rows deleted by the retention job", ["service", "table"]
)


def loop_succeeded(service: str, loop: str) -> None:
    """Record that a background loop (relay, consumer, deadline_worker, retention) finished a pass."""
    LOOP_LAST_SUCCESS.labels(service, loop).set_to_current_time()


def multiprocess_dir() -> Path | None:
    value = os.environ.get(MULTIPROC_DIR_VARIABLE)
    return Path(value) if value else None


def clear_multiprocess_dir() -> None:
    """Empty the multiprocess directory; only before any worker starts (values of a previous run)."""
    directory = multiprocess_dir()
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob("*.db"):
        leftover.unlink()


def process_exited(pid: int | None = None) -> None:
    """Drop an exited worker's live gauges, so its last values stop counting."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid if pid is not None else os.getpid())  # type: ignore[no-untyped-call]


def _forget_dead_workers(directory: Path) -> None:
    # A worker killed without running its shutdown (OOM, segfault) leaves its live gauges
    # behind; uvicorn starts a replacement, so check each file's pid at scrape time.
    pids = {int(path.stem.rsplit("_", 1)[1]) for path in directory.glob("gauge_live*_*.db")}
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            process_exited(pid)
        except PermissionError:  # alive, owned by someone else
            pass


def exposition() -> bytes:
    """The text of /metrics: this process's metrics, or every worker's added up."""
    directory = multiprocess_dir()
    if directory is None:
        return generate_latest(REGISTRY)
    _forget_dead_workers(directory)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    return generate_latest(registry)
