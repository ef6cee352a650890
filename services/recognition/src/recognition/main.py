"""`uvicorn recognition.main:create_app --factory`"""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.trace import TracerProvider

from callcenter_shared.app import build_app
from callcenter_shared.clock import Clock
from callcenter_shared.org_freshness import router as org_freshness_router
from recognition import models  # noqa: F401  (maps every table before first use)
from recognition.award.router import router as award_router
from recognition.birthday.router import router as birthday_router
from recognition.capabilities import CAPABILITIES
from recognition.competition.router import router as competition_router
from recognition.deadlines import daily_deadlines, deadline_handlers
from recognition.praise.router import router as praise_router
from recognition.settings import Settings
from recognition.subscriptions import SUBSCRIPTIONS
from recognition.tasks import service as tasks
from recognition.tasks.router import router as tasks_router
from recognition.track.router import router as track_router


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, tracer_provider: TracerProvider | None = None
) -> FastAPI:
    settings = settings or Settings()
    return build_app(
        settings,
        title="Call center: recognition",
        description="Awards, nominations, the honor wall, peer praise, competitions and letters of praise.",
        routers=[
            award_router,
            track_router,
            praise_router,
            competition_router,
            birthday_router,
            tasks_router,
            org_freshness_router,
        ],
        subscriptions=SUBSCRIPTIONS,
        deadline_handlers=deadline_handlers(settings),
        daily_deadlines=daily_deadlines(settings),
        clock=clock,
        tracer_provider=tracer_provider,
        tasks=tasks.tasks_of,
        capabilities=CAPABILITIES,
        openapi_tags=[
            {"name": "awards", "description": "The award catalog, nominations, pools, grants, letters, the honor wall"},
            {"name": "tracks", "description": "Award tracks and their rules, recognition share (REC)"},
            {"name": "peer praise", "description": "Praise between colleagues, points, rewards and redemptions"},
            {"name": "competitions", "description": "Skill competitions, judges, rounds and follow-ups (REC-7)"},
            {"name": "birthdays", "description": "Team birthdays"},
            {"name": "tasks", "description": "What waits for the caller here, listed and live"},
            {"name": "org directory", "description": "How current this service's copy of the directory is"},
        ],
    )
