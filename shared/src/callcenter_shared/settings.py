"""Settings every service shares; each service subclasses them with its own defaults."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_JWT_SECRET = "development-only-secret-change-me-0123456789"


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class ServiceSettings(BaseSettings):
    """Configuration read from the environment (see the README's table)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    service_name: ClassVar[str] = "service"

    env: Environment = Environment.development
    database_url: str = ""
    nats_url: str = "nats://127.0.0.1:4222"
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    log_format: str = "text"
    # Traces go to this OTLP/HTTP collector (e.g. http://otel-collector:4318); empty: no spans at all.
    otel_exporter_otlp_endpoint: str = ""
    # service.name on the spans; empty: the service's own name.
    otel_service_name: str = ""

    jwt_algorithm: str = "HS256"
    jwt_secret: str = DEVELOPMENT_JWT_SECRET
    jwt_public_key: str = ""
    jwt_issuer: str = "callcenter-dev"
    jwt_audience: str = "callcenter"

    # Background parts; tests switch them off to drive them by hand.
    relay_enabled: bool = True
    consumer_enabled: bool = True
    worker_enabled: bool = True

    consumer_max_deliveries: int = Field(default=5, ge=1)
    consumer_batch_size: int = Field(default=100, ge=1, le=1000)
    # How long a delivered, unacknowledged message waits before redelivery (e.g. its consumer died).
    consumer_ack_wait_seconds: float = Field(default=30.0, gt=0)
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    # Concurrent claiming transactions per deadline worker (PostgreSQL only; SQLite runs one).
    worker_concurrency: int = Field(default=4, ge=1, le=32)
    request_body_limit_bytes: int = Field(default=2_000_000, ge=1024)

    @model_validator(mode="after")
    def _fill_database_url(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///./var/{self.service_name}.db"
        return self

    @model_validator(mode="after")
    def _refuse_development_keys_in_production(self) -> ServiceSettings:
        development_keys = self.jwt_algorithm.upper().startswith("HS") or not self.jwt_public_key
        if self.env is Environment.production and development_keys:
            raise ValueError(
                "ENV=production needs JWT_ALGORITHM set to an asymmetric algorithm "
                "(RS256, ES256 or EdDSA) and JWT_PUBLIC_KEY; the development issuer "
                "is refused in production"
            )
        return self
