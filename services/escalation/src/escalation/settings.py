from __future__ import annotations

from typing import Annotated, ClassVar

from fastapi import Depends, Request

from callcenter_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Escalation's configuration (environment variables, see the README)."""

    service_name: ClassVar[str] = "escalation"


async def current_settings(request: Request) -> Settings:
    """The running app's settings, for a route: `settings: AppSettings`."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(current_settings)]
