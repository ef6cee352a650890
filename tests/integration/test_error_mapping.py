"""Only a database that cannot be reached is a 503; any other OSError or driver error is a 500."""

from __future__ import annotations

import logging
import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError, ProgrammingError

from callcenter_shared.errors import is_database_unavailable
from callcenter_testing import TestDatabases, bearer, free_port, http_client
from scheduling.main import create_app
from scheduling.settings import Settings


class DriverError(Exception):
    """Stands in for a DBAPI exception, with the SQLSTATE a driver would give."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def app_raising(database_url: str, exc: Exception) -> FastAPI:
    app = create_app(Settings(database_url=database_url, env="test", relay_enabled=False))

    async def fail() -> None:
        raise exc

    app.add_api_route("/fail", fail)
    return app


async def test_a_refused_database_connection_is_503_with_retry_after() -> None:
    dead = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere"
    app = create_app(Settings(database_url=dead, env="test", relay_enabled=False))
    async with http_client(app) as client:
        response = await client.get("/v1/teams", headers=bearer(app.state.settings, uuid.uuid4(), 5))
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["type"] == "urn:callcenter:problem:unavailable"
    await app.state.engine.dispose()


@pytest.mark.parametrize(
    "exc",
    [
        FileNotFoundError(2, "No such file or directory", "/etc/callcenter/holidays.json"),
        ConnectionRefusedError(111, "Connection refused"),  # a socket that is not the database's
        PermissionError(13, "Permission denied"),
    ],
    ids=["file", "other-socket", "permission"],
)
async def test_an_oserror_outside_the_database_is_a_500_with_its_traceback_logged(
    exc: OSError, test_databases: TestDatabases, caplog: pytest.LogCaptureFixture
) -> None:
    app = app_raising(await test_databases.fresh("scheduling"), exc)
    with caplog.at_level(logging.ERROR, logger="callcenter_shared.errors"):
        async with http_client(app) as client:
            response = await client.get("/fail")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:callcenter:problem:internal"
    assert "retry-after" not in response.headers
    [record] = [r for r in caplog.records if r.name == "callcenter_shared.errors"]
    assert record.exc_info is not None
    assert record.exc_info[1] is exc
    await app.state.engine.dispose()


async def test_a_driver_error_that_is_a_bug_is_a_500_not_503(test_databases: TestDatabases) -> None:
    undefined_table = ProgrammingError("SELECT * FROM nowhere", {}, DriverError("42P01"))
    app = app_raising(await test_databases.fresh("scheduling"), undefined_table)
    async with http_client(app) as client:
        response = await client.get("/fail")
    assert response.status_code == 500
    await app.state.engine.dispose()


def test_which_driver_errors_mean_the_database_is_away() -> None:
    lost = DBAPIError("SELECT 1", {}, DriverError("XX000"), connection_invalidated=True)
    admin_shutdown = DBAPIError("SELECT 1", {}, DriverError("57P01"))
    cannot_connect = DBAPIError("SELECT 1", {}, DriverError("08006"))
    syntax = ProgrammingError("SELEC 1", {}, DriverError("42601"))
    assert is_database_unavailable(lost)
    assert is_database_unavailable(admin_shutdown)
    assert is_database_unavailable(cannot_connect)
    assert not is_database_unavailable(syntax)
    assert not is_database_unavailable(OSError("disk full"))
