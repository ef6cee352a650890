"""Loaded by the Schemathesis CLI (SCHEMATHESIS_HOOKS): XLSX bodies are bytes, sent like octet-stream."""

from __future__ import annotations

import schemathesis

schemathesis.serializer.alias(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"
)
