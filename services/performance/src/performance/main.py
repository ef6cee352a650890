"""`uvicorn performance.main:create_app --factory`"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import FastAPI
from opentelemetry.trace import TracerProvider

from callcenter_shared.app import build_app
from callcenter_shared.clock import Clock
from callcenter_shared.org_freshness import router as org_freshness_router
from performance import models  # noqa: F401  (maps every table before first use)
from performance.capabilities import CAPABILITIES
from performance.coaching.router import router as coaching_router
from performance.deadlines import DEADLINE_HANDLERS
from performance.kpi.router import router as kpi_router
from performance.qa.router import router as qa_router
from performance.review.router import router as review_router
from performance.settings import Settings
from performance.subscriptions import subscriptions
from performance.tasks import service as tasks
from performance.tasks.router import router as tasks_router


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, tracer_provider: TracerProvider | None = None
) -> FastAPI:
    settings = settings or Settings()
    return build_app(
        settings,
        title="Call center: performance",
        description="QA scorecards and evaluations, KPIs and period scorecards, bonus, coaching, bottom-rank review.",
        routers=[qa_router, kpi_router, coaching_router, review_router, tasks_router, org_freshness_router],
        subscriptions=subscriptions(settings),
        deadline_handlers=DEADLINE_HANDLERS,
        clock=clock,
        tracer_provider=tracer_provider,
        tasks=tasks.source(ZoneInfo(settings.timezone)),
        capabilities=CAPABILITIES,
        openapi_tags=[
            {"name": "qa", "description": "Scorecards, evaluations, disputes, calibration (QA-1..6)"},
            {
                "name": "kpi",
                "description": "KPI definitions, raw metrics, periods, scorecards, bonus (PRF-1..5, PRF-8)",
            },
            {"name": "coaching", "description": "Performance interviews and coaching (PRF-6)"},
            {"name": "review", "description": "Bottom-rank review (PRF-7)"},
            {"name": "tasks", "description": "What waits for the caller here, listed and live"},
            {"name": "spreadsheets", "description": "CSV and XLSX exports and all-or-none imports"},
            {"name": "org directory", "description": "How current this service's copy of the directory is"},
        ],
    )
