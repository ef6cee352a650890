"""NATS Helm values, CloudNativePG clusters, ServiceMonitors and secret examples.

These are outside the dev/prod renders (Helm values, or custom resources whose
CRDs may be absent), so they are checked as YAML with the expected fields.
"""

from __future__ import annotations

import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from .manifests import (
    DEPLOY_DIR,
    SERVICES,
    Manifest,
    load_yaml_documents,
    render_kustomization,
)

NATS_VALUES = DEPLOY_DIR / "nats" / "values.yaml"
CNPG_DIR = DEPLOY_DIR / "postgres" / "cnpg"
MONITORING_DIR = DEPLOY_DIR / "monitoring"
SIZE = re.compile(r"^[1-9][0-9]*(Mi|Gi|Ti)$")


def to_bytes(quantity: str) -> int:
    number, unit = int(quantity[:-2]), quantity[-2:]
    return number * {"Mi": 2**20, "Gi": 2**30, "Ti": 2**40}[unit]


@pytest.fixture(scope="module")
def nats_values() -> Manifest:
    with NATS_VALUES.open(encoding="utf-8") as handle:
        values = yaml.safe_load(handle)
    assert isinstance(values, dict)
    return values


# --- NATS -------------------------------------------------------------------


def test_nats_values_run_a_three_node_cluster(nats_values: Manifest) -> None:
    cluster = nats_values["config"]["cluster"]
    assert cluster["enabled"] is True
    assert cluster["replicas"] == 3


def test_nats_values_enable_jetstream_on_persistent_file_storage(
    nats_values: Manifest,
) -> None:
    jetstream = nats_values["config"]["jetstream"]
    assert jetstream["enabled"] is True
    file_store = jetstream["fileStore"]
    assert file_store["enabled"] is True
    assert file_store["pvc"]["enabled"] is True
    assert SIZE.match(file_store["pvc"]["size"])
    assert jetstream["memoryStore"]["enabled"] is False


def test_nats_jetstream_limit_leaves_headroom_on_the_volume(
    nats_values: Manifest,
) -> None:
    file_store = nats_values["config"]["jetstream"]["fileStore"]
    assert to_bytes(file_store["maxSize"]) < to_bytes(file_store["pvc"]["size"])


def test_nats_values_use_only_top_level_keys_of_the_1x_chart(
    nats_values: Manifest,
) -> None:
    chart_keys = {
        "global",
        "fullnameOverride",
        "nameOverride",
        "namespaceOverride",
        "config",
        "container",
        "reloader",
        "promExporter",
        "service",
        "headlessService",
        "statefulSet",
        "podTemplate",
        "podDisruptionBudget",
        "serviceAccount",
        "natsBox",
        "extraResources",
    }
    assert set(nats_values) <= chart_keys
    assert "nats" not in nats_values, "0.x chart layout (nats.jetstream...) is not read by chart 1.x"


# --- CloudNativePG ----------------------------------------------------------


@pytest.fixture(scope="module")
def cnpg_clusters() -> list[Manifest]:
    return [doc for path in sorted(CNPG_DIR.glob("*-db.yaml")) for doc in load_yaml_documents(path)]


def test_cnpg_defines_one_cluster_per_service_database(
    cnpg_clusters: list[Manifest],
) -> None:
    assert sorted(c["metadata"]["name"] for c in cnpg_clusters) == sorted(f"{s}-db" for s in SERVICES)
    for cluster in cnpg_clusters:
        assert cluster["apiVersion"] == "postgresql.cnpg.io/v1"
        assert cluster["kind"] == "Cluster"


def test_cnpg_clusters_are_highly_available_with_persistent_storage(
    cnpg_clusters: list[Manifest],
) -> None:
    for cluster in cnpg_clusters:
        spec = cluster["spec"]
        assert spec["instances"] >= 3
        assert SIZE.match(spec["storage"]["size"])
        assert spec["affinity"]["enablePodAntiAffinity"] is True
        image = spec["imageName"]
        assert ":" in image.rsplit("/", 1)[-1]
        assert not image.endswith(":latest")


def test_cnpg_clusters_bootstrap_the_database_the_service_expects(
    cnpg_clusters: list[Manifest],
) -> None:
    for cluster in cnpg_clusters:
        svc = cluster["metadata"]["name"].removesuffix("-db")
        initdb = cluster["spec"]["bootstrap"]["initdb"]
        assert initdb["database"] == svc
        assert initdb["owner"] == svc


def test_cnpg_kustomization_renders_into_the_callcenter_namespace() -> None:
    rendered = render_kustomization(CNPG_DIR)
    assert len(rendered) == len(SERVICES)
    assert {m["metadata"]["namespace"] for m in rendered} == {"callcenter"}


def test_cnpg_and_monitoring_are_kept_out_of_the_default_renders() -> None:
    for overlay in ("dev", "prod"):
        text = (DEPLOY_DIR / "overlays" / overlay / "kustomization.yaml").read_text(encoding="utf-8")
        assert "cnpg" not in text
        assert "monitoring" not in text
    base = (DEPLOY_DIR / "base" / "kustomization.yaml").read_text(encoding="utf-8")
    assert "cnpg" not in base
    assert "monitoring" not in base


# --- ServiceMonitors --------------------------------------------------------


def test_service_monitors_scrape_metrics_on_the_http_port_of_every_service() -> None:
    monitors = load_yaml_documents(MONITORING_DIR / "servicemonitors.yaml")
    assert sorted(m["metadata"]["name"] for m in monitors) == sorted(SERVICES)
    for monitor in monitors:
        assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
        assert monitor["kind"] == "ServiceMonitor"
        svc = monitor["metadata"]["name"]
        assert monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == svc
        assert monitor["spec"]["endpoints"] == [
            {
                "port": "http",
                "path": "/metrics",
                "interval": "30s",
                "scrapeTimeout": "10s",
            }
        ]


# --- Secret examples --------------------------------------------------------


@pytest.mark.parametrize("svc", SERVICES)
def test_secret_example_is_a_valid_placeholder_secret_outside_the_kustomization(
    svc: str,
) -> None:
    path: Path = DEPLOY_DIR / "base" / svc / "secret.example.yaml"
    (secret,) = load_yaml_documents(path)
    kubernetes_validate.validate(secret, "1.30.0", strict=True)
    assert secret["kind"] == "Secret"
    assert secret["metadata"]["name"] == f"{svc}-secrets"
    assert set(secret["stringData"]) == {"DATABASE_URL", "JWT_PUBLIC_KEY", "NATS_PASSWORD"}
    assert secret["stringData"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "CHANGE-ME" in secret["stringData"]["DATABASE_URL"]
    kustomization = yaml.safe_load((path.parent / "kustomization.yaml").read_text(encoding="utf-8"))
    assert "secret.example.yaml" not in kustomization["resources"]
