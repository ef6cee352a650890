from __future__ import annotations

from typing import ClassVar

from callcenter_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Performance's configuration (environment variables, see the README)."""

    service_name: ClassVar[str] = "performance"
    default_port: ClassVar[int] = 8002
