"""The embedded data folder and the SQLite files: readable by the service's user alone.

The folder holds the database (every event payload, every subscription) and the generated
encryption key, so it is created ``0700`` and every file in it ``0600``, whatever the umask.
SQLite gives the ``-wal``, ``-shm`` and ``-journal`` files it creates the mode of the
database file, so the database file is created here, empty and ``0600``, before SQLite
first opens it (an empty file is a valid, empty SQLite database).

Folders and files left by older versions (``0755``/``0644``) are tightened at start-up, and
each change is logged. Only the data folder itself and the database file's own companions
are touched: a database configured elsewhere (``sqlite:////srv/db/x.db``) gets its files
tightened, but its existing parent folder is the operator's and keeps its mode.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import structlog
from sqlalchemy.engine import make_url

log = structlog.get_logger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
_OTHERS = 0o077  # group and world bits
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _tighten(path: Path) -> None:
    """Drop the group and world bits of ``path`` (never following a symlink)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        return
    was = stat.S_IMODE(info.st_mode)
    if was & _OTHERS:
        now = was & ~_OTHERS
        path.chmod(now)
        log.warning("file_mode_tightened", path=str(path), was=f"{was:04o}", now=f"{now:04o}")


def private_folder(path: Path) -> None:
    """Create ``path`` ``0700`` (missing parents with the default mode), or tighten it."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    _tighten(path)


def private_data_dir(path: Path) -> None:
    """The data folder ``0700`` and every file directly in it ``0600``."""
    private_folder(path)
    for entry in path.iterdir():
        if entry.is_file() and not entry.is_symlink():
            _tighten(entry)


def private_file(path: Path) -> None:
    """Create ``path`` empty and ``0600`` if it does not exist, else tighten it."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    _tighten(path)


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def private_sqlite(database_url: str) -> None:
    """Before SQLite opens the file: its folder (when missing) ``0700``, the database and
    any companion file it left ``0600``. Nothing for PostgreSQL."""
    path = sqlite_path(database_url)
    if path is None:
        return
    if not path.parent.exists():
        private_folder(path.parent)
    private_file(path)
    for suffix in SQLITE_COMPANIONS:
        _tighten(path.with_name(path.name + suffix))
