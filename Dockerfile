# One image per service, built from this file:
#   docker build --build-arg SERVICE=scheduling -t ghcr.io/callcenter/scheduling:0.1.0 .
# SERVICE is one of: scheduling, performance, recognition, escalation.
#
# The base image is pinned to an exact Python patch release and Debian release.
# For reproducible production builds, additionally pin the digest
# (python:3.11.13-slim-bookworm@sha256:...) and let a bot such as Renovate bump it.
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

# ---------------------------------------------------------------------------
# builder: resolves dependencies into a virtualenv at /opt/venv
# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ARG SERVICE
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<service>" >&2; exit 1; } \
    && python -m venv /opt/venv \
    && pip install --no-cache-dir --upgrade "pip==25.2"

WORKDIR /src

# 1) Dependencies only: this layer is rebuilt only when a pyproject.toml changes.
COPY deploy/docker/requirements_from_pyproject.py /tmp/requirements_from_pyproject.py
COPY shared/pyproject.toml shared/pyproject.toml
COPY services/${SERVICE}/pyproject.toml services/${SERVICE}/pyproject.toml
RUN python /tmp/requirements_from_pyproject.py \
        shared/pyproject.toml "services/${SERVICE}/pyproject.toml" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt

# 2) Sources: the shared package and the one service, installed without
#    re-resolving dependencies. pip byte-compiles them at install time, so the
#    runtime never needs to write .pyc files.
COPY shared/ shared/
COPY services/${SERVICE}/ services/${SERVICE}/
# Uvicorn's own lines (and, with several workers, its supervisor's) in the app's log
# format; it travels inside the virtualenv, the one thing the runtime stage copies.
COPY deploy/docker/log-config.json /opt/venv/etc/log-config.json
RUN pip install --no-cache-dir --no-deps ./shared "./services/${SERVICE}" \
    && python -c "import importlib; importlib.import_module('${SERVICE}.main')"

# ---------------------------------------------------------------------------
# runtime: the virtualenv on a clean base, running as an unprivileged user
# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ARG SERVICE
LABEL org.opencontainers.image.title="callcenter-${SERVICE}" \
      org.opencontainers.image.source="https://github.com/callcenter/callcenter" \
      org.opencontainers.image.licenses="Apache-2.0"

# Nothing is written outside /tmp at run time, so the container runs with a
# read-only root filesystem and an emptyDir mounted at /tmp.
ENV SERVICE=${SERVICE} \
    PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    WEB_CONCURRENCY=2 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

# Letters of praise (recognition) embed WenQuanYi Micro Hei, a TrueType CJK font (Apache-2.0), so
# they read the same everywhere (REC-11); the other services do not need it. Pinned to the base
# image's Debian release (bookworm), so every image carries the same glyphs.
RUN if [ "${SERVICE}" = "recognition" ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends fonts-wqy-microhei=0.2.0-beta-3.1 \
        && rm -rf /var/lib/apt/lists/*; \
    fi

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin app \
    && mkdir -p /app

COPY --from=builder /opt/venv /opt/venv

# An empty, root-owned working directory: `python -m` puts the working
# directory on sys.path, so it must not be a writable place such as /tmp.
WORKDIR /app
USER 10001:10001
EXPOSE 8000

# No HEALTHCHECK: Kubernetes probes /healthz and /readyz.
# Migrations run as a separate Job with: python -m ${SERVICE}.migrate
# callcenter_shared.serve empties PROMETHEUS_MULTIPROC_DIR (the workers' metric files
# of a previous run), then runs uvicorn with ${SERVICE}.main:create_app as the factory and
# the log config shipped in the image. `exec` makes it PID 1 so it receives SIGTERM directly.
CMD ["/bin/sh", "-c", "exec python -m callcenter_shared.serve \"${SERVICE}\" --host 0.0.0.0 --port 8000 --workers \"${WEB_CONCURRENCY}\" --log-config /opt/venv/etc/log-config.json"]
