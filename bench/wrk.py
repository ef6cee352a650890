"""HTTP load with `wrk` (C, one thread, keep-alive connections), run as a child of the benchmark.

`wrk` costs a fraction of a core where an asyncio generator needs most of one, so the server
gets the machine. A Lua script gives each write a fresh body (`{n}` in the template) and every
second write an `Idempotency-Key`, and prints the result as JSON: requests, non-2xx/3xx
answers, socket errors, req/s, p50 and p99. Each run is preceded by an unmeasured warm-up run.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.harness import Stack

_SCRIPT = r"""
local method, path, headers = [==[%(method)s]==], [==[%(path)s]==], %(headers)s
local template, half, prefix = %(body)s, %(half)s, [==[%(prefix)s]==]
local counter = 0

local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", tostring(threads))
end

request = function()
  counter = counter + 1
  local body = nil
  local h = headers
  if template then
    body = string.gsub(template, "{n}", prefix .. "-" .. tid .. "-" .. counter)
  end
  if half and counter %% 2 == 0 then
    h = {}
    for k, v in pairs(headers) do h[k] = v end
    h["Idempotency-Key"] = prefix .. "-" .. tid .. "-" .. counter
  end
  return wrk.format(method, path, h, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\"requests\": %%d, \"duration_us\": %%d, \"status_errors\": %%d, \"socket_errors\": %%d, " ..
    "\"p50_us\": %%.1f, \"p99_us\": %%.1f}\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def ensure_wrk() -> str | None:
    """The `wrk` binary; installed from Debian when missing and this is a root shell with apt-get, else None."""
    found = shutil.which("wrk")
    if found or not shutil.which("apt-get") or os.geteuid() != 0:
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    subprocess.run(
        [shutil.which("apt-get") or "apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True
    )
    return shutil.which("wrk")


def script(method: str, path: str, headers: dict[str, str], body: str | None, idempotency_half: bool) -> str:
    lua_headers = "{" + ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()) + "}"
    return _SCRIPT % {
        "method": method,
        "path": path,
        "headers": lua_headers,
        "body": _lua_string(body) if body is not None else "nil",
        "half": "true" if idempotency_half else "false",
        "prefix": uuid.uuid4().hex[:8],
    }


def run(
    stack: Stack,
    url: str,
    path: str,
    *,
    method: str = "GET",
    token: str | None = None,
    body: str | None = None,
    idempotency_half: bool = False,
    connections: int = 32,
    duration: float = 10.0,
    warmup: float = 2.0,
    server_pid: int | None = None,
) -> dict[str, Any]:
    """Load `url + path` for `duration` seconds after `warmup`: req/s, p50/p99 in ms, errors, wrk's CPU share
    and, given `server_pid`, the server process's CPU milliseconds per request."""
    binary = ensure_wrk()
    if binary is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    result: dict[str, Any] = {}
    for seconds, measured in ((warmup, False), (duration, True)):
        if seconds <= 0:
            continue
        # A script per run: its fresh prefix keeps bodies and idempotency keys unique across runs.
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script(method, path, headers, body, idempotency_half))
            lua = Path(handle.name)
        command = [binary, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
        command += ["-s", str(lua), url]
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
        server_before = cpu_seconds(server_pid) if server_pid else 0.0
        try:
            completed = stack.run(command, timeout=seconds + 60)
        finally:
            lua.unlink(missing_ok=True)
        wall = time.monotonic() - started
        server_cpu = cpu_seconds(server_pid) - server_before if server_pid else 0.0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if not measured:
            continue
        line = next((x for x in completed.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
        if completed.returncode != 0 or line is None:
            raise RuntimeError(f"wrk failed for {method} {path}: {completed.stdout[-500:]}")
        raw = json.loads(line.removeprefix("WRK_JSON "))
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        seconds_measured = raw["duration_us"] / 1e6
        errors = raw["status_errors"] + raw["socket_errors"]
        answered = raw["requests"] - errors
        result = {
            "requests": raw["requests"],
            "errors": errors,
            "rps": answered / seconds_measured,
            "p50_ms": raw["p50_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000,
            "client_cpu_share": cpu / wall if wall else 0.0,
            "server_cpu_ms": 1000 * server_cpu / raw["requests"] if raw["requests"] else 0.0,
        }
    return result


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
