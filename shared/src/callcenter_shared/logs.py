"""Logging setup: plain text for people, JSON lines (with trace and span ids) for collectors.

Uvicorn's own loggers (server messages and the access log) are routed through the same
handler, so a service writes one stream in one format. The container image also starts
uvicorn with `deploy/docker/log-config.json`, so the lines uvicorn's supervisor writes
before any app is built (several workers) are in that format too.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from pydantic_settings import BaseSettings, SettingsConfigDict

from callcenter_shared.tracing import TraceIdFilter

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("trace_id", "span_id"):
            value = getattr(record, key, None)
            if value:
                entry[key] = value
        # Uvicorn logs each request as '%s - "%s %s HTTP/%s" %d' with these five arguments.
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            entry.update(zip(ACCESS_FIELDS, record.args, strict=True))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(fmt: str) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


class _LogFormat(BaseSettings):
    """`LOG_FORMAT`, read the way the service settings read it, before any app exists."""

    model_config = SettingsConfigDict(extra="ignore")

    log_format: str = "text"


def formatter_from_environment() -> logging.Formatter:
    """The formatter `LOG_FORMAT` asks for; uvicorn's `--log-config` file builds it with this."""
    return formatter(_LogFormat().log_format)


def configure_logging(level: str, fmt: str, *, stream: TextIO | None = None) -> None:
    """One handler on the root logger, in `fmt` ("json" or "text"), that uvicorn's loggers share."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(fmt))
    handler.addFilter(TraceIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        # Uvicorn gives these loggers their own plain-text handlers; `--no-access-log` leaves
        # the access logger without handlers and not propagating, which stays so.
        if logger.handlers:
            logger.handlers.clear()
            logger.propagate = True
