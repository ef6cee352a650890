"""Settings every service shares; each service subclasses them with its own defaults."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from callcenter_shared.streams import DUPLICATE_WINDOW_SECONDS, STREAM_MAX_AGE_SECONDS

DEVELOPMENT_JWT_SECRET = "development-only-secret-change-me-0123456789"


# Where a browser app is served from while it is developed: the usual dev servers
# (Create React App / Next.js, Vite, Vue CLI / webpack) on both loopback names.
DEVELOPMENT_CORS_ORIGINS = tuple(
    f"http://{host}:{port}" for host in ("localhost", "127.0.0.1") for port in (3000, 5173, 8080)
)


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
    # PostgreSQL connections per process, all kept open once made: a pool that opened extra
    # connections for a burst would close each again on return, and under steady load that is
    # a new connection (its handshake, authentication and type introspection) per request.
    # Requests beyond it wait for a connection. SQLite always uses one.
    database_pool_size: int = Field(20, ge=1, le=200)
    # How long a caller's directory row read by one request serves the next ones (see `auth.RecentCallers`):
    # a change through another replica takes effect within it; 0 reads the row on every request.
    caller_cache_seconds: float = Field(1.0, ge=0, le=60)
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
    # Sign-in through an identity provider: its key set, or the discovery document naming it.
    jwt_jwks_url: str = ""
    jwt_oidc_discovery_url: str = ""
    # Accepted algorithms when keys come from a JWKS (each key's own `alg` must be one of these).
    jwt_jwks_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256", "EdDSA"])
    jwt_leeway_seconds: float = Field(default=30.0, ge=0, le=300)
    # The claim naming the person; matched against the directory's `external_id` (the login).
    jwt_employee_claim: str = "sub"
    # Keys are refetched when this old, and on an unknown `kid` at most once per interval.
    jwt_jwks_cache_seconds: float = Field(default=3600.0, gt=0)
    jwt_jwks_refetch_seconds: float = Field(default=30.0, ge=0)
    jwt_jwks_timeout_seconds: float = Field(default=5.0, gt=0)
    # Systems that are not employees: client id (token's azp/appid/client_id, else sub) -> scopes.
    service_accounts: dict[str, list[str]] = Field(default_factory=dict)

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
    # Browser origins allowed to call the API (CORS), a comma list; unset: the local dev servers,
    # except in production, where no origin is allowed until one is named.
    cors_allow_origins: Annotated[list[str] | None, NoDecode] = None
    # The API's base URL as clients reach it, written into the OpenAPI `servers`; empty: "/".
    openapi_server_url: str = ""
    request_body_limit_bytes: int = Field(default=2_000_000, ge=1024)
    # An in-progress Idempotency-Key is held this long past the last heartbeat of its request;
    # after that a retry may take it over (its server is presumed dead).
    idempotency_lease_seconds: float = Field(default=30.0, gt=0)

    # The live task stream (GET /v1/tasks/mine/stream, decision 0008), per process.
    task_stream_max_connections: int = Field(default=500, ge=0, description="open streams per process; 503 beyond")
    task_stream_resync_seconds: float = Field(default=30.0, gt=0, description="recompute every open list this often")
    task_stream_debounce_seconds: float = Field(default=0.2, ge=0, description="wait for a burst of changes to end")
    task_stream_keepalive_seconds: float = Field(default=15.0, gt=0, description="a comment line when idle")
    task_stream_max_seconds: float = Field(default=3600.0, gt=0, description="a stream ends; the client reconnects")

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

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @property
    def cors_origins(self) -> list[str]:
        """The origins CORS allows: as configured, else the dev servers outside production."""
        if self.cors_allow_origins is not None:
            return list(self.cors_allow_origins)
        return [] if self.env is Environment.production else list(DEVELOPMENT_CORS_ORIGINS)

    @model_validator(mode="after")
    def _fill_database_url(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///./var/{self.service_name}.db"
        return self

    @property
    def uses_key_set(self) -> bool:
        """Keys come from the identity provider's JWKS (directly or through discovery)."""
        return bool(self.jwt_jwks_url or self.jwt_oidc_discovery_url)

    @property
    def uses_development_issuer(self) -> bool:
        return not self.uses_key_set and self.jwt_algorithm.upper().startswith("HS")

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
        static_key = not self.jwt_algorithm.upper().startswith("HS") and bool(self.jwt_public_key)
        if self.env is Environment.production and not (self.uses_key_set or static_key):
            raise ValueError(
                "ENV=production needs JWT_JWKS_URL or JWT_OIDC_DISCOVERY_URL (or an asymmetric "
                "JWT_ALGORITHM with JWT_PUBLIC_KEY); the development issuer is refused in production"
            )
        return self
