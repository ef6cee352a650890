"""A TypeScript client generated from each service's OpenAPI document type-checks (`tsc --strict`).

`tests/typescript` pins openapi-typescript, openapi-fetch and TypeScript (package.json and its
lock); this test installs them with `npm ci` into `tests/typescript/node_modules` (gitignored,
kept between runs while the lock is unchanged), writes each document's types to
`tests/typescript/generated/`, and type-checks them with `calls.ts`: a few real calls a browser
app makes (listEmployees, approveSwap, a coaching interview, the four task lists, a Problem).
A document change that breaks those calls fails here. Needs Node.js and npm, else it skips.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SERVICES = ["scheduling", "performance", "recognition", "escalation"]
PROJECT = Path(__file__).parents[1] / "typescript"
MODULES = PROJECT / "node_modules"
INSTALLED = MODULES / ".installed-lock-sha256"  # the lock file's hash the install was made from


def run(command: list[str], timeout: float) -> None:
    result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(command[:3])}...\n{result.stdout[-6000:]}{result.stderr[-6000:]}"


@contextmanager
def project_lock() -> Iterator[None]:
    """One install, generation and check at a time in this checkout (parallel runs share the folder)."""
    with (PROJECT / "package.json").open() as anchor:
        fcntl.flock(anchor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(anchor, fcntl.LOCK_UN)


def install(npm: str) -> None:
    """`npm ci` from the lock, unless node_modules was installed from this very lock."""
    wanted = hashlib.sha256((PROJECT / "package-lock.json").read_bytes()).hexdigest()
    if INSTALLED.exists() and INSTALLED.read_text() == wanted:
        return
    run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], timeout=600)
    INSTALLED.write_text(wanted)


def write_documents(folder: Path) -> list[str]:
    arguments = []
    for service in SERVICES:
        settings = importlib.import_module(f"{service}.settings").Settings(
            env="test", database_url=f"sqlite+aiosqlite:///{folder}/{service}.db"
        )
        app = importlib.import_module(f"{service}.main").create_app(settings)
        document = folder / f"{service}.json"
        document.write_text(json.dumps(app.openapi()))
        arguments.append(f"{service}={document}")
    return arguments


def test_a_typescript_client_generated_from_every_document_type_checks(tmp_path: Path) -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are not installed: the TypeScript client check (tsc --strict) did not run")
    documents = write_documents(tmp_path)
    with project_lock():
        install(npm)
        run([node, "generate.mjs", "generated", *documents], timeout=300)
        run([node, str(MODULES / "typescript" / "bin" / "tsc"), "--project", ".", "--strict", "--noEmit"], timeout=600)
