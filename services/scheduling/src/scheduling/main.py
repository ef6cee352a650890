"""`uvicorn scheduling.main:create_app --factory`"""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.trace import TracerProvider

from callcenter_shared.app import build_app
from callcenter_shared.clock import Clock
from scheduling import models  # noqa: F401  (maps every table before first use)
from scheduling.capabilities import CAPABILITIES
from scheduling.deadlines import DEADLINE_HANDLERS
from scheduling.handover.router import router as handover_router
from scheduling.holiday.router import router as holiday_router
from scheduling.leave.router import router as leave_router
from scheduling.offer.router import router as offer_router
from scheduling.org.models import Employee, Team
from scheduling.org.router import router as org_router
from scheduling.roster.router import router as roster_router
from scheduling.rotation.router import router as rotation_router
from scheduling.settings import Settings
from scheduling.skill.router import router as skill_router
from scheduling.subscriptions import SUBSCRIPTIONS
from scheduling.swap.router import router as swap_router
from scheduling.tasks import service as tasks
from scheduling.tasks.router import router as tasks_router


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, tracer_provider: TracerProvider | None = None
) -> FastAPI:
    return build_app(
        settings or Settings(),
        title="Call center: scheduling",
        description="The org directory, the 24-hour roster, shift swaps, leave and shift handovers.",
        routers=[
            org_router,
            skill_router,
            roster_router,
            rotation_router,
            holiday_router,
            swap_router,
            offer_router,
            leave_router,
            handover_router,
            tasks_router,
        ],
        subscriptions=SUBSCRIPTIONS,
        deadline_handlers=DEADLINE_HANDLERS,
        clock=clock,
        tracer_provider=tracer_provider,
        directory=Employee.__table__,  # type: ignore[arg-type]
        tasks=tasks.tasks_of,
        teams=Team.__table__,  # type: ignore[arg-type]
        capabilities=CAPABILITIES,
        openapi_tags=[
            {"name": "org directory", "description": "Teams and employees, the source of every read copy (ORG-1..5)"},
            {"name": "skills", "description": "The skill catalog and the skills people hold (ROS-5)"},
            {"name": "roster", "description": "Shifts, assignments, staffing changes and coverage (ROS-1..5)"},
            {"name": "rotations", "description": "A team's repeating pattern of shifts, generating its roster (ROS-6)"},
            {"name": "holidays", "description": "The center's holiday calendar (ROS-3)"},
            {"name": "swaps", "description": "Shift swaps between agents, the open shift board, give-aways (SWP-1..8)"},
            {"name": "leave", "description": "Leave requests and their approvals (LEV-1..7)"},
            {"name": "handover", "description": "Shift handovers, items, questions and check-ins (HND-1..10)"},
            {"name": "interactions", "description": "Interactions in progress, from the phone system (HND-3)"},
            {"name": "tasks", "description": "What waits for the caller here, listed and live"},
            {"name": "spreadsheets", "description": "CSV and XLSX exports and all-or-none imports"},
        ],
    )
