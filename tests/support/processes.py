"""Running the service's own processes (``asyncevents-svc worker``) from tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from pydantic import SecretStr

from asyncevents_svc.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def without_settings(**changes: str) -> dict[str, str]:
    """This process's environment without any ASYNCEVENTS_* variable (a child then sees the
    defaults), with ``changes`` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASYNCEVENTS_")}
    return {**env, **changes}


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment variables that reproduce ``settings`` in a child process."""
    env = without_settings()
    env.update(
        {
            "ASYNCEVENTS_ENV": settings.env,
            "ASYNCEVENTS_DATABASE_URL": settings.database_url,
            "ASYNCEVENTS_BROKER_URL": settings.broker_url.get_secret_value() if settings.broker_url else "",
            "ASYNCEVENTS_EVENTS_FILE": ",".join(str(p) for p in settings.events_file),
            "ASYNCEVENTS_DATA_DIR": str(settings.data_dir),
            "ASYNCEVENTS_LOG_LEVEL": "WARNING",
            "ASYNCEVENTS_HOST": settings.host,
            "ASYNCEVENTS_PORT": str(settings.port),
        }
    )
    if settings.encryption_key is not None:
        env["ASYNCEVENTS_ENCRYPTION_KEY"] = settings.encryption_key.get_secret_value()
    if settings.bootstrap_admin_key is not None:
        env["ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY"] = settings.bootstrap_admin_key.get_secret_value()
    for group in ("broker", "worker", "http", "retry", "security"):
        for key, value in getattr(settings, group).model_dump().items():
            if value is None:  # unset (security.signing_keys): "None" would be a value
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            # Lists (retry.schedule, security.recipient_allowlist) in the comma form they parse.
            text = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
            env[f"ASYNCEVENTS_{group.upper()}__{key.upper()}"] = text
    return env


def start(command: str, settings: Settings) -> subprocess.Popen[bytes]:
    """Start ``asyncevents-svc <command>`` from the repository root (so ``tests`` imports).

    Its log goes to ``<data_dir>/<command>.log`` (see :func:`log_of`)."""
    with open(log_of(command, settings), "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "asyncevents_svc.cli", command],
            cwd=ROOT,
            env=settings_env(settings),
            stdout=log,
            stderr=log,
        )


def log_of(command: str, settings: Settings) -> Path:
    return Path(settings.data_dir) / f"{command}.log"


def terminate(process: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """SIGTERM and wait for a clean exit; returns the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``asyncevents-svc <args>`` to completion with ``settings``."""
    return _run_cli(args, settings_env(settings))


def run_cli_bare(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``asyncevents-svc <args>`` with ``env`` and a PATH only, nothing inherited: what
    a fresh container sets is all it sees (the start-up checks' tests)."""
    return _run_cli(args, {"PATH": "/usr/bin:/bin", **env})


def _run_cli(args: tuple[str, ...], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "asyncevents_svc.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
