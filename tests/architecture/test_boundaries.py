"""Services never import each other; the shared library imports no service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["scheduling", "performance", "recognition", "escalation"]


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("service", SERVICES)
def test_service_imports_no_other_service(service: str) -> None:
    others = set(SERVICES) - {service}
    for path in (ROOT / "services" / service).rglob("*.py"):
        wrong = imported_roots(path) & others
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def test_shared_library_imports_no_service() -> None:
    for path in (ROOT / "shared" / "src").rglob("*.py"):
        wrong = imported_roots(path) & set(SERVICES)
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def test_no_dumping_ground_modules() -> None:
    names = {"utils.py", "helpers.py", "common.py", "misc.py"}
    found = [p.relative_to(ROOT) for p in ROOT.rglob("*.py") if p.name in names and ".venv" not in p.parts]
    assert not found


def test_runtime_code_imports_no_test_tooling() -> None:
    """What goes into an image (shared/src, services/*/src) needs neither pytest nor the test support package."""
    test_tooling = {"pytest", "_pytest", "callcenter_testing"}
    sources = [*(ROOT / "shared" / "src").rglob("*.py"), *ROOT.glob("services/*/src/**/*.py")]
    assert sources
    for path in sources:
        wrong = imported_roots(path) & test_tooling
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"
