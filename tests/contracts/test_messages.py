"""Every message a caller can read exists in English and in Simplified Chinese.

A problem's `title` and `detail` are written once as `t("English template", name=value)`
(`callcenter_shared.i18n`); the Chinese lives in each package's gettext catalog
(`locale/zh_CN/LC_MESSAGES/messages.po`). These tests fail when a refusal is written as a
bare string or f-string, when a template has no Chinese translation, when a translation
drops or invents a placeholder, and when the catalog keeps translations of messages the code
no longer has (`make messages` brings the catalogs up to date).
"""

from __future__ import annotations

import ast
import importlib
import re
import string
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from callcenter_shared import i18n
from callcenter_shared.i18n import CHINESE, Message, placeholders

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {
    "callcenter_shared": ROOT / "shared" / "src" / "callcenter_shared",
    **{
        service: ROOT / "services" / service / "src" / service
        for service in ("scheduling", "performance", "recognition", "escalation")
    },
}
BASE_ERRORS = {"DomainError", "NotFound", "Conflict", "Unauthorized", "Forbidden", "InvalidInput", "RuleViolation"}
BASE_ERRORS |= {"ServiceUnavailable"}
# Keyword arguments that carry a message to the caller (`get_or_404(..., missing=...)`).
MESSAGE_KEYWORDS = {"missing"}
# Positional arguments that do (an import refusal's row: `row_error(row, column, detail, ...)`).
MESSAGE_POSITIONS = {"row_error": 2}
CJK = re.compile(r"[\u4e00-\u9fff]")
SAMPLE_MOMENT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for package in PACKAGES.values():
        for path in sorted(package.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _error_classes() -> set[str]:
    bases: dict[str, set[str]] = {}
    for _, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names = {base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases}
                bases.setdefault(node.name, set()).update(names)
    errors = set(BASE_ERRORS)
    while grown := {name for name, parents in bases.items() if name not in errors and parents & errors}:
        errors |= grown
    return errors


def _string_names(tree: ast.Module) -> set[str]:
    """Names the module binds to a bare string or f-string somewhere."""
    return {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_bare_text(node.value, set())
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _is_bare_text(node: ast.AST, string_names: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_bare_text(node.left, string_names) or _is_bare_text(node.right, string_names)
    return isinstance(node, ast.Name) and node.id in string_names


def _untranslatable_messages() -> Iterator[str]:
    errors = _error_classes()
    for path, tree in _sources():
        string_names = _string_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                arguments = [node.args[0]] if called in errors and node.args else []
                position = MESSAGE_POSITIONS.get(str(called))
                if position is not None and len(node.args) > position:
                    arguments.append(node.args[position])
                arguments += [keyword.value for keyword in node.keywords if keyword.arg in MESSAGE_KEYWORDS]
                for argument in arguments:
                    if _is_bare_text(argument, string_names):
                        yield f"{path.relative_to(ROOT)}:{argument.lineno}"
            if isinstance(node, ast.ClassDef) and node.name in errors:
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(isinstance(target, ast.Name) and target.id == "title" for target in statement.targets)
                        and _is_bare_text(statement.value, set())
                    ):
                        yield f"{path.relative_to(ROOT)}:{statement.lineno}"


def test_every_refusal_is_written_as_a_translatable_message() -> None:
    assert list(_untranslatable_messages()) == [], "wrap these messages in callcenter_shared.i18n.t()"


def _templates(package: Path) -> dict[str, str]:
    """Every `t("...")` template in the package, with where it is written."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        package, method_map=[("**.py", "python")], keywords={"t": None}
    ):
        if "migrations" not in filename and isinstance(message, str):
            found.setdefault(message, f"{filename}:{lineno}")
    return found


def _catalog(package: Path) -> dict[str, str]:
    path = package / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run make messages"
    with path.open("rb") as po:
        catalog = read_po(po)
    return {str(entry.id): str(entry.string) for entry in catalog if entry.id and entry.string and not entry.fuzzy}


def _written_templates(package: Path) -> set[str]:
    """Every `t("...")` template as the source writes it, found by parsing (nested calls included)."""
    return {
        node.args[0].value
        for path in package.rglob("*.py")
        if "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "t"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_make_messages_extracts_every_written_message(package: str) -> None:
    """Babel skips a `t()` nested in another call's arguments: write it on its own line instead."""
    missed = _written_templates(PACKAGES[package]) - set(_templates(PACKAGES[package]))
    assert sorted(missed) == []


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_every_message_has_its_chinese_translation(package: str) -> None:
    templates, catalog = _templates(PACKAGES[package]), _catalog(PACKAGES[package])
    untranslated = sorted(f"{where}: {template}" for template, where in templates.items() if template not in catalog)
    assert untranslated == [], f"{len(untranslated)} messages have no Chinese translation (make messages)"
    not_chinese = sorted(template for template in templates if not CJK.search(catalog[template]))
    assert not_chinese == []


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_a_translation_fills_the_same_placeholders_as_its_template(package: str) -> None:
    catalog = _catalog(PACKAGES[package])
    mismatched = sorted(
        f"{template!r} -> {translation!r}"
        for template, translation in catalog.items()
        if placeholders(template) != placeholders(translation)
    )
    assert mismatched == []


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_the_catalog_keeps_no_translation_the_code_no_longer_uses(package: str) -> None:
    stale = sorted(set(_catalog(PACKAGES[package])) - set(_templates(PACKAGES[package])))
    assert stale == [], "make messages removes them"


def _sample_values(template: str) -> dict[str, object]:
    """A value for each placeholder that its format spec accepts (a date for `%Y`, a number for `.1f`)."""
    values: dict[str, object] = {}
    for _, field, spec, _ in string.Formatter().parse(template):
        if field:
            name = field.split(".")[0].split("[")[0]
            values[name] = SAMPLE_MOMENT if spec and "%" in spec else 7 if spec else "X"
    return values


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_every_message_renders_in_both_languages(package: str) -> None:
    importlib.import_module(package)
    i18n.use_catalog(package)
    for template in _templates(PACKAGES[package]):
        values = _sample_values(template)
        message = Message(template, values)
        assert message.render(i18n.ENGLISH) == template.format_map(values)
        chinese = message.render(CHINESE)
        assert CJK.search(chinese), template
        assert chinese.count("X") >= min(1, list(values.values()).count("X")), template
