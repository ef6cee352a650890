"""A real OpenAPI linter (Redocly CLI, its recommended rules) finds no error in any service's document.

Warnings are allowed (no `info.license` while the project has chosen none; a few examples that
use the short `HH:MM` times the API accepts). Needs Node.js: without `npx` the test is skipped.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

REDOCLY = "@redocly/cli@2.77.0"
SERVICES = ["scheduling", "performance", "recognition", "escalation"]


def test_redocly_finds_no_errors(tmp_path: Path) -> None:
    npx = shutil.which("npx")
    if npx is None:
        pytest.skip("Node.js (npx) is not installed: the OpenAPI lint with Redocly CLI did not run")
    documents = []
    for service in SERVICES:
        settings = importlib.import_module(f"{service}.settings").Settings(
            env="test", database_url=f"sqlite+aiosqlite:///{tmp_path}/{service}.db"
        )
        app = importlib.import_module(f"{service}.main").create_app(settings)
        document = tmp_path / f"{service}.json"
        document.write_text(json.dumps(app.openapi()))
        documents.append(str(document))
    result = subprocess.run(
        [npx, "--yes", REDOCLY, "lint", *documents, "--format=summary"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "error" not in [line.split(" ", 1)[0] for line in output.splitlines()], output
