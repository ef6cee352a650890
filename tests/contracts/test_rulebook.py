"""docs/rules.md names every rule: those of the product's rulebook and those the code refuses by."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = ROOT / "docs" / "rules.md"
# The rulebook's source, when it sits beside the repository (DOMAIN_RULES points elsewhere).
DOMAIN_RULES = Path(os.environ.get("DOMAIN_RULES", ROOT.parent / "shared" / "docs" / "domain-rules.md"))

RULE_ID = r"[A-Z]{2,3}-\d+"


def documented() -> set[str]:
    return set(re.findall(rf"^### ({RULE_ID})$", RULEBOOK.read_text(encoding="utf-8"), flags=re.MULTILINE))


def declared_in_code() -> set[str]:
    sources = [*ROOT.glob("services/*/src/**/*.py"), *ROOT.glob("shared/src/**/*.py")]
    return {rule for path in sources for rule in re.findall(rf'\brule = "({RULE_ID})"', path.read_text("utf-8"))}


def test_every_rule_the_code_refuses_by_is_in_the_rulebook() -> None:
    declared = declared_in_code()
    assert declared, 'no `rule = "..."` declarations found: has the layout changed?'
    assert declared - documented() == set()


@pytest.mark.skipif(not DOMAIN_RULES.is_file(), reason="no domain-rules.md beside the repository")
def test_every_rule_of_the_domain_rules_is_in_the_rulebook() -> None:
    rules = set(re.findall(rf"^- ({RULE_ID}) ", DOMAIN_RULES.read_text(encoding="utf-8"), flags=re.MULTILINE))
    assert rules, f"no rule IDs found in {DOMAIN_RULES}"
    assert rules - documented() == set()


def test_each_rule_is_documented_once_with_where_and_tests() -> None:
    text = RULEBOOK.read_text(encoding="utf-8")
    headings = re.findall(rf"^### ({RULE_ID})$", text, flags=re.MULTILINE)
    assert len(headings) == len(set(headings))
    for section in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        assert "- Where:" in section, section.splitlines()[0]
        assert "- Tests:" in section, section.splitlines()[0]
