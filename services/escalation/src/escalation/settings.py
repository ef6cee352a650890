from __future__ import annotations

from typing import ClassVar

from callcenter_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Escalation's configuration (environment variables, see the README)."""

    service_name: ClassVar[str] = "escalation"
