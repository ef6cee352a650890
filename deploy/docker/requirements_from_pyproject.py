"""Print the third-party dependencies declared in one or more pyproject.toml files.

Used by the Dockerfile to install dependencies in a cached layer before the
source code is copied. Requirements naming one of the given local projects
(for example ``callcenter-shared``) are dropped, because those are installed
from source in a later layer.

Usage: python requirements_from_pyproject.py PYPROJECT [PYPROJECT ...]
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """Normalise a distribution name as in PEP 503."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """Return the normalised distribution name of a PEP 508 requirement string."""
    match = _NAME.match(requirement)
    if match is None:
        raise ValueError(f"cannot parse requirement: {requirement!r}")
    return normalize(match.group(1))


def collect(pyprojects: list[Path]) -> list[str]:
    """Collect dependencies of all projects, minus the projects themselves."""
    documents = [tomllib.loads(path.read_text(encoding="utf-8")) for path in pyprojects]
    local = {normalize(doc["project"]["name"]) for doc in documents if "project" in doc}
    seen: set[str] = set()
    result: list[str] = []
    for doc in documents:
        for requirement in doc.get("project", {}).get("dependencies", []):
            if requirement_name(requirement) in local or requirement in seen:
                continue
            seen.add(requirement)
            result.append(requirement)
    return result


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for requirement in collect([Path(arg) for arg in argv]):
        print(requirement)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
