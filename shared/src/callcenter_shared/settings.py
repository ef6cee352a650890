"""Settings every service shares; each service subclasses them with its own defaults."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from callcenter_shared.streams import DUPLICATE_WINDOW_SECONDS, STREAM_MAX_AGE_SECONDS

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
    # NATS authentication: a user and password, or an NKey seed file, or a `.creds` file (user JWT + seed).
    nats_user: str = ""
    nats_password: SecretStr = SecretStr("")
    nats_nkey_seed_file: str = ""
    nats_creds_file: str = ""
    # TLS to NATS: the CA that signed the server certificate, and a client certificate when the server asks.
    nats_tls_ca_file: str = ""
    nats_tls_cert_file: str = ""
    nats_tls_key_file: str = ""
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
    # An in-progress Idempotency-Key is held this long past the last heartbeat of its request;
    # after that a retry may take it over (its server is presumed dead).
    idempotency_lease_seconds: float = Field(default=30.0, gt=0)

    # Retention: old rows of the platform tables are pruned in small batches.
    retention_enabled: bool = True
    retention_interval_seconds: float = Field(default=600.0, gt=0)
    retention_batch_size: int = Field(default=1000, ge=1, le=10_000)
    retention_outbox_hours: float = Field(default=7 * 24, gt=0, description="published events kept this long")
    # A redelivery or a replay of the stream (it keeps 30 days) must still find the event here.
    retention_inbox_hours: float = Field(default=STREAM_MAX_AGE_SECONDS / 3600 + 24, gt=0)
    # How long a finished Idempotency-Key is kept to replay its response.
    idempotency_replay_hours: float = Field(default=24, gt=0, description="an Idempotency-Key replays this long")
    retention_deadlines_hours: float = Field(default=30 * 24, gt=0, description="fired or cancelled deadlines")

    @model_validator(mode="after")
    def _fill_database_url(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///./var/{self.service_name}.db"
        return self

    @model_validator(mode="after")
    def _inbox_outlives_redelivery(self) -> ServiceSettings:
        # Below this, a re-published or redelivered event could find its inbox row gone and apply twice.
        floor_seconds = DUPLICATE_WINDOW_SECONDS + self.consumer_ack_wait_seconds * self.consumer_max_deliveries
        if self.retention_inbox_hours * 3600 <= floor_seconds:
            raise ValueError(
                f"RETENTION_INBOX_HOURS must exceed the stream's duplicate window plus redeliveries "
                f"({floor_seconds / 3600:.2f} h); the default keeps the stream's whole retention"
            )
        return self

    @model_validator(mode="after")
    def _one_nats_identity(self) -> ServiceSettings:
        identities = [
            name
            for name, value in (
                ("NATS_USER", self.nats_user),
                ("NATS_NKEY_SEED_FILE", self.nats_nkey_seed_file),
                ("NATS_CREDS_FILE", self.nats_creds_file),
            )
            if value
        ]
        if len(identities) > 1:
            raise ValueError(f"set one NATS identity, not {' and '.join(identities)}")
        if bool(self.nats_user) != bool(self.nats_password.get_secret_value()):
            raise ValueError("NATS_USER and NATS_PASSWORD go together")
        if bool(self.nats_tls_cert_file) != bool(self.nats_tls_key_file):
            raise ValueError("NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together")
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
