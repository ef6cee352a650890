from __future__ import annotations

from typing import ClassVar

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
