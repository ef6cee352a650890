"""`uvicorn recognition.main:create_app --factory`"""

from __future__ import annotations

from fastapi import FastAPI

from callcenter_shared.app import build_app
from callcenter_shared.clock import Clock
from recognition import models  # noqa: F401  (maps every table before first use)
from recognition.settings import Settings
from recognition.subscriptions import SUBSCRIPTIONS


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return build_app(
        settings or Settings(),
        title="Call center: recognition",
        description="Awards, nominations, the honor wall, peer praise, competitions and letters of praise.",
        routers=[],
        subscriptions=SUBSCRIPTIONS,
        clock=clock,
    )
