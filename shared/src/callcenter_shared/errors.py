"""Domain errors and their rendering as RFC 9457 problem+json.

Service code raises these; one set of handlers turns every one into a response.
A rule refusal carries the rule's ID (`"rule": "SWP-4"`) and says why in plain words.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["urn:callcenter:problem:rule-violation"])
    title: str
    status: int
    detail: str
    rule: str | None = Field(default=None, description="The business rule that refused the request", examples=["SWP-4"])
    errors: list[dict[str, Any]] | None = Field(default=None, description="Per-field or per-row errors")


# Every error response refers to the one `Problem` component (`callcenter_shared.openapi` adds it).
PROBLEM_SCHEMA_REF = {"$ref": "#/components/schemas/Problem"}


def problem_response_doc(description: str) -> dict[str, Any]:
    """An error response for a route's `responses=`: problem+json, the `Problem` schema by reference."""
    return {"description": description, "content": {PROBLEM_JSON: {"schema": dict(PROBLEM_SCHEMA_REF)}}}


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: problem_response_doc("Bad request"),
    401: problem_response_doc("No valid bearer token"),
    403: problem_response_doc("The caller's level or team does not allow this"),
    404: problem_response_doc("Not found"),
    409: problem_response_doc("Conflicts with the current state"),
    413: problem_response_doc("Request body too large"),
    422: problem_response_doc("Invalid input, or refused by a business rule (see `rule`)"),
    503: problem_response_doc("Database or broker unavailable; retry later"),
}


class DomainError(Exception):
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    slug: ClassVar[str] = "bad-request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    def problem(self) -> dict[str, Any]:
        return problem_body(self.status, self.title, self.detail, self.slug, **self.extensions)


class NotFound(DomainError):
    status = 404
    title = "Not found"
    slug = "not-found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class Unauthorized(DomainError):
    status = 401
    title = "Not authenticated"
    slug = "unauthorized"


class Forbidden(DomainError):
    status = 403
    title = "Not allowed"
    slug = "forbidden"


class InvalidInput(DomainError):
    status = 422
    title = "Invalid input"
    slug = "invalid-input"


class RuleViolation(DomainError):
    """A business rule refuses the action. Subclasses set `rule`, or pass `rule=`."""

    status = 422
    title = "Refused by a business rule"
    slug = "rule-violation"
    rule: ClassVar[str] = ""

    def __init__(self, detail: str, *, rule: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.rule_id = rule or self.rule
        if not self.rule_id:
            raise TypeError("a RuleViolation needs a rule ID")

    def problem(self) -> dict[str, Any]:
        return problem_body(self.status, self.title, self.detail, self.slug, rule=self.rule_id, **self.extensions)


class ServiceUnavailable(DomainError):
    status = 503
    title = "Service unavailable"
    slug = "unavailable"


def problem_body(status: int, title: str, detail: str, slug: str, **extensions: Any) -> dict[str, Any]:
    return {"type": f"urn:callcenter:problem:{slug}", "title": title, "status": status, "detail": detail, **extensions}


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return problem_response(exc.problem(), headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"path": _field_path(error.get("loc", ())), "message": error.get("msg", ""), "type": error.get("type", "")}
        for error in exc.errors()
    ]
    detail = "; ".join(f"{e['path']}: {e['message']}" for e in errors[:5])
    return problem_response(problem_body(422, "Invalid input", detail, "invalid-input", errors=errors))


def _allowed_methods(request: Request) -> set[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return methods


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = {404: "Not found", 405: "Method not allowed", 413: "Request too large"}.get(exc.status_code, "Error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(sorted(_allowed_methods(request)))
    return problem_response(problem_body(exc.status_code, title, str(exc.detail), "http-error"), headers)


def describe_database_error(exc: Exception) -> str:
    """What a database error refused, without the statement's values (they can be personal data).

    The statement kind, the constraint when the driver names it, the SQLSTATE and the
    driver's first message line: PostgreSQL puts the offending values on its DETAIL line,
    SQLite names only tables and columns, and SQLAlchemy's own message adds the parameters.
    """
    statement = getattr(exc, "statement", None) or ""
    kind = statement.split(None, 1)[0].upper() if statement.strip() else "statement"
    original = getattr(exc, "orig", None)
    parts = [kind]
    for candidate in (original, getattr(original, "__cause__", None)):
        constraint = getattr(candidate, "constraint_name", None)
        if constraint:
            parts.append(f"constraint {constraint}")
            break
    if code := _sqlstate(exc):
        parts.append(f"SQLSTATE {code}")
    message = str(original if original is not None else type(exc).__name__).strip().splitlines()
    if message:
        parts.append(message[0][:300])
    return ", ".join(parts)


async def _integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    log.info("integrity error: %s", describe_database_error(exc))
    return problem_response(problem_body(409, "Conflict", "The change conflicts with existing data.", "conflict"))


async def _unstorable_data(_request: Request, exc: Exception) -> JSONResponse:
    log.info("data refused by the database: %s", describe_database_error(exc))
    return problem_response(
        problem_body(
            422,
            "Invalid input",
            "A value cannot be stored: text with a NUL character, or a number out of range.",
            "invalid-input",
        )
    )


def _sqlstate(exc: Exception) -> str:
    """The SQLSTATE behind a driver error, where the driver tells it."""
    original = getattr(exc, "orig", None)
    for candidate in (original, getattr(original, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if code:
            return str(code)
    return ""


# SQLSTATE classes that mean the server or the connection, not the statement, failed:
# 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown).
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57")


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means the database cannot be reached, as opposed to a bug or bad data."""
    if isinstance(exc, DBAPIError):
        return (
            exc.connection_invalidated
            or isinstance(exc, OperationalError | InterfaceError)
            or _sqlstate(exc).startswith(_UNAVAILABLE_SQLSTATE_CLASSES)
        )
    # A refused or reset socket, a DNS failure or a connect timeout reaches the route
    # unwrapped when the pool opens a connection; only then is the OSError about the
    # database. Any other OSError (a file, a socket of something else) is a bug.
    return isinstance(exc, OSError) and _raised_by_the_engine(exc)


def _raised_by_the_engine(exc: BaseException) -> bool:
    return any(
        str(frame.f_globals.get("__name__", "")).startswith(("sqlalchemy.", "asyncpg.", "aiosqlite."))
        for frame, _line in traceback.walk_tb(exc.__traceback__)
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    # SQLSTATE class 22 is "data exception": the input, not the database, is at fault.
    if isinstance(exc, DBAPIError) and _sqlstate(exc).startswith("22"):
        return await _unstorable_data(request, exc)
    if not is_database_unavailable(exc):
        return await _unexpected(request, exc)
    log.error("database unavailable: %s", describe_database_error(exc))
    return problem_response(
        problem_body(503, "Service unavailable", "The database is not reachable; try again shortly.", "unavailable"),
        {"Retry-After": "5"},
    )


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem_response(problem_body(500, "Internal error", "An unexpected error occurred.", "internal"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _unstorable_data)
    for database_error in (DBAPIError, OSError):
        app.add_exception_handler(database_error, _database_error)
    app.add_exception_handler(Exception, _unexpected)
