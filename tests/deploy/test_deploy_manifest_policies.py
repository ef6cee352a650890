"""Security, reliability and wiring policies asserted on the rendered overlays."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .manifests import (
    OVERLAYS,
    SERVICES,
    Manifest,
    all_containers,
    by_name,
    describe,
    of_kind,
    pod_spec,
    workloads,
)

RenderFn = Callable[[str], list[Manifest]]
ALLOWED_EGRESS_PORTS = {53, 5432, 4222}


def effective(container: Manifest, workload: Manifest, key: str) -> object:
    """A security setting from the container, falling back to the pod."""
    container_ctx = container.get("securityContext", {})
    if key in container_ctx:
        return container_ctx[key]
    return pod_spec(workload).get("securityContext", {}).get(key)


def image_tag(image: str) -> str | None:
    """The tag of an image reference (None when untagged or digest-only)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def probe_target(probe: Manifest | None) -> tuple[str, object] | None:
    if not probe or "httpGet" not in probe:
        return None
    return probe["httpGet"]["path"], probe["httpGet"]["port"]


@pytest.fixture(params=OVERLAYS)
def manifests(request: pytest.FixtureRequest, rendered: RenderFn) -> list[Manifest]:
    return rendered(request.param)


# --- containers -------------------------------------------------------------


def test_every_container_runs_as_non_root_uid_10001(manifests: list[Manifest]) -> None:
    for workload in workloads(manifests):
        for container in all_containers(workload):
            where = f"{describe(workload)}/{container['name']}"
            assert effective(container, workload, "runAsNonRoot") is True, where
            assert effective(container, workload, "runAsUser") == 10001, where


def test_every_container_forbids_privilege_escalation(
    manifests: list[Manifest],
) -> None:
    for workload in workloads(manifests):
        for container in all_containers(workload):
            ctx = container.get("securityContext", {})
            assert ctx.get("allowPrivilegeEscalation") is False, describe(workload)
            assert ctx.get("privileged", False) is False, describe(workload)


def test_every_container_has_a_read_only_root_filesystem_and_a_tmp_emptydir(
    manifests: list[Manifest],
) -> None:
    for workload in workloads(manifests):
        volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
        for container in all_containers(workload):
            assert container.get("securityContext", {}).get("readOnlyRootFilesystem") is True
            tmp_mounts = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
            assert len(tmp_mounts) == 1, f"{describe(workload)}: no /tmp mount"
            assert "emptyDir" in volumes[tmp_mounts[0]["name"]], describe(workload)


def test_every_container_drops_all_capabilities_and_uses_runtime_default_seccomp(
    manifests: list[Manifest],
) -> None:
    for workload in workloads(manifests):
        for container in all_containers(workload):
            capabilities = container.get("securityContext", {}).get("capabilities", {})
            assert "ALL" in capabilities.get("drop", []), describe(workload)
            assert not capabilities.get("add"), describe(workload)
            seccomp = effective(container, workload, "seccompProfile")
            assert seccomp == {"type": "RuntimeDefault"}, describe(workload)


def test_every_container_sets_cpu_and_memory_requests_and_limits(
    manifests: list[Manifest],
) -> None:
    for workload in workloads(manifests):
        for container in all_containers(workload):
            resources = container.get("resources", {})
            for section in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    assert resources.get(section, {}).get(resource), (
                        f"{describe(workload)}/{container['name']}: {section}.{resource} missing"
                    )


def test_every_image_is_pinned_to_a_release_tag_never_latest(
    manifests: list[Manifest],
) -> None:
    for workload in workloads(manifests):
        for container in all_containers(workload):
            image = container["image"]
            tag = image_tag(image)
            assert tag is not None or "@sha256:" in image, f"untagged image {image}"
            assert tag != "latest", f"latest tag on {image}"
            assert image.startswith("ghcr.io/callcenter/"), image


def test_pods_do_not_mount_service_account_tokens(manifests: list[Manifest]) -> None:
    for workload in workloads(manifests):
        assert pod_spec(workload).get("automountServiceAccountToken") is False, describe(workload)


# --- services ---------------------------------------------------------------


def test_every_deployment_probes_healthz_for_liveness_and_readyz_for_readiness(
    manifests: list[Manifest],
) -> None:
    for deployment in of_kind(manifests, "Deployment"):
        for container in pod_spec(deployment)["containers"]:
            assert probe_target(container.get("livenessProbe")) == ("/healthz", "http")
            assert probe_target(container.get("readinessProbe")) == ("/readyz", "http")
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            assert ports == {"http": 8000}


