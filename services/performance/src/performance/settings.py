from __future__ import annotations

from typing import Annotated, ClassVar

from fastapi import Depends, Request
from pydantic_settings import SettingsConfigDict

from callcenter_shared.settings import ServiceSettings
from performance.policy import Policy


class Settings(ServiceSettings):
    """Performance's configuration (environment variables, see the README).

    Policy limits are set with `POLICY__<NAME>`, e.g. `POLICY__DISPUTE_DAYS=10`.
    """

    model_config = SettingsConfigDict(env_file=None, extra="ignore", env_nested_delimiter="__")

    service_name: ClassVar[str] = "performance"

    policy: Policy = Policy()


async def current_settings(request: Request) -> Settings:
    """The running app's settings, for a route: `settings: AppSettings`."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(current_settings)]
