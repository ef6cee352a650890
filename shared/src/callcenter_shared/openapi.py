"""The OpenAPI document as a client generator needs it, and `/docs` served without a CDN.

Every service's document has: the bearer scheme on every operation that needs a caller
(the probes say `security: []`, no token), camelCase operationIds from the route functions' names
(`list_employees` -> `listEmployees`), one `Problem` schema that every error response
refers to, the `Idempotency-Key` header on the operations that honour it (every
authenticated POST, `callcenter_shared.idempotency`), a description for every tag and
the server clients call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from callcenter_shared.auth import BEARER_SCHEME
from callcenter_shared.errors import Problem
from callcenter_shared.idempotency import MAX_KEY_LENGTH

SWAGGER_ASSETS = "/docs/assets"
BEARER = BEARER_SCHEME.scheme_name

# Tags of the routes every service has, besides its own (each service describes its own tags).
SHARED_TAGS: list[dict[str, str]] = [
    {"name": "me", "description": "Who the caller is in this service, and what they may do here"},
    {"name": "operations", "description": "Probes and metrics for the platform; no token needed"},
]

_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Any unique string (a UUID) you choose per intended change. A retry with the same key and body "
        "gets the first response back (with `Idempotent-Replayed: true`) instead of a second change; the "
        "same key with another body gets 422, a retry while the first request runs gets 409."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}
_IDEMPOTENT_REPLAYED = {
    "description": "`true` when this is the stored response of an earlier request with the same Idempotency-Key",
    "schema": {"type": "string", "enum": ["true"]},
}
_AUTHENTICATION_ERRORS = ("401", "403")


def operation_id(route: Any) -> str:
    """`list_employees` -> `listEmployees`: short, stable, and what a generated client calls."""
    name: str = route.name
    first, *rest = name.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def refine(schema: dict[str, Any]) -> dict[str, Any]:
    """Add what FastAPI leaves out; see the module's docstring."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = Problem.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    components.setdefault("headers", {})["IdempotentReplayed"] = _IDEMPOTENT_REPLAYED
    # Signed in unless an operation says otherwise: the probes say so with an empty requirement.
    schema["security"] = [{BEARER: []}]
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if operation.get("security"):
                if method == "post":
                    _document_idempotency(operation)
            else:  # no caller, so nobody is refused for who they are
                operation["security"] = []
                for status in _AUTHENTICATION_ERRORS:
                    operation.get("responses", {}).pop(status, None)
    return schema


def _document_idempotency(operation: dict[str, Any]) -> None:
    # Written out, not a $ref: tools that read `parameters` rarely resolve references there.
    operation.setdefault("parameters", []).append(dict(_IDEMPOTENCY_KEY))
    for status, response in operation.get("responses", {}).items():
        if status.startswith("2"):
            response.setdefault("headers", {})["Idempotent-Replayed"] = {
                "$ref": "#/components/headers/IdempotentReplayed"
            }


def install_openapi(app: FastAPI) -> None:
    """Refine the generated document once, when it is first asked for."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = refine(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_docs(app: FastAPI) -> None:
    """Swagger UI at `/docs` from the bundled assets, so it works without internet access."""
    app.mount(SWAGGER_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui-assets")

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{app.title} - API docs",
            swagger_js_url=f"{root}{SWAGGER_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{SWAGGER_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{SWAGGER_ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"persistAuthorization": True},
        )

    app.add_route("/docs", swagger_ui, include_in_schema=False)
