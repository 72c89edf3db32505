# One image for every role of asyncevents-svc:
#   docker run IMAGE            -> the HTTP API (default CMD "api")
#   docker run IMAGE worker     -> the delivery worker
#   docker run IMAGE migrate    -> alembic upgrade head (the migrations the package carries)
#
# Needs BuildKit (the default builder since Docker 23) for the RUN --mount cache; no
# "# syntax=" line, so no dockerfile frontend image is pulled.
#
# Both stages use the same Python image, so the interpreter the virtualenv points to
# (/usr/local/bin/python3.11) exists at the same path in the runtime stage.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# --------------------------------------------------------------------------- builder
FROM ${PYTHON_IMAGE} AS builder

# uv comes from PyPI (the only registry reachable in CI), pinned.
ARG UV_VERSION=0.13.9
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
# Given (--build-arg UV_NATIVE_TLS=1), uv trusts the system's certificate store instead of its
# bundled roots: for builds behind a TLS-inspecting proxy, as in CI (make image-smoke). An ARG
# is in the environment of the RUN steps below only when given, so a plain build is unchanged.
ARG UV_NATIVE_TLS

WORKDIR /app

# Dependencies first (cached until pyproject.toml or uv.lock change), then the project itself,
# installed as a regular (non-editable) wheel so the runtime stage needs no source tree.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --no-install-project --extra eventbridge --extra tracing

# The wheel carries the migrations and the example catalogue (asyncevents_svc.bundled).
COPY README.md LICENSE events.xml ./
COPY migrations ./migrations
COPY src ./src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --extra eventbridge --extra tracing

# --------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="asyncevents-svc" \
      org.opencontainers.image.description="Reliable, signed webhook notifications for published events" \
      org.opencontainers.image.licenses="MIT"

# An unprivileged user; the code and the virtualenv stay root-owned (read-only for the app).
# /app/var is the default data_dir (development key file); it is the only writable folder.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app \
    && mkdir -p /app/var \
    && chown app:app /app/var

WORKDIR /app

COPY --from=builder /app/.venv /app/.venv
COPY events.xml ./

ENV VIRTUAL_ENV=/app/.venv \
    PATH="/app/.venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ASYNCEVENTS_HOST=0.0.0.0 \
    ASYNCEVENTS_PORT=8000 \
    ASYNCEVENTS_WORKER__METRICS_HOST=0.0.0.0 \
    ASYNCEVENTS_LOG_FORMAT=json \
    ASYNCEVENTS_DATA_DIR=/app/var
# ASYNCEVENTS_EVENTS_FILE is left at its default, "events.xml" in the working directory /app.

# Numeric, so runtimes can verify it is not root (e.g. Kubernetes runAsNonRoot).
USER 10001:10001

# 8000: the API (and the console at /admin); 9464: a worker's /metrics.
EXPOSE 8000 9464

# Liveness of the API (slim has no curl). The worker and migrate roles have no HTTP server:
# compose.yaml disables this check for them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/live' % os.environ.get('ASYNCEVENTS_PORT', '8000'), timeout=4)"]

ENTRYPOINT ["asyncevents-svc"]
CMD ["api"]