def test_every_service_reads_config_and_its_own_required_secret(
    manifests: list[Manifest],
) -> None:
    for workload in workloads(manifests):
        svc = workload["metadata"]["labels"]["app.kubernetes.io/name"]
        configmaps = by_name(manifests, "ConfigMap")
        for container in all_containers(workload):
            env_from = container.get("envFrom", [])
            secret_refs = [e["secretRef"] for e in env_from if "secretRef" in e]
            assert secret_refs == [{"name": f"{svc}-secrets", "optional": False}], describe(workload)
            config_refs = [e["configMapRef"]["name"] for e in env_from if "configMapRef" in e]
            assert len(config_refs) == 1, describe(workload)
            assert config_refs[0] in configmaps, describe(workload)
            assert not any(e.get("name") == "DATABASE_URL" for e in container.get("env", []))


def test_configmaps_carry_every_non_secret_setting(manifests: list[Manifest]) -> None:
    expected = {
        "ENV",
        "NATS_URL",
        "JWT_ALGORITHM",
        "JWT_ISSUER",
        "JWT_AUDIENCE",
        "TIMEZONE",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "WEB_CONCURRENCY",
        "RETENTION_OUTBOX_HOURS",
        "RETENTION_INBOX_HOURS",
        "IDEMPOTENCY_REPLAY_HOURS",
        "RETENTION_DEADLINES_HOURS",
        "OPENAPI_SERVER_URL",
    }
    configmaps = of_kind(manifests, "ConfigMap")
    assert len(configmaps) == len(SERVICES)
    for configmap in configmaps:
        # Production connects to NATS as the service's own user, over TLS (deploy/nats/values-prod.yaml).
        production = configmap["data"]["ENV"] == "production"
        # ... and names the browser apps' origins (CORS), which development takes from its defaults.
        production_only = {"NATS_USER", "NATS_TLS_CA_FILE", "CORS_ALLOW_ORIGINS"} if production else set()
        assert set(configmap["data"]) == expected | production_only, describe(configmap)
        assert "DATABASE_URL" not in configmap["data"]
        assert configmap["data"]["NATS_URL"].startswith("nats://")
        assert int(configmap["data"]["WEB_CONCURRENCY"]) >= 1
        # The inbox must outlive the stream's 30-day retention, or a replay applies events twice.
        assert float(configmap["data"]["RETENTION_INBOX_HOURS"]) > 30 * 24
        assert float(configmap["data"]["IDEMPOTENCY_REPLAY_HOURS"]) >= 24


def test_workers_share_an_in_memory_metrics_dir(manifests: list[Manifest]) -> None:
    # /metrics adds up the pod's workers from the files they write there (WEB_CONCURRENCY=2 in prod).
    for deployment in of_kind(manifests, "Deployment"):
        volumes = {v["name"]: v for v in pod_spec(deployment)["volumes"]}
        (container,) = pod_spec(deployment)["containers"]
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        directory = env["PROMETHEUS_MULTIPROC_DIR"]
        [mount] = [m for m in container["volumeMounts"] if m["mountPath"] == directory]
        assert volumes[mount["name"]]["emptyDir"]["medium"] == "Memory", describe(deployment)


def test_one_ingress_routes_each_services_v1_api_under_its_own_prefix(manifests: list[Manifest]) -> None:
    (ingress,) = of_kind(manifests, "Ingress")
    services = by_name(manifests, "Service")
    (rule,) = ingress["spec"]["rules"]
    assert ingress["spec"]["tls"][0]["hosts"] == [rule["host"]]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/rewrite-target"] == "/v1/$1"
    routes = {path["path"]: path["backend"]["service"] for path in rule["http"]["paths"]}
    assert routes == {f"/{svc}/v1/(.*)": {"name": svc, "port": {"name": "http"}} for svc in SERVICES}
    for backend in routes.values():
        assert backend["name"] in services
    # /metrics, /healthz, /readyz and /docs are not routed: every path is under /<service>/v1/.
    assert all(path.split("/")[2] == "v1" for path in routes)


def test_every_service_exposes_port_80_to_the_http_container_port(
    manifests: list[Manifest],
) -> None:
    deployments = by_name(manifests, "Deployment")
    for service in of_kind(manifests, "Service"):
        name = service["metadata"]["name"]
        assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= pod_labels.items()


def test_pods_carry_prometheus_scrape_annotations(manifests: list[Manifest]) -> None:
    for deployment in of_kind(manifests, "Deployment"):
        annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
        assert annotations.get("prometheus.io/scrape") == "true"
        assert annotations.get("prometheus.io/port") == "8000"
        assert annotations.get("prometheus.io/path") == "/metrics"


def test_every_service_has_a_migration_job_running_its_migrate_module(
    manifests: list[Manifest],
) -> None:
    jobs = by_name(manifests, "Job")
    deployments = by_name(manifests, "Deployment")
    for svc in SERVICES:
        job = jobs[f"{svc}-migrate"]
        container = pod_spec(job)["containers"][0]
        assert container["command"] == ["python", "-m", f"{svc}.migrate"]
        assert container["image"] == pod_spec(deployments[svc])["containers"][0]["image"]
        assert pod_spec(job)["restartPolicy"] == "Never"
        assert job["metadata"]["annotations"]["callcenter.io/run-before"] == f"deployment/{svc}"
        # The Deployment's selector must not adopt the Job's pods.
        selector = deployments[svc]["spec"]["selector"]["matchLabels"]
        job_labels = job["spec"]["template"]["metadata"]["labels"]
        assert not selector.items() <= job_labels.items()


