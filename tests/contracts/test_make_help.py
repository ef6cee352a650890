"""`make help` lists every target with its description."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_make_help_describes_every_phony_target() -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    phony = re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert phony is not None
    listed = subprocess.run([make, "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    described = {line.split(None, 1)[0] for line in listed.splitlines() if len(line.split(None, 1)) == 2}
    assert set(phony.group(1).split()) <= described, listed
