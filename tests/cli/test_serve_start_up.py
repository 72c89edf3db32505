"""``serve`` never starts silently on a new, empty database, a missing events file is an
error, and a failed start-up changes nothing on disk."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from asyncevents_svc.cli.startup import StartupFiles
from asyncevents_svc.settings import Settings
from tests.support import processes
from tests.support.serving import free_port, until_answers


def serve_in(folder: Path, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "asyncevents_svc.cli", "serve", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=out,
        )


async def start_and_stop(folder: Path, log: Path) -> str:
    """Start ``serve`` in ``folder`` with the defaults, wait until ready, stop it: its output."""
    port = free_port()
    process = serve_in(folder, port, processes.without_settings(ASYNCEVENTS_WORKER__POLL_INTERVAL="0.2"), log)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            await until_answers(client, "/health/ready", alive=lambda: process.poll() is None)
    finally:
        assert await asyncio.to_thread(processes.terminate, process) == 0, log.read_text()
    return log.read_text()


def everything_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.embedded
@pytest.mark.parametrize("events", ["missing/events.xml", "empty-folder"])
def test_an_events_file_that_gives_no_events_stops_serve_and_leaves_the_folder_as_it_was(
    tmp_path: Path, events: str
) -> None:
    (tmp_path / "empty-folder").mkdir()
    before = everything_in(tmp_path)

    ended = subprocess.run(
        [sys.executable, "-m", "asyncevents_svc.cli", "serve", "--port", str(free_port())],
        cwd=tmp_path,
        env=processes.without_settings(ASYNCEVENTS_EVENTS_FILE=str(tmp_path / events)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert ended.returncode == 2
    assert ended.stderr.startswith("asyncevents-svc: cannot load the event catalogue:"), ended.stderr
    assert str(tmp_path / events) in ended.stderr
    assert len(ended.stderr.strip().splitlines()) == 1, ended.stderr
    assert everything_in(tmp_path) == before, "no var/, no database, no key file"


@pytest.mark.embedded
async def test_serve_names_its_data_folder_and_says_when_the_database_is_new(tmp_path: Path) -> None:
    """Started from a folder with no events.xml: the banner names the database in full, says
    it was created now, and that the catalogue is the package's example; the second start
    of the same folder finds its database and says nothing of the kind."""
    first = await start_and_stop(tmp_path, tmp_path / "first.log")
    second = await start_and_stop(tmp_path, tmp_path / "second.log")

    assert f"SQLite in {tmp_path.resolve() / 'var'}/ (asyncevents.db)" in first
    assert "a NEW, empty database, created now: is this the folder you meant?" in first
    assert "(--data-dir or ASYNCEVENTS_DATA_DIR names another)" in first
    assert "events the package's example catalogue (no ./events.xml here" in first
    assert f"SQLite in {tmp_path.resolve() / 'var'}/ (asyncevents.db)" in second
    assert "NEW" not in second


# --- what a failed start-up takes back ------------------------------------------------------


def embedded(data_dir: Path) -> Settings:
    return Settings(env="development", data_dir=data_dir, database_url="", events_file=[Path("events.xml")])


def test_undo_removes_what_start_up_created_from_the_top_missing_folder(tmp_path: Path) -> None:
    data = tmp_path / "new" / "var"
    files = StartupFiles.before(embedded(data))
    data.mkdir(parents=True)
    (data / "asyncevents.db").write_bytes(b"")
    (data / "asyncevents.db-wal").write_bytes(b"")
    (data / "encryption.key").write_text("k")

    removed = files.undo()

    assert not (tmp_path / "new").exists()
    assert tmp_path / "new" in removed
    assert files.new_database == data / "asyncevents.db"


def test_undo_keeps_what_was_there_before(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir()
    (data / "asyncevents.db").write_bytes(b"old data")
    (data / "notes.txt").write_text("the operator's")
    files = StartupFiles.before(embedded(data))
    (data / "encryption.key").write_text("new")
    (data / "asyncevents.db-shm").write_bytes(b"")

    files.undo()

    assert everything_in(data) == ["asyncevents.db", "notes.txt"]
    assert (data / "asyncevents.db").read_bytes() == b"old data"
    assert files.new_database is None


def test_nothing_is_removed_once_the_service_is_up(tmp_path: Path) -> None:
    data = tmp_path / "var"
    files = StartupFiles.before(embedded(data))
    data.mkdir()
    (data / "asyncevents.db").write_bytes(b"")

    files.up()
    with pytest.raises(KeyboardInterrupt), files.undone_on_failure():
        raise KeyboardInterrupt

    assert everything_in(data) == ["asyncevents.db"]


def test_a_failure_during_start_up_is_undone_and_passed_on(tmp_path: Path) -> None:
    data = tmp_path / "var"
    files = StartupFiles.before(embedded(data))

    def start_up_that_fails() -> None:
        data.mkdir()
        (data / "encryption.key").write_text("k")
        raise SystemExit(2)

    with pytest.raises(SystemExit), files.undone_on_failure():
        start_up_that_fails()

    assert not data.exists()
