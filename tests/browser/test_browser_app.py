"""A browser app on another origin calls two services, in real headless Chromium.

Scheduling and performance run under uvicorn over one real NATS server (scheduling's relay
publishes the directory, performance's consumer copies it), each allowing the page's origin in
`CORS_ALLOW_ORIGINS`. The page (`page/`, served from its own port) holds a team leader's token
and, in its own JavaScript: records a coaching interview on performance (a POST with JSON,
`Authorization` and `Idempotency-Key`: a CORS preflight), sends it again (answered as a replay,
`Idempotent-Replayed` readable), reuses the key for another body in Chinese (the problem's
`detail` in Chinese, `Content-Language: zh-CN` readable), and reads scheduling's task stream with
fetch. An agent then asks for leave, and the leader's page shows the approval waiting for her.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.wait import WebDriverWait

from callcenter_shared.i18n import CHINESE, t
from callcenter_shared.settings import ServiceSettings
from callcenter_testing import (
    HR_SYSTEM,
    NatsServer,
    TestDatabases,
    bearer,
    free_port,
    service_bearer,
    start_service,
    wait_until_serving,
)

SERVICES = {
    # The relay publishes the directory; the task stream recomputes quickly after a commit.
    "scheduling": {"RELAY_ENABLED": "true", "TASK_STREAM_DEBOUNCE_SECONDS": "0.05"},
    # The consumer copies the directory from scheduling's events.
    "performance": {"CONSUMER_ENABLED": "true"},
}
CHINESE_CHARACTERS = re.compile(r"[\u4e00-\u9fff]")
REUSED_KEY = t("This Idempotency-Key was already used for a different request.")
TIMEOUT = 60.0  # a loaded CI machine; every wait ends as soon as its condition holds


@dataclass
class Services:
    scheduling: str
    performance: str


@pytest.fixture
async def services(test_databases: TestDatabases, nats_server: NatsServer, page_server: str) -> AsyncIterator[Services]:
    urls, processes = {}, []
    try:
        for service, settings in SERVICES.items():
            port = free_port()
            env = {
                "DATABASE_URL": await test_databases.fresh(service),
                "NATS_URL": nats_server.url,
                "CORS_ALLOW_ORIGINS": page_server,
                **settings,
            }
            processes.append(start_service(f"{service}.main:create_app", port, env))
            urls[service] = f"http://127.0.0.1:{port}"
        for url, process in zip(urls.values(), processes, strict=True):
            await asyncio.to_thread(wait_until_serving, url, process, 90.0)
        yield Services(**urls)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


def until(check: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
    """Poll `check()` until it returns something truthy; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(0.05)
    return result


@dataclass
class Floor:
    leader: str
    agent: str


def build_floor(scheduling: str) -> Floor:
    """A chain of command and a team, hired through scheduling by the HR system's account."""
    with httpx.Client(base_url=scheduling, headers=service_bearer(ServiceSettings(), HR_SYSTEM), timeout=30) as hr:

        def create(path: str, body: dict[str, Any]) -> str:
            response = hr.post(path, json=body)
            assert response.status_code == 201, response.text
            return str(response.json()["id"])

        executive = create("/v1/employees", {"name": "赵总", "level": 5})
        manager = create("/v1/employees", {"name": "钱经理", "level": 4, "superior_id": executive})
        head = create("/v1/employees", {"name": "孙主任", "level": 3, "superior_id": manager})
        team = create("/v1/teams", {"name": "热线一组 Hotline A"})
        leader = create("/v1/employees", {"name": "李班长", "level": 2, "team_id": team, "superior_id": head})
        agent = create(
            "/v1/employees",
            {"name": "王芳", "level": 1, "team_id": team, "superior_id": leader, "certified": True,
             "agent_number": "A1001"},
        )  # fmt: skip
    return Floor(leader, agent)


def known_in(url: str, *people: str) -> Callable[[], bool]:
    """Whether the service at `url` has every person in its copy of the directory."""

    def check() -> bool:
        return all(
            httpx.get(f"{url}/v1/me", headers=bearer(ServiceSettings(), person), timeout=10).status_code == 200
            for person in people
        )

    return check


