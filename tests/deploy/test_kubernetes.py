"""The Kubernetes manifests (deploy/kubernetes): valid against the Kubernetes schemas, and
running every role as the image's unprivileged user within the memory budget.

The schemas are kubernetes-validate's (a dev dependency; they ship with the package, so no
network is needed). ``strict`` rejects unknown fields too: a misspelt ``readinessProbe`` would
otherwise be dropped silently by the API server.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import yaml  # type: ignore[import-untyped]

from tests.support.processes import ROOT

MANIFESTS = ROOT / "deploy" / "kubernetes"
KUSTOMIZATION = "kustomization.yaml"
KUBERNETES_VERSION = "1.31.0"
#: The budget per process (docs/performance.md: peak RSS 100-130 MB at benchmark load).
MEMORY_LIMIT_BYTES = 250 * 1000 * 1000
UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 10**3, "M": 10**6, "G": 10**9}


def manifest_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.yaml") if path.name != KUSTOMIZATION)


def documents(folder: Path) -> list[dict[str, Any]]:
    return [doc for path in manifest_files(folder) for doc in yaml.safe_load_all(path.read_text()) if doc]


def schema_problems(folder: Path) -> list[str]:
    """One line per manifest document the Kubernetes schemas reject (empty: all valid)."""
    problems = []
    for path in manifest_files(folder):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc:
                continue
            try:
                kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as exc:
                where = ".".join(str(part) for part in exc.path)
                problems.append(f"{path.name}: {where}: {exc.message}")
            except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError) as exc:
                problems.append(f"{path.name}: {exc}")
    return problems


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents(MANIFESTS) if doc["kind"] == kind}


def pod_specs() -> dict[str, dict[str, Any]]:
    workloads = {**by_kind("Deployment"), **by_kind("Job")}
    return {name: doc["spec"]["template"]["spec"] for name, doc in workloads.items()}


def to_bytes(quantity: str) -> int:
    for suffix, factor in UNITS.items():
        if quantity.endswith(suffix):
            return int(quantity.removesuffix(suffix)) * factor
    return int(quantity)


def test_every_manifest_is_valid_against_the_kubernetes_schemas() -> None:
    assert manifest_files(MANIFESTS), "deploy/kubernetes holds manifests"

    assert schema_problems(MANIFESTS) == []


def test_a_broken_manifest_is_reported(tmp_path: Path) -> None:
    scratch = tmp_path / "kubernetes"
    shutil.copytree(MANIFESTS, scratch)
    api, worker = scratch / "api-deployment.yaml", scratch / "worker-deployment.yaml"
    api.write_text(api.read_text().replace("replicas: 2", 'replicas: "two"'))
    worker.write_text(worker.read_text().replace("readOnlyRootFilesystem", "readOnlyRootFileSystem"))

    problems = schema_problems(scratch)

    assert len(problems) == 2, problems
    assert problems[0].startswith("api-deployment.yaml: spec.replicas: 'two' is not of type 'integer'")
    assert problems[1].startswith("worker-deployment.yaml: spec.template.spec.containers.0.securityContext: ")
    assert "readOnlyRootFileSystem" in problems[1]


def test_the_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((MANIFESTS / KUSTOMIZATION).read_text())

    assert sorted(kustomization["resources"]) == sorted(path.name for path in manifest_files(MANIFESTS))


def test_api_worker_and_the_migration_job_run_their_roles() -> None:
    containers = {name: spec["containers"] for name, spec in pod_specs().items()}

    assert {name: [c["args"] for c in found] for name, found in containers.items()} == {
        "asyncevents-api": [["api"]],
        "asyncevents-worker": [["worker"]],
        "asyncevents-migrate": [["migrate"]],
    }
    assert by_kind("Job")["asyncevents-migrate"]["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"


def test_the_api_is_probed_on_live_and_ready_and_served_by_its_service() -> None:
    [api] = pod_specs()["asyncevents-api"]["containers"]
    service = by_kind("Service")["asyncevents-api"]

    assert api["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert api["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert (
        service["spec"]["selector"]
        == by_kind("Deployment")["asyncevents-api"]["spec"]["selector"]["matchLabels"]
    )
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    assert api["ports"] == [{"name": "http", "containerPort": 8000}]


def test_every_pod_runs_as_uid_10001_on_a_read_only_root_filesystem() -> None:
    for name, spec in pod_specs().items():
        pod = spec["securityContext"]
        assert (pod["runAsNonRoot"], pod["runAsUser"], pod["runAsGroup"]) == (True, 10001, 10001), name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            mounted = {mount["mountPath"] for mount in container["volumeMounts"]}
            assert mounted == {"/tmp", "/app/var"}, name  # the only writable folders


def test_every_container_requests_memory_and_is_limited_under_250_mb() -> None:
    for name, spec in pod_specs().items():
        for container in spec["containers"]:
            resources = container["resources"]
            request = to_bytes(resources["requests"]["memory"])
            limit = to_bytes(resources["limits"]["memory"])
            assert 0 < request <= limit < MEMORY_LIMIT_BYTES, name
            assert resources["requests"]["cpu"], name


def test_secrets_come_from_one_secret_and_settings_from_one_config_map() -> None:
    [secret] = by_kind("Secret").values()
    [config] = by_kind("ConfigMap").values()

    assert set(secret["stringData"]) == {
        "ASYNCEVENTS_ENCRYPTION_KEY",
        "ASYNCEVENTS_DATABASE_URL",
        "ASYNCEVENTS_BROKER_URL",
        "ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY",
    }
    assert config["data"]["ASYNCEVENTS_ENV"] == "production"
    assert not set(config["data"]) & set(secret["stringData"])
    for name, spec in pod_specs().items():
        for container in spec["containers"]:
            assert container["envFrom"] == [
                {"configMapRef": {"name": config["metadata"]["name"]}},
                {"secretRef": {"name": secret["metadata"]["name"]}},
            ], name
