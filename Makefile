# Targets that CI calls (.ci/run) and that developers use. `make test` installs what it needs.
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: install run test lint typecheck migrations-check check bench format

install:  ## create .venv from uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.5"
	$(UV) sync --frozen

run: install  ## migrate, then start the API and a worker (PostgreSQL + RabbitMQ)
	$(UV) run asyncevents-svc migrate
	$(UV) run asyncevents-svc worker & $(UV) run asyncevents-svc api

test: install  ## the whole test suite, with lint and type checks first
	$(MAKE) check
	$(UV) run pytest

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run hadolint Dockerfile

typecheck:
	$(UV) run mypy

migrations-check:  ## the models and the migrations agree (alembic check on a scratch database)
	$(UV) run python -m tests.tools.alembic_check

check: lint typecheck migrations-check

format:
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: install
	$(UV) run python bench/http_clients.py
