"""`uvicorn performance.main:create_app --factory`"""

from __future__ import annotations

from fastapi import FastAPI

from callcenter_shared.app import build_app
from callcenter_shared.clock import Clock
from performance import models  # noqa: F401  (maps every table before first use)
from performance.settings import Settings
from performance.subscriptions import SUBSCRIPTIONS


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return build_app(
        settings or Settings(),
        title="Call center: performance",
        description="QA scorecards and evaluations, KPIs and period scorecards, bonus, coaching, bottom-rank review.",
        routers=[],
        subscriptions=SUBSCRIPTIONS,
        clock=clock,
    )
