"""Cross-origin calls from browser apps (CORS), one policy for every service.

The origins come from `CORS_ALLOW_ORIGINS` (see `ServiceSettings.cors_origins`). Callers sign
in with a bearer token, never a cookie, so credentials are not allowed cross-origin.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from callcenter_shared.settings import ServiceSettings

ALLOW_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ALLOW_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "Accept-Language", "traceparent")
# Response headers a browser app may read besides the always-safe ones.
EXPOSE_HEADERS = ("Location", "ETag", "Idempotent-Replayed", "Content-Language", "Retry-After", "traceparent")
# How long a browser may cache a preflight answer.
PREFLIGHT_MAX_AGE_SECONDS = 600


def install_cors(app: FastAPI, settings: ServiceSettings) -> None:
    """Answer preflights and mark responses for the allowed origins; add it last, so it runs first."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=ALLOW_METHODS,
        allow_headers=ALLOW_HEADERS,
        expose_headers=EXPOSE_HEADERS,
        allow_credentials=False,
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
    )