def test_network_policies_allow_only_ingress_prometheus_dns_postgres_nats(
    manifests: list[Manifest],
) -> None:
    policies = by_name(manifests, "NetworkPolicy")
    for svc in SERVICES:
        policy = policies[svc]["spec"]
        assert policy["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": svc}}
        assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
        assert len(policy["ingress"]) == 2
        for rule in policy["ingress"]:
            assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
            for peer in rule["from"]:
                assert "ipBlock" not in peer
                assert "kubernetes.io/metadata.name" in peer["namespaceSelector"]["matchLabels"]
        egress_ports = {p["port"] for rule in policy["egress"] for p in rule["ports"]}
        assert egress_ports == ALLOWED_EGRESS_PORTS


# --- per overlay ------------------------------------------------------------


def test_prod_runs_at_least_two_replicas_of_every_service(rendered: RenderFn) -> None:
    for deployment in of_kind(rendered("prod"), "Deployment"):
        assert deployment["spec"]["replicas"] >= 2, describe(deployment)


def test_prod_autoscales_every_deployment_on_cpu_from_at_least_two_replicas(
    rendered: RenderFn,
) -> None:
    manifests = rendered("prod")
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in of_kind(manifests, "HorizontalPodAutoscaler")}
    assert set(hpas) == set(SERVICES)
    for hpa in hpas.values():
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert hpa["spec"]["minReplicas"] >= 2
        assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
        assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]


def test_prod_has_a_disruption_budget_of_min_available_one_per_service(
    rendered: RenderFn,
) -> None:
    manifests = rendered("prod")
    deployments = by_name(manifests, "Deployment")
    pdbs = by_name(manifests, "PodDisruptionBudget")
    assert set(pdbs) == set(SERVICES)
    for name, pdb in pdbs.items():
        assert pdb["spec"]["minAvailable"] == 1
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_prod_spreads_replicas_with_hostname_anti_affinity(rendered: RenderFn) -> None:
    for deployment in of_kind(rendered("prod"), "Deployment"):
        anti = pod_spec(deployment)["affinity"]["podAntiAffinity"]
        terms = [
            *anti.get("requiredDuringSchedulingIgnoredDuringExecution", []),
            *(t["podAffinityTerm"] for t in anti.get("preferredDuringSchedulingIgnoredDuringExecution", [])),
        ]
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert any(
            term["topologyKey"] == "kubernetes.io/hostname"
            and term["labelSelector"]["matchLabels"].items() <= pod_labels.items()
            for term in terms
        ), describe(deployment)


def test_prod_configures_production_mode(rendered: RenderFn) -> None:
    for configmap in of_kind(rendered("prod"), "ConfigMap"):
        assert configmap["data"]["ENV"] == "production"
        assert configmap["data"]["LOG_FORMAT"] == "json"
        assert configmap["data"]["JWT_ALGORITHM"] in {"RS256", "ES256", "EdDSA"}
        origins = configmap["data"]["CORS_ALLOW_ORIGINS"].split(",")
        assert all(origin.startswith("https://") for origin in origins), describe(configmap)


def test_dev_runs_one_small_replica_without_scaling_or_disruption_budget(
    rendered: RenderFn,
) -> None:
    manifests = rendered("dev")
    for deployment in of_kind(manifests, "Deployment"):
        assert deployment["spec"]["replicas"] == 1
    for hpa in of_kind(manifests, "HorizontalPodAutoscaler"):
        assert hpa["spec"]["minReplicas"] == hpa["spec"]["maxReplicas"] == 1
    assert of_kind(manifests, "PodDisruptionBudget") == []
    for configmap in of_kind(manifests, "ConfigMap"):
        assert configmap["data"]["ENV"] == "development"


def test_prod_pods_connect_to_nats_as_their_own_user_with_the_server_ca(rendered: RenderFn) -> None:
    manifests = rendered("prod")
    for configmap in of_kind(manifests, "ConfigMap"):
        service = configmap["metadata"]["labels"]["app.kubernetes.io/name"]
        assert configmap["data"]["NATS_USER"] == service, describe(configmap)
    for deployment in of_kind(manifests, "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        ca = [v for v in pod["volumes"] if v["name"] == "nats-ca"]
        assert ca, describe(deployment)
        assert ca[0]["secret"]["secretName"] == "nats-ca", describe(deployment)
        mounts = {m["name"]: m for m in pod["containers"][0]["volumeMounts"]}
        assert mounts["nats-ca"]["mountPath"] == "/etc/nats-ca", describe(deployment)
        assert mounts["nats-ca"]["readOnly"], describe(deployment)
