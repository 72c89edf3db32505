"""``make run`` installs what the service runs with and nothing more: no test or lint tools,
no EventBridge or tracing extras (they are extras, not dependencies).

The test runs the target's own install line (read from ``make -n run``, so a change to the
Makefile is what is tested) into a scratch environment, then asks that environment's Python
what it can import.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import ROOT

pytestmark = [pytest.mark.embedded, pytest.mark.slow]

RUNTIME = ("asyncevents_svc", "fastapi", "sqlalchemy", "aio_pika", "httpx", "cryptography")
NOT_INSTALLED = ("pytest", "ruff", "mypy", "playwright", "aiobotocore", "opentelemetry.sdk")


def install_line() -> list[str]:
    """The ``uv sync`` line of ``make run``."""
    printed = subprocess.run(["make", "-n", "run"], cwd=ROOT, check=True, capture_output=True, text=True)
    [line] = [line for line in printed.stdout.splitlines() if " sync " in f" {line} "]
    return shlex.split(line)


def test_make_run_installs_the_runtime_and_no_dev_tool_or_extra(tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    command = install_line()
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(environment)}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=env)

    python = environment / "bin" / "python"
    probe = (
        "import importlib.util, sys; "
        "print(' '.join(n for n in sys.argv[1:] if importlib.util.find_spec(n.split('.')[0]) "
        "and importlib.util.find_spec(n)))"
    )
    found = subprocess.run(
        [str(python), "-c", probe, *RUNTIME, *NOT_INSTALLED], check=True, capture_output=True, text=True
    ).stdout.split()
    assert found == list(RUNTIME)
