"""`uvicorn escalation.main:create_app --factory`"""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.trace import TracerProvider

from callcenter_shared.app import build_app
from callcenter_shared.clock import Clock
from callcenter_shared.org_freshness import router as org_freshness_router
from escalation import models  # noqa: F401  (maps every table before first use)
from escalation.capabilities import CAPABILITIES
from escalation.case.router import router as case_router
from escalation.category.router import router as category_router
from escalation.deadlines import DEADLINE_HANDLERS
from escalation.settings import Settings
from escalation.subscriptions import SUBSCRIPTIONS
from escalation.tasks import service as tasks
from escalation.tasks.router import router as tasks_router


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, tracer_provider: TracerProvider | None = None
) -> FastAPI:
    return build_app(
        settings or Settings(),
        title="Call center: escalation",
        description="Cases and the five-level escalation chain with deadlines, ownership and no concealment.",
        routers=[case_router, category_router, tasks_router, org_freshness_router],
        subscriptions=SUBSCRIPTIONS,
        deadline_handlers=DEADLINE_HANDLERS,
        clock=clock,
        tracer_provider=tracer_provider,
        tasks=tasks.tasks_of,
        capabilities=CAPABILITIES,
        openapi_tags=[
            {"name": "cases", "description": "Cases, the five-level chain, history, reports"},
            {"name": "categories", "description": "Case categories and their escalation policy"},
            {"name": "tasks", "description": "What waits for the caller here, listed and live"},
            {"name": "spreadsheets", "description": "CSV and XLSX exports and all-or-none imports"},
            {"name": "org directory", "description": "How current this service's copy of the directory is"},
        ],
    )
