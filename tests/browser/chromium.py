"""Headless Chromium for the browser tests: Debian's `chromium` and `chromium-driver`, driven by Selenium.

`make install` installs both packages where apt-get is usable; when they are still missing,
`find_or_install()` installs them itself (as root, or through passwordless sudo). Where no
Chromium can be installed the fixture skips, saying why.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("chromium", "chromium-driver")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver", "/usr/lib/chromium/chromedriver")
INSTALL_TIMEOUT = 900


@dataclass(frozen=True)
class Chromium:
    browser: str
    driver: str


def find() -> Chromium | None:
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    driver = next((path for name in DRIVERS if (path := shutil.which(name))), None)
    return Chromium(browser, driver) if browser and driver else None


def _apt_prefix() -> list[str] | None:
    """How to run apt-get here without a password prompt, or None when it cannot be run."""
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True, check=False).returncode == 0:
        return [sudo, "-n"]
    return None


def find_or_install() -> Chromium | str:
    """Chromium and its driver, installed from Debian's packages when missing; else why not."""
    found = find()
    if found:
        return found
    prefix = _apt_prefix()
    if prefix is None:
        return (
            "no Chromium: install Debian's chromium and chromium-driver "
            "(`make install` does where apt-get runs as root or with passwordless sudo)"
        )
    # One install at a time across pytest-xdist workers and parallel runs.
    with (Path(tempfile.gettempdir()) / "callcenter-chromium-install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = find()
        if found:
            return found
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (
            [*prefix, "apt-get", "update", "-q"],
            [*prefix, "apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES],
        ):
            result = subprocess.run(
                command, capture_output=True, text=True, env=environment, timeout=INSTALL_TIMEOUT, check=False
            )
            if result.returncode != 0:
                return f"Chromium could not be installed ({' '.join(command)}): {result.stderr.strip()[-500:]}"
    return find() or "apt-get installed chromium and chromium-driver, but no chromium or chromedriver is on PATH"
