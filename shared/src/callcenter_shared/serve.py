"""Runs a service under uvicorn: `python -m callcenter_shared.serve scheduling --workers 2`.

The image starts every service this way. Before any worker exists it empties
`PROMETHEUS_MULTIPROC_DIR`: the pod's emptyDir outlives a container restart, and a
previous run's files would add its counts to the new ones.
"""

from __future__ import annotations

import argparse
import os
import re

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from callcenter_shared import metrics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m callcenter_shared.serve")
    parser.add_argument("service", help="the service package, e.g. scheduling")
    parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 - a container listens on all interfaces
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY") or 1))
    parser.add_argument("--log-config", default=None, help="uvicorn's logging config (JSON), as the image ships it")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z_]+", args.service):
        parser.error(f"not a service package name: {args.service!r}")
    if args.workers > 1 and metrics.multiprocess_dir() is None:
        parser.error(f"--workers {args.workers} needs {metrics.MULTIPROC_DIR_VARIABLE}, or /metrics counts one worker")
    metrics.clear_multiprocess_dir()
    uvicorn.run(
        f"{args.service}.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=args.log_config or LOGGING_CONFIG,
    )


if __name__ == "__main__":
    main()
