from __future__ import annotations

from typing import ClassVar

from callcenter_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Recognition's configuration (environment variables, see the README)."""

    service_name: ClassVar[str] = "recognition"
    default_port: ClassVar[int] = 8003
