from __future__ import annotations

from typing import ClassVar

from callcenter_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Scheduling's configuration (environment variables, see the README)."""

    service_name: ClassVar[str] = "scheduling"
    default_port: ClassVar[int] = 8001