class PageError(AssertionError):
    pass


def page_results(driver: webdriver.Chrome) -> dict[str, Any]:
    """Every result the page has written so far, by step; a step that threw fails the test."""
    texts: dict[str, str] = driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('output')].map(o => [o.id, o.textContent]))"
    )
    results = {name: json.loads(text) for name, text in texts.items()}
    if "error" in results:
        raise PageError(f"the page failed: {results['error']}")
    return results


def wait_for(driver: webdriver.Chrome, condition: Callable[[dict[str, Any]], Any], what: str) -> Any:
    try:
        return WebDriverWait(driver, TIMEOUT, poll_frequency=0.05).until(lambda d: condition(page_results(d)))
    except TimeoutException:
        console = [entry["message"] for entry in driver.get_log("browser")]
        seen = page_results(driver)
        raise AssertionError(f"{what}: not within {TIMEOUT}s; page: {seen}; console: {console}") from None


def step(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda results: results.get(name)


def task_of(kind: str, object_id: str) -> Callable[[dict[str, Any]], Any]:
    def find(results: dict[str, Any]) -> Any:
        items = results.get("tasks", {}).get("items", [])
        return next((task for task in items if (task["kind"], task["object_id"]) == (kind, object_id)), None)

    return find


def ask_for_leave(scheduling: str, agent: str) -> str:
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    body = {"leave_type": "sick", "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=8)).isoformat()}
    response = httpx.post(f"{scheduling}/v1/leave", json=body, headers=bearer(ServiceSettings(), agent), timeout=30)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_page_on_another_origin_calls_two_services_and_hears_the_task_stream(
    services: Services, page_server: str, browser: webdriver.Chrome
) -> None:
    floor = build_floor(services.scheduling)
    until(known_in(services.performance, floor.leader, floor.agent), "performance learns the floor from the events")
    config = {
        "scheduling": services.scheduling,
        "performance": services.performance,
        "token": bearer(ServiceSettings(), floor.leader)["Authorization"].removeprefix("Bearer "),
        "agentId": floor.agent,
        "key": str(uuid.uuid4()),
    }
    browser.get(f"{page_server}/index.html#{quote(json.dumps(config))}")

    # (a) A POST with JSON and Authorization from another origin: preflighted, then answered.
    first = wait_for(browser, step("preflight"), "the coaching interview")
    assert first["status"] == 201, first
    assert first["replayed"] is None
    blocked = wait_for(browser, step("blocked"), "the call with a header CORS does not allow")
    assert blocked == {"blocked": True, "error": "TypeError"}  # the preflight is real: this one it refused

    # (b) The same key and body again: the stored response, marked as a replay the page can read.
    replay = wait_for(browser, step("replay"), "the repeated interview")
    assert replay == {"status": 201, "id": first["id"], "replayed": "true"}

    # (c) The same key with another body, asked in Chinese: refused in Chinese, and the page can tell.
    refusal = wait_for(browser, step("refusal"), "the reused key")
    assert refusal["status"] == 422, refusal
    assert refusal["type"].endswith("idempotency-key-reused")
    assert refusal["contentType"].startswith("application/problem+json")
    assert refusal["language"] == "zh-CN"
    assert refusal["detail"] == REUSED_KEY.render(CHINESE)
    assert CHINESE_CHARACTERS.search(refusal["detail"]), refusal["detail"]

    # (d) The leader's open stream: first her (empty) list, then the leave the agent asks for.
    stream = wait_for(browser, step("stream"), "the task stream's response")
    assert stream["status"] == 200
    assert stream["contentType"].startswith("text/event-stream")
    assert wait_for(browser, step("tasks"), "the first list on the stream") == {"events": 1, "items": []}
    leave_id = ask_for_leave(services.scheduling, floor.agent)
    task = wait_for(browser, task_of("leave.approve", leave_id), "the leave waiting for the leader")
    assert task["requested_by"] == {"id": floor.agent, "name": "王芳"}
    assert task["link"] == f"/v1/leave/{leave_id}"
    assert task["service"] == "scheduling"
    assert "stream-ended" not in page_results(browser)
