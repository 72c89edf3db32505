# Targets that CI calls (.ci/run) and that developers use. Each installs what it needs.
# uv: a private copy of one pinned version (the Dockerfile's UV_VERSION too; a test keeps them
# equal) installed from PyPI into .tools/ (no root, no PEP 668 trouble). UV=uv uses your own.
UV_VERSION = 0.13.9
UV ?= .tools/uv-$(UV_VERSION)/bin/uv
PYTEST = $(UV) run pytest -p no:cacheprovider

.PHONY: install chromium run test test-postgres-rabbitmq test-postgres-dbqueue test-sqlite-dbqueue test-faults \
	lint typecheck imports migrations-check openapi-check check bench soak bench-quick bench-http-clients bench-scale format docs

install: $(filter .tools/%,$(UV))  ## create .venv from uv.lock: runtime, both extras, dev tools
	$(UV) sync --frozen --all-extras

chromium:  ## Debian's Chromium for the console's browser tests (installed when missing)
	@command -v chromium >/dev/null || .ci/install-chromium

.tools/uv-$(UV_VERSION)/bin/uv:
	python3 -m venv .tools/uv-$(UV_VERSION)
	.tools/uv-$(UV_VERSION)/bin/pip install --quiet "uv==$(UV_VERSION)"

run: $(filter .tools/%,$(UV))  ## the embedded default: API + worker in one process, SQLite in ./var, no other services
	$(UV) sync --frozen --no-dev --inexact
	$(UV) run --no-sync asyncevents-svc serve

test: install chromium  ## lint, types, migrations, the whole suite on all three backends, then the fault suite
	$(MAKE) check
	$(MAKE) test-postgres-rabbitmq test-postgres-dbqueue test-sqlite-dbqueue test-faults

test-postgres-rabbitmq:  ## every test, PostgreSQL + RabbitMQ (and the embedded `serve` tests)
	ASYNCEVENTS_TEST_BACKEND=postgres-rabbitmq $(PYTEST)

test-postgres-dbqueue:  ## PostgreSQL with the database queue: the tests where the transport matters
	ASYNCEVENTS_TEST_BACKEND=postgres-dbqueue $(PYTEST) -m "worker and not rabbitmq and not embedded"

test-sqlite-dbqueue:  ## SQLite with the database queue (the embedded default)
	ASYNCEVENTS_TEST_BACKEND=sqlite-dbqueue $(PYTEST) -m "not rabbitmq and not postgres and not embedded and not faults"

test-faults:  ## the fault suite: restarts PostgreSQL and RabbitMQ, so it runs alone
	$(PYTEST) -m faults tests/faults

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run hadolint Dockerfile

typecheck:
	$(UV) run mypy

imports:  ## the layering: import-linter's contracts in pyproject.toml ([tool.importlinter])
	$(UV) run lint-imports

migrations-check:  ## the models and the migrations agree (alembic check on a scratch database)
	$(UV) run python -m tests.support.alembic_check

openapi-check:  ## the served OpenAPI document is valid, every operation has a camelCase id, a tag and examples
	$(UV) run python -m tests.support.openapi_check

check: lint typecheck imports migrations-check openapi-check

format:
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

docs:  ## regenerate the settings table of docs/configuration.md
	$(UV) run python -m asyncevents_svc.settings_doc --write docs/configuration.md

bench: install  ## the benchmark (8 to 14 minutes here, with the load curve): prints the report, writes bench/RESULTS.md
	$(UV) run python -m bench.run

soak: install  ## ten minutes at 200 events/s, sampling the memory of the API and the worker
	$(UV) run python -m bench.soak --minutes 10

bench-quick: install  ## every benchmark phase at a tiny size (a smoke test, not a measurement)
	$(UV) run python -m bench.run --quick

bench-scale: install  ## operator calls on 1 M and 10 M deliveries (fills PostgreSQL; long, not in CI): writes bench/SCALE.md
	$(UV) run python -m bench.scale $(SCALE_ARGS)

bench-http-clients: install  ## aiohttp against httpx on one loopback receiver
	$(UV) run python -m bench.http_clients
