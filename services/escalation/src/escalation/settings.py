from __future__ import annotations

from typing import Annotated, ClassVar

from fastapi import Depends, Request
from pydantic import Field

from callcenter_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Escalation's configuration (environment variables, see the README)."""

    service_name: ClassVar[str] = "escalation"

    case_max_pause_minutes: int = Field(
        default=72 * 60,
        ge=1,
        le=60 * 24 * 30,
        description="ESC-13: the longest pause of a case whose category sets none; then its clocks resume",
    )


async def current_settings(request: Request) -> Settings:
    """The running app's settings, for a route: `settings: AppSettings`."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(current_settings)]
