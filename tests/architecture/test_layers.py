"""The layers inside a service, checked on the source so a change that crosses one fails here.

- A router speaks HTTP and calls the service: it imports nothing from SQLAlchemy (the session
  arrives as `callcenter_shared.web.DbSession` and is only passed on, so even `AsyncSession` is
  not needed), asks the session nothing, and declares no models of its own (they live in
  `schemas.py`).
- Domain code (every module of a service except its routers, `main.py` and `settings.py`, which
  holds the settings dependency) knows nothing of HTTP: no FastAPI, no Starlette, nothing from
  `callcenter_shared.web`/`app` but the `Page` model; refusals are `callcenter_shared.errors` types.
- An inbox handler is thin: handlers sit in `subscriptions.py` or a package's `handlers.py`, and
  each is one awaited call to a service function. Handler modules import no SQLAlchemy but
  `AsyncSession` and no models, so the rule, the query and the row are in the service.
- Every service has the same top-level files; the inbox table is `subscriptions.py`, the deadline
  table `deadlines.py`, and `main.py` takes both from there.
- Every domain package has models, schemas, service and router, except those listed below.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["scheduling", "performance", "recognition", "escalation"]

TOP_LEVEL_FILES = {"main.py", "settings.py", "subscriptions.py", "deadlines.py", "models.py", "db.py", "migrate.py"}
PACKAGE_FILES = {"models.py", "schemas.py", "service.py", "router.py"}
# (service, package) -> {missing file: why the package needs none}. Keep this short.
PACKAGE_EXCEPTIONS: dict[tuple[str, str], dict[str, str]] = {
    ("recognition", "birthday"): {"models.py": "birthdays are read from the org read copy; the package owns no table"},
    ("scheduling", "tasks"): {"models.py": "the tasks are read from the other packages' tables; it owns none"},
    ("performance", "tasks"): {"models.py": "the tasks are read from the other packages' tables; it owns none"},
    ("recognition", "tasks"): {"models.py": "the tasks are read from the other packages' tables; it owns none"},
    ("escalation", "tasks"): {"models.py": "the tasks are read from the other packages' tables; it owns none"},
}

HTTP_MODULES = {"router.py", "main.py", "settings.py"}
HTTP_IMPORTS = ("fastapi", "starlette", "callcenter_shared.web", "callcenter_shared.app")
HTTP_FREE_NAMES = {"callcenter_shared.web.Page"}  # a pydantic model a response schema may nest
# What a router may not ask the session: the queries and writes belong to the service.
SESSION_CALLS = {
    "execute",
    "scalar",
    "scalars",
    "get",
    "add",
    "add_all",
    "delete",
    "flush",
    "merge",
    "refresh",
    "stream",
}


def source_root(service: str) -> Path:
    return ROOT / "services" / service / "src" / service


def modules(service: str) -> Iterator[Path]:
    root = source_root(service)
    for path in sorted(root.rglob("*.py")):
        if "migrations" not in path.relative_to(root).parts:
            yield path


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_modules(tree: ast.AST) -> Iterator[tuple[str, ast.stmt]]:
    """Every absolute module a file imports, with the statement (relative imports are not used here)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def where(path: Path, node: ast.AST | None = None) -> str:
    line = f":{node.lineno}" if isinstance(node, ast.stmt | ast.expr) else ""
    return f"{path.relative_to(ROOT)}{line}"


def routers(service: str) -> list[Path]:
    return [p for p in modules(service) if p.name == "router.py" or "routers" in p.parts]


def handler_modules(service: str) -> list[Path]:
    return [p for p in modules(service) if p.name in ("subscriptions.py", "handlers.py")]


def domain_packages(service: str) -> list[Path]:
    root = source_root(service)
    return sorted(p for p in root.iterdir() if (p / "__init__.py").is_file() and p.name != "migrations")


def without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return body[1:]
    return body


# Routers


@pytest.mark.parametrize("service", SERVICES)
def test_routers_import_no_sqlalchemy(service: str) -> None:
    wrong = [
        f"{where(path, node)} imports {module}"
        for path in routers(service)
        for module, node in imported_modules(parse(path))
        if within(module, "sqlalchemy")
    ]
    assert wrong == [], "routers call services; services talk to the database"


@pytest.mark.parametrize("service", SERVICES)
def test_routers_ask_the_session_nothing(service: str) -> None:
    wrong = [
        f"{where(path, node)} session.{node.func.attr}()"
        for path in routers(service)
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "session"
        and node.func.attr in SESSION_CALLS
    ]
    assert wrong == [], "a query in a router belongs in its service"


@pytest.mark.parametrize("service", SERVICES)
def test_routers_declare_no_models(service: str) -> None:
    wrong = [
        f"{where(path, node)} class {node.name}"
        for path in routers(service)
        for node in ast.walk(parse(path))
        if isinstance(node, ast.ClassDef)
    ]
    assert wrong == [], "request and response models live in the package's schemas.py"


# Domain code


@pytest.mark.parametrize("service", SERVICES)
def test_domain_code_knows_no_http(service: str) -> None:
    wrong = [
        f"{where(path, node)} imports {module}"
        for path in modules(service)
        if path.name not in HTTP_MODULES
        for module, node in imported_modules(parse(path))
        if any(within(module, http) for http in HTTP_IMPORTS)
        and module not in HTTP_FREE_NAMES
        and not (isinstance(node, ast.ImportFrom) and node.module == module)  # judged by the names it takes
    ]
    assert wrong == [], "domain code raises callcenter_shared.errors types; only routers speak HTTP"


