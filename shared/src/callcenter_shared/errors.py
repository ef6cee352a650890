"""Domain errors and their rendering as RFC 9457 problem+json.

Service code raises these; one set of handlers turns every one into a response.
A rule refusal carries the rule's ID (`"rule": "SWP-4"`) and says why in plain words.
"""

from __future__ import annotations

import json
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
from starlette.types import Scope, Send

from callcenter_shared.i18n import ENGLISH, Message, language_of_scope, localized, t

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
    title: ClassVar[str] = t("Bad request")
    slug: ClassVar[str] = "bad-request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    def problem(self) -> dict[str, Any]:
        return problem_body(self.status, self.title, self.detail, self.slug, **self.extensions)


class NotFound(DomainError):
    status = 404
    title = t("Not found")
    slug = "not-found"


class Conflict(DomainError):
    status = 409
    title = t("Conflict")
    slug = "conflict"


class Unauthorized(DomainError):
    status = 401
    title = t("Not authenticated")
    slug = "unauthorized"


class Forbidden(DomainError):
    status = 403
    title = t("Not allowed")
    slug = "forbidden"


class InvalidInput(DomainError):
    status = 422
    title = t("Invalid input")
    slug = "invalid-input"


class RuleViolation(DomainError):
    """A business rule refuses the action. Subclasses set `rule`, or pass `rule=`."""

    status = 422
    title = t("Refused by a business rule")
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
    title = t("Service unavailable")
    slug = "unavailable"


def problem_body(status: int, title: str, detail: str, slug: str, **extensions: Any) -> dict[str, Any]:
    return {"type": f"urn:callcenter:problem:{slug}", "title": title, "status": status, "detail": detail, **extensions}


def localize_problem(body: dict[str, Any], language: str) -> dict[str, Any]:
    """`body` with its title, detail and per-row messages in `language`."""
    localized_body = {key: localized(value, language) for key, value in body.items()}
    if isinstance(errors := body.get("errors"), list):
        localized_body["errors"] = [
            {key: localized(value, language) for key, value in error.items()} if isinstance(error, dict) else error
            for error in errors
        ]
    return localized_body


def problem_response(
    body: dict[str, Any], headers: dict[str, str] | None = None, *, language: str = ENGLISH
) -> JSONResponse:
    """`body` as problem+json in `language` (`i18n.negotiate` picks it from `Accept-Language`)."""
    return JSONResponse(
        localize_problem(body, language),
        status_code=body["status"],
        media_type=PROBLEM_JSON,
        headers={**(headers or {}), "Content-Language": language, "Vary": "Accept-Language"},
    )


async def send_problem(send: Send, scope: Scope, body: dict[str, Any]) -> None:
    """Answer an ASGI request with `body` in the caller's language (for middleware, before any route)."""
    language = language_of_scope(scope)
    payload = json.dumps(localize_problem(body, language)).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(payload)).encode()),
        (b"content-language", language.encode()),
        (b"vary", b"Accept-Language"),
    ]
    await send({"type": "http.response.start", "status": body["status"], "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def request_language(request: Request) -> str:
    return language_of_scope(request.scope)


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return problem_response(exc.problem(), headers, language=request_language(request))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"path": _field_path(error.get("loc", ())), "message": error.get("msg", ""), "type": error.get("type", "")}
        for error in exc.errors()
    ]
    fields = "; ".join(f"{e['path']}: {e['message']}" for e in errors[:5])
    detail = t("Some fields are invalid: {fields}", fields=fields)
    return problem_response(
        problem_body(422, t("Invalid input"), detail, "invalid-input", errors=errors),
        language=request_language(request),
    )


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
    title = _HTTP_TITLES.get(exc.status_code, t("Error"))
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(sorted(_allowed_methods(request)))
    detail = _HTTP_DETAILS.get(str(exc.detail), str(exc.detail))
    return problem_response(
        problem_body(exc.status_code, title, detail, "http-error"), headers, language=request_language(request)
    )


_HTTP_TITLES: dict[int, Message] = {
    404: t("Not found"),
    405: t("Method not allowed"),
    413: t("Request too large"),
}
# Starlette's own details for the errors it raises itself.
_HTTP_DETAILS: dict[str, Message] = {
    "Not Found": t("There is nothing at this address."),
    "Method Not Allowed": t("This address does not accept this method."),
}


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


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    log.info("integrity error: %s", describe_database_error(exc))
    return problem_response(
        problem_body(409, t("Conflict"), t("The change conflicts with existing data."), "conflict"),
        language=request_language(request),
    )


async def _unstorable_data(request: Request, exc: Exception) -> JSONResponse:
    log.info("data refused by the database: %s", describe_database_error(exc))
    return problem_response(
        problem_body(
            422,
            t("Invalid input"),
            t("A value cannot be stored: text with a NUL character, or a number out of range."),
            "invalid-input",
        ),
        language=request_language(request),
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
        problem_body(
            503, t("Service unavailable"), t("The database is not reachable; try again shortly."), "unavailable"
        ),
        {"Retry-After": "5"},
        language=request_language(request),
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem_response(
        problem_body(500, t("Internal error"), t("An unexpected error occurred."), "internal"),
        language=request_language(request),
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _unstorable_data)
    for database_error in (DBAPIError, OSError):
        app.add_exception_handler(database_error, _database_error)
    app.add_exception_handler(Exception, _unexpected)
