"""The package as a user gets it: ``pip install`` of the wheel, then ``serve`` from any folder.

The wheel is built from this tree and installed into a fresh virtualenv with no extras and
no dev tools; ``serve`` runs from an empty folder (no ``events.xml``, no ``alembic.ini``
beside it), migrates with the migrations the package carries, loads the example catalogue it
carries, and reports its version.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from asyncevents_svc import __version__
from tests.support.processes import ROOT
from tests.support.serving import free_port

pytestmark = [pytest.mark.embedded, pytest.mark.slow]


def _uv() -> str:
    """The uv that runs this suite (``uv run`` exports it as ``UV``), else the Makefile's copy."""
    for candidate in (os.environ.get("UV"), shutil.which("uv"), *map(str, ROOT.glob(".tools/uv-*/bin/uv"))):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("uv not found: run the suite through `make test` (it installs uv)")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [_uv(), "build", "--wheel", "--out-dir", str(out), str(ROOT)], check=True, capture_output=True
    )
    [built] = out.glob("asyncevents_svc-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel and its runtime dependencies only; its ``bin``."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    subprocess.run(
        [_uv(), "venv", "--python", sys.executable, str(venv)], check=True, capture_output=True, env=env
    )
    subprocess.run(
        [_uv(), "pip", "install", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
        capture_output=True,
        env=env,
    )
    return venv / "bin"


def test_the_wheel_carries_the_migrations_the_example_catalogue_and_the_license(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    migrations = {Path(n).name for n in names if n.startswith("asyncevents_svc/bundled/migrations/versions/")}
    assert migrations == {p.name for p in (ROOT / "migrations" / "versions").glob("*.py")}
    assert "asyncevents_svc/bundled/migrations/env.py" in names
    assert "asyncevents_svc/bundled/events.xml" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_the_plain_install_has_neither_the_aws_nor_the_tracing_libraries(installed: Path) -> None:
    python = installed / "python"
    for module in ("aiobotocore", "opentelemetry.sdk", "pytest"):
        probe = subprocess.run([python, "-c", f"import {module}"], capture_output=True)
        assert probe.returncode != 0, f"{module} is installed without being asked for"


@pytest.fixture
def serving(installed: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``serve`` of the installed package, started in an empty folder; (base URL, its log)."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASYNCEVENTS_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(ASYNCEVENTS_PORT=str(port), ASYNCEVENTS_WORKER__POLL_INTERVAL="0.2")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [installed / "asyncevents-svc", "serve"], cwd=folder, env=env, stdout=out, stderr=out
        )
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


def _printed_key(base: str, log: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"key\s+(ae_[0-9a-f]{12}_\S+)", log.read_text())
        if found:
            return found.group(1)
        time.sleep(0.2)
    pytest.fail(f"serve printed no admin key:\n{log.read_text()}")


def test_serve_of_the_installed_package_starts_from_an_empty_folder_and_reports_its_version(
    serving: tuple[str, Path], tmp_path: Path
) -> None:
    base, log = serving
    key = _printed_key(base, log)
    headers = {"Authorization": f"Bearer {key}"}
    live = httpx.get(f"{base}/health/live")
    assert live.json() == {"status": "ok", "version": __version__}
    banner = log.read_text()
    assert f"asyncevents-svc {__version__} is running" in banner
    assert f"SQLite in {tmp_path / 'elsewhere' / 'var'}/" in banner, "the data folder is named in full"
    assert "a NEW, empty database, created now" in banner, "a first start says the database is new"
    assert "the package's example catalogue" in banner, "and that no events.xml was found"
    catalogue = httpx.get(f"{base}/v1/event-types", headers=headers).json()
    assert any(t["name"] == "sales.order.created" for t in catalogue["items"]), (
        "the packaged example catalogue"
    )

    notifiers = httpx.get(f"{base}/v1/notifiers", headers=headers).json()["items"]
    assert "http" in notifiers
    assert "eventbridge" not in notifiers
    refused = httpx.post(
        f"{base}/v1/subscriptions",
        headers=headers,
        json={
            "event_name": "sales.order.created",
            "metadata": "eventbridge",
            "recipient_url": "arn:aws:events:eu-west-1:123456789012:event-bus/shop",
        },
    )
    assert refused.status_code == 422
    assert "asyncevents-svc[eventbridge]" in refused.text


def test_tracing_without_its_extra_stops_start_up_with_one_line_naming_the_extra(
    installed: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASYNCEVENTS_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(ASYNCEVENTS_TRACING__ENABLED="true", ASYNCEVENTS_PORT=str(free_port()))
    done = subprocess.run(
        [installed / "asyncevents-svc", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "asyncevents-svc: ASYNCEVENTS_TRACING__ENABLED needs the OpenTelemetry SDK: "
        "pip install 'asyncevents-svc[tracing]'"
    )
