"""The pytest plugin the suites load (root `conftest.py`): a real nats-server, fresh databases, a clock, an app.

Databases are SQLite files by default; set `TEST_POSTGRES_URL` (e.g.
`postgresql+asyncpg://postgres@127.0.0.1:5432`) to run the same tests on PostgreSQL,
one database per service (and per pytest-xdist worker).
"""

from __future__ import annotations

import gc
import importlib
import json
import os
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.clock import FrozenClock
from callcenter_shared.settings import ServiceSettings
from callcenter_testing.apps import http_client
from callcenter_testing.databases import TestDatabases
from callcenter_testing.identities import TEST_SERVICE_ACCOUNTS, JwksServer
from callcenter_testing.processes import NatsServer


def pytest_configure(config: pytest.Config) -> None:
    """Every settings object a test builds (also in services it starts as processes) knows the test accounts."""
    os.environ.setdefault("SERVICE_ACCOUNTS", json.dumps(TEST_SERVICE_ACCOUNTS))


def pytest_collection_finish(session: pytest.Session) -> None:
    """What exists once the tests are collected (modules, apps' classes, the items) lives for the whole run:
    frozen, the garbage collector's full passes skip it instead of walking it again every few tests."""
    gc.collect()
    gc.freeze()


@event.listens_for(Engine, "engine_disposed")
def _forget_compiled_statements(engine: Engine) -> None:
    """A disposed test engine drops its compiled-statement cache (thousands of objects per test).

    An app's engine outlives its test: the per-app session class's `after_commit` listener sits in
    SQLAlchemy's class-level registry and refers back to the app's session factory and engine. An
    engine used again after `dispose()` compiles its statements anew, as a new one would.
    """
    engine.clear_compiled_cache()


@pytest.fixture
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    """A fresh server per test (about 50 ms), so streams and durables never leak between tests or workers."""
    server = NatsServer(tmp_path_factory.mktemp("nats"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory: pytest.TempPathFactory) -> TestDatabases:
    return TestDatabases(tmp_path_factory.mktemp("databases"))


@pytest.fixture
def service_package() -> str:
    """The service a suite tests; each service's `tests/conftest.py` overrides this."""
    raise pytest.UsageError("define a `service_package` fixture in the suite's conftest.py")


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


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.close()
