"""Sampling profiles of a running server with py-spy, summarised as text for the report.

`profile_pid(pid, seconds, run_load)` records the process while `run_load()` drives it
and returns two short tables: where the time is spent by package (inclusive: a sample
counts for every package on its stack) and the functions on top of the stack (self time).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Frames every event-loop sample passes through: they say nothing about where the time goes.
_SCAFFOLDING = {"<frozen runpy>", "click", "uvicorn", "stdlib:asyncio", "stdlib:threading"}
_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def py_spy() -> str | None:
    beside_python = Path(sys.executable).parent / "py-spy"
    return str(beside_python) if beside_python.exists() else shutil.which("py-spy")


def _package(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    for marker in ("/src/", "/lib/python"):
        if marker in path:
            tail = path.split(marker, 1)[1].split("/")
            if marker == "/src/":
                return tail[0]
            return "stdlib:" + (tail[1].removesuffix(".py") if len(tail) > 1 else "?")
    return Path(path).stem


def summarise(collapsed: str, *, top: int = 12) -> str:
    """Text tables from py-spy's raw (collapsed) output: `frame;frame;... count` per line."""
    inclusive: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [frame for frame in stack.split(";") if not frame.startswith("thread (")]
        if not frames:
            continue
        threads["database thread (aiosqlite)" if "aiosqlite" in stack else "event loop thread"] += count
        packages: set[str] = set()
        for frame in frames:
            match = _FRAME.match(frame.strip())
            if match:
                packages.add(_package(match["file"]))
        for package in packages - _SCAFFOLDING:
            inclusive[package] += count
        leaf = _FRAME.match(frames[-1].strip())
        self_time[f"{leaf['function']} ({_package(leaf['file'])})" if leaf else frames[-1]] += count
    if not total:
        return "    (no samples)"
    lines = [f"    {total} samples; by thread: " + ", ".join(f"{n} {c / total:.0%}" for n, c in threads.most_common())]
    lines.append("    by package (inclusive):")
    lines += [f"      {count / total:6.1%}  {name}" for name, count in inclusive.most_common(top)]
    lines.append("    on top of the stack (self):")
    lines += [f"      {count / total:6.1%}  {name}" for name, count in self_time.most_common(top)]
    return "\n".join(lines)


def profile_pid(pid: int, seconds: float, run_load: Callable[[], Any]) -> str:
    """Record `pid` with py-spy while `run_load()` runs; the summary, or why there is none."""
    binary = py_spy()
    if binary is None:
        return "    py-spy is not installed (pip install -r bench/requirements.txt)"
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "profile.txt"
        command = [binary, "record", "--pid", str(pid), "--format", "raw", "--output", str(output)]
        command += [
            "--full-filenames",
            "--threads",
            "--rate",
            "250",
            "--duration",
            str(int(seconds) + 2),
            "--nonblocking",
        ]
        recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            run_load()
            _, errors = recorder.communicate(timeout=seconds + 30)
        finally:
            if recorder.poll() is None:
                recorder.kill()
                recorder.wait()
        if not output.exists():
            return f"    py-spy could not record: {(errors or '').strip()[:300]}"
        return summarise(output.read_text())
