"""`uvicorn escalation.main:create_app --factory`"""

from __future__ import annotations

from fastapi import FastAPI

from callcenter_shared.app import build_app
from callcenter_shared.clock import Clock
from escalation import models  # noqa: F401  (maps every table before first use)
from escalation.settings import Settings
from escalation.subscriptions import SUBSCRIPTIONS


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return build_app(
        settings or Settings(),
        title="Call center: escalation",
        description="Cases and the five-level escalation chain with deadlines, ownership and no concealment.",
        routers=[],
        subscriptions=SUBSCRIPTIONS,
        clock=clock,
    )
