"""Fixtures of the browser tests: headless Chromium under Selenium, and the page's own origin."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from .chromium import Chromium, find_or_install

PAGE = Path(__file__).with_name("page")


@pytest.fixture(scope="session")
def chromium() -> Chromium:
    found = find_or_install()
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.fixture
def browser(chromium: Chromium) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = chromium.browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--disable-extensions", "--no-first-run", "--window-size=1024,768"):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Both paths given: Selenium Manager looks nothing up and downloads nothing.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromium.driver))
    try:
        yield driver
    finally:
        driver.quit()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def page_server() -> Iterator[str]:
    """The page's origin: a static server on its own loopback port, another origin than any service."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(PAGE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