# Inbox handlers


def test_handler_modules_are_found() -> None:
    """The thinness checks below run on something: every service has its table, most have handlers."""
    for service in SERVICES:
        assert source_root(service) / "subscriptions.py" in handler_modules(service)
    assert sum(p.name == "handlers.py" for s in SERVICES for p in handler_modules(s)) >= 4


@pytest.mark.parametrize("service", SERVICES)
def test_handler_modules_hold_no_sql_and_build_no_rows(service: str) -> None:
    wrong = [
        f"{where(path, node)} imports {module}"
        for path in handler_modules(service)
        for module, node in imported_modules(parse(path))
        if (within(module, "sqlalchemy") and not within(module, "sqlalchemy.ext.asyncio"))
        or module.endswith(".models")
        or within(module, "callcenter_shared.db")
    ]
    assert wrong == [], "a handler passes the event to a service function, which queries and writes"


@pytest.mark.parametrize("service", SERVICES)
def test_the_inbox_table_takes_its_handlers_from_handler_modules(service: str) -> None:
    """So a handler written inside a service module (and so free of the checks here) is caught."""
    path = source_root(service) / "subscriptions.py"
    wrong = [
        f"{where(path, node)} imports from {node.module}"
        for node in ast.walk(parse(path))
        if isinstance(node, ast.ImportFrom)
        and node.module
        and within(node.module, service)
        and not node.module.endswith(".handlers")
        and node.module != f"{service}.settings"
    ]
    assert wrong == []


def _is_awaited_call(statement: ast.stmt) -> bool:
    value = statement.value if isinstance(statement, ast.Expr | ast.Return) else None
    return isinstance(value, ast.Await) and isinstance(value.value, ast.Call)


@pytest.mark.parametrize("service", SERVICES)
def test_handlers_are_one_awaited_call(service: str) -> None:
    """An async function in a handler module is one `await service.something(...)`; a plain function only
    builds handlers (with the service's settings) and returns them or the table."""
    wrong = []
    for path in handler_modules(service):
        for node in ast.walk(parse(path)):
            body = without_docstring(node.body) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else []
            if isinstance(node, ast.AsyncFunctionDef) and not (len(body) == 1 and _is_awaited_call(body[0])):
                wrong.append(f"{where(path, node)} {node.name}: {len(body)} statements")
            elif isinstance(node, ast.FunctionDef) and not all(
                isinstance(s, ast.AsyncFunctionDef | ast.Return) for s in body
            ):
                wrong.append(f"{where(path, node)} {node.name} does more than build handlers")
    assert wrong == [], "move the work into the service; the handler only calls it"


# The same shape everywhere


@pytest.mark.parametrize("service", SERVICES)
def test_service_has_the_common_top_level_files(service: str) -> None:
    present = {p.name for p in source_root(service).iterdir()}
    assert TOP_LEVEL_FILES - present == set()


def _main_wiring(service: str) -> dict[str, str]:
    """build_app's keyword -> the module the value's name is imported from, in the service's main.py."""
    tree = parse(source_root(service) / "main.py")
    origin = {
        alias.asname or alias.name: node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    wiring: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "build_app":
            for keyword in node.keywords:
                value = keyword.value.func if isinstance(keyword.value, ast.Call) else keyword.value
                if keyword.arg and isinstance(value, ast.Name):
                    wiring[keyword.arg] = origin.get(value.id, "main")
    return wiring


@pytest.mark.parametrize("service", SERVICES)
def test_main_takes_the_tables_from_subscriptions_and_deadlines(service: str) -> None:
    defined = {node.name for node in parse(source_root(service) / "main.py").body if isinstance(node, ast.FunctionDef)}
    assert "create_app" in defined, "`uvicorn <service>.main:create_app --factory` starts every service"
    wiring = _main_wiring(service)
    assert wiring.get("subscriptions") == f"{service}.subscriptions"
    assert wiring.get("deadline_handlers") == f"{service}.deadlines"
    assert wiring.get("daily_deadlines", f"{service}.deadlines") == f"{service}.deadlines"


@pytest.mark.parametrize("service", SERVICES)
def test_deadline_and_inbox_tables_are_defined_only_in_their_modules(service: str) -> None:
    homes = {
        "SUBSCRIPTIONS": "subscriptions.py",
        "subscriptions": "subscriptions.py",
        "DEADLINE_HANDLERS": "deadlines.py",
        "deadline_handlers": "deadlines.py",
        "daily_deadlines": "deadlines.py",
    }
    wrong = []
    for path in modules(service):
        for node in parse(path).body:
            names = [node.name] if isinstance(node, ast.FunctionDef) else []
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            for name in names:
                if name in homes and path != source_root(service) / homes[name]:
                    wrong.append(f"{where(path, node)} defines {name}")
    assert wrong == []


@pytest.mark.parametrize("service", SERVICES)
def test_domain_packages_have_models_schemas_service_router(service: str) -> None:
    wrong = []
    for package in domain_packages(service):
        excused = PACKAGE_EXCEPTIONS.get((service, package.name), {})
        missing = {name for name in PACKAGE_FILES if not (package / name).is_file()} - set(excused)
        if missing:
            wrong.append(f"{where(package)} lacks {sorted(missing)}")
    assert wrong == []


def test_every_package_exception_is_still_needed() -> None:
    stale = [
        f"{service}/{package}/{name}"
        for (service, package), files in PACKAGE_EXCEPTIONS.items()
        for name in files
        if (source_root(service) / package / name).is_file()
    ]
    assert stale == [], "the file exists now: drop its exception"
