"""Who may do what is decided in each service's access module, with named levels.

Outside `services/<service>/src/<service>/access.py` and `callcenter_shared/levels.py`, no
source compares a level with a bare number (`principal.level < 3`, `person.level == 1`,
`level in (1, 2)`, `superior.level == case.level + 1`): it names the level
(`Level.TEAM_LEADER`) or asks `callcenter_shared.levels` (`at_least`, `is_agent`,
`is_one_level_up`), and access decisions call the service's access module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["scheduling", "performance", "recognition", "escalation"]
ACCESS_MODULES = {ROOT / "services" / service / "src" / service / "access.py" for service in SERVICES}
LEVEL_DEFINITION = ROOT / "shared" / "src" / "callcenter_shared" / "levels.py"
# The visibility policy is asked through a service's access module, not directly.
VISIBILITY_MODULE = "callcenter_shared.visibility"


def _names_a_level(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    return name is not None and (name == "level" or name.endswith("_level"))


def _numbers(node: ast.AST) -> Iterator[ast.Constant]:
    """Integer literals in `node`, leaving out subscripts (`row[0]`), which index, not compare."""
    if isinstance(node, ast.Subscript):
        yield from _numbers(node.value)
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        yield node
    for child in ast.iter_child_nodes(node):
        yield from _numbers(child)


def raw_level_comparisons(source: str, filename: str = "<source>") -> list[str]:
    """`file:line: code` for each comparison of something named level with a literal number."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Compare):
            continue
        if any(_names_a_level(n) for n in ast.walk(node)) and any(True for _ in _numbers(node)):
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)}")
    return found


def source_files() -> list[Path]:
    roots = [ROOT / "shared" / "src", *(ROOT / "services" / service / "src" for service in SERVICES)]
    return sorted(path for root in roots for path in root.rglob("*.py"))


def test_no_raw_level_number_outside_the_access_modules() -> None:
    found = []
    for path in source_files():
        if path in ACCESS_MODULES or path == LEVEL_DEFINITION:
            continue
        found += raw_level_comparisons(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "Compare levels by name (callcenter_shared.levels) or move the check into access.py:\n" + (
        "\n".join(found)
    )


def test_only_access_modules_ask_the_visibility_policy() -> None:
    found = []
    for service in SERVICES:
        for path in (ROOT / "services" / service / "src").rglob("*.py"):
            if path in ACCESS_MODULES:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else []
                )
                if VISIBILITY_MODULE in names:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"Ask the service's access module instead of {VISIBILITY_MODULE}: {found}"


def test_every_service_has_one_access_module() -> None:
    for service in SERVICES:
        package = ROOT / "services" / service / "src" / service
        assert (package / "access.py").is_file()
        assert [p.relative_to(package) for p in package.rglob("access.py")] == [Path("access.py")]


@pytest.mark.parametrize(
    "source",
    [
        "principal.level < 3",
        "3 <= x.level",
        "person.level == 1",
        "level in (1, 2)",
        "x.level in {4, 5}",
        "superior.level == case.level + 1",
        "entry_level < 2",
        "org_employee.c.level == 2",
        "0 < a.level < Level.AGENT",
    ],
)
def test_the_checker_catches_a_raw_level_comparison(source: str) -> None:
    assert raw_level_comparisons(f"if {source}:\n    pass\n") == [f"<source>:1: {source}"]


@pytest.mark.parametrize(
    "source",
    [
        "principal.level < Level.DEPUTY_GENERAL_MANAGER",
        "at_least(principal, Level.TEAM_LEADER)",
        "superior.level == level",
        "count < 3",
        "levels[0] == x.level",
        "level = 3",
    ],
)
def test_the_checker_lets_named_levels_pass(source: str) -> None:
    assert raw_level_comparisons(source) == []
