"""The embedded data folder is private: 0700, and the database, its -wal/-shm and the key file
0600 — on a fresh folder, and on one an older version left world-readable (tightened and
logged). Start-up is `serve`'s: migrate, then build the runtime and write through it."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from pathlib import Path

from cryptography.fernet import Fernet
from structlog.testing import capture_logs

from asyncevents_svc.auth.keys import create_key
from asyncevents_svc.db.migrate import upgrade
from asyncevents_svc.runtime import build_runtime
from asyncevents_svc.settings import Settings
from tests.support.backend import TEST_EVENTS


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def start_up_and_write(data_dir: Path) -> dict[str, int]:
    """`serve`'s start-up on ``data_dir`` and one write; the modes while the database is open
    (SQLite's -wal and -shm exist only then)."""
    settings = Settings(env="development", data_dir=data_dir, events_file=[TEST_EVENTS])
    await asyncio.to_thread(upgrade, settings.database_url)  # `serve` migrates first
    runtime = build_runtime(settings)
    try:
        async with runtime.sessions() as session:
            await create_key(session, name="t", scopes=["admin"])
            await session.commit()
            names = ["", "asyncevents.db", "asyncevents.db-wal", "asyncevents.db-shm", "encryption.key"]
            return {name or "folder": mode(data_dir / name) for name in names}
    finally:
        await runtime.close()


PRIVATE = {
    "folder": 0o700,
    "asyncevents.db": 0o600,
    "asyncevents.db-wal": 0o600,
    "asyncevents.db-shm": 0o600,
    "encryption.key": 0o600,
}


async def test_a_fresh_data_folder_and_its_files_are_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask, which leaves new files world-readable
    try:
        assert await start_up_and_write(tmp_path / "var") == PRIVATE
    finally:
        os.umask(previous)


async def test_a_world_readable_folder_from_an_older_version_is_tightened_and_logged(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    with sqlite3.connect(data_dir / "asyncevents.db") as old:
        old.execute("CREATE TABLE leftover (x INTEGER)")
    (data_dir / "encryption.key").write_text(Fernet.generate_key().decode() + "\n")
    for name, wide in (("", 0o755), ("asyncevents.db", 0o644), ("encryption.key", 0o644)):
        (data_dir / name).chmod(wide)

    with capture_logs() as logs:
        modes = await start_up_and_write(data_dir)

    assert modes == PRIVATE
    tightened = {(e["path"], e["was"], e["now"]) for e in logs if e["event"] == "file_mode_tightened"}
    assert tightened == {
        (str(data_dir), "0755", "0700"),
        (str(data_dir / "asyncevents.db"), "0644", "0600"),
        (str(data_dir / "encryption.key"), "0644", "0600"),
    }
