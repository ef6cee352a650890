"""Render the Kustomize overlays and validate every object against the
Kubernetes OpenAPI schemas bundled with kubernetes-validate (offline)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import kubernetes_validate
import pytest

from .manifests import OVERLAYS, SERVICES, Manifest, by_name, describe

# Oldest Kubernetes minor release the manifests promise to support, and the
# newest schema shipped with kubernetes-validate.
K8S_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())

EXPECTED_KINDS = {
    "Namespace",
    "ServiceAccount",
    "ConfigMap",
    "Service",
    "Deployment",
    "Job",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "Ingress",
}


def validation_errors(manifests: list[Manifest], version: str) -> list[str]:
    errors: list[str] = []
    for manifest in manifests:
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(part) for part in exc.path)
            errors.append(f"{describe(manifest)}: {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(f"{describe(manifest)}: {exc.message}")
    return errors


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_every_service_object(rendered: Callable[[str], list[Manifest]], overlay: str) -> None:
    manifests = rendered(overlay)
    kinds = {m["kind"] for m in manifests}
    assert EXPECTED_KINDS - {"PodDisruptionBudget"} <= kinds
    for kind in ("Deployment", "Service", "Job", "NetworkPolicy", "ServiceAccount"):
        names = set(by_name(manifests, kind))
        expected = {f"{svc}-migrate" for svc in SERVICES} if kind == "Job" else set(SERVICES)
        assert names == expected, f"{overlay}: {kind} names"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_only_core_kinds_without_secrets(
    rendered: Callable[[str], list[Manifest]], overlay: str
) -> None:
    kinds = {m["kind"] for m in rendered(overlay)}
    assert kinds <= EXPECTED_KINDS, f"unexpected kinds (CRDs belong in optional folders): {kinds - EXPECTED_KINDS}"
    assert "Secret" not in kinds, "secrets must never be committed or rendered"


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_object_passes_strict_kubernetes_schema_validation(
    rendered: Callable[[str], list[Manifest]], overlay: str, version: str
) -> None:
    manifests = rendered(overlay)
    assert manifests
    assert validation_errors(manifests, version) == []


def test_schema_validation_rejects_an_invalid_deployment(
    rendered: Callable[[str], list[Manifest]],
) -> None:
    """Guards the validator itself: a misspelt field and a wrong type must fail."""
    deployment = copy.deepcopy(by_name(rendered("prod"), "Deployment")["scheduling"])
    deployment["spec"]["replica"] = 2
    deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    errors = validation_errors([deployment], K8S_VERSIONS[0])
    assert errors, "an invalid Deployment passed schema validation"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_namespaced_object_lands_in_the_callcenter_namespace(
    rendered: Callable[[str], list[Manifest]], overlay: str
) -> None:
    for manifest in rendered(overlay):
        if manifest["kind"] == "Namespace":
            assert manifest["metadata"]["name"] == "callcenter"
            continue
        assert manifest["metadata"].get("namespace") == "callcenter", describe(manifest)
