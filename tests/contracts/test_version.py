"""One version: callcenter_shared.__version__; the services' pyprojects and the apps agree with it."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from fastapi import FastAPI

from callcenter_shared import __version__
from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.asyncapi import build_document
from callcenter_testing import TestDatabases

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("scheduling", "performance", "recognition", "escalation")


def test_shared_reads_its_version_from_the_package() -> None:
    project = tomllib.loads((ROOT / "shared" / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "callcenter_shared.__version__"}


@pytest.mark.parametrize("service", SERVICES)
def test_service_pyproject_has_the_same_version(service: str) -> None:
    project = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == __version__


def test_the_asyncapi_document_carries_the_version() -> None:
    assert build_document()["info"]["version"] == __version__


@pytest.mark.parametrize("service", SERVICES)
async def test_each_app_reports_the_version_in_its_openapi(service: str, test_databases: TestDatabases) -> None:
    settings = importlib.import_module(f"{service}.settings").Settings(
        database_url=await test_databases.fresh(service),
        env="test",
        relay_enabled=False,
        consumer_enabled=False,
        worker_enabled=False,
    )
    app: FastAPI = importlib.import_module(f"{service}.main").create_app(settings, clock=FrozenClock())
    assert app.openapi()["info"]["version"] == __version__


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_images_tags_with_the_version() -> None:
    made = subprocess.run(["make", "-n", "images"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f":{__version__} " in made
