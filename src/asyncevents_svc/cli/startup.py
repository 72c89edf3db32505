"""A failed start-up leaves the disk as it found it.

``serve`` may create the data folder, the generated encryption key and the SQLite database
(and its ``-wal``/``-shm``/``-journal`` companions) before it knows whether it can start:
the catalogue, the bootstrap key, the migrations or the API's lifespan may still fail. So
before anything is created :meth:`StartupFiles.before` notes which of those paths do not
exist yet; if start-up fails, :meth:`StartupFiles.undo` removes exactly those (never a file
that was there before), and once the service is up (:meth:`StartupFiles.up`) nothing is
ever removed.

A PostgreSQL database is not touched: ``serve`` checks the settings and builds the API
before migrating, so a bad setting stops it before any statement; a failure after the
migrations leaves the schema at head, which the next start needs anyway.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from asyncevents_svc.db.private_files import SQLITE_COMPANIONS, sqlite_path
from asyncevents_svc.settings import Settings

log = structlog.get_logger(__name__)


def _top_missing(path: Path) -> Path | None:
    """The outermost folder of ``path`` that does not exist (``path`` itself, or a parent)."""
    path = path.absolute()
    if path.exists():
        return None
    top = path
    while not top.parent.exists():
        top = top.parent
    return top


@dataclass
class StartupFiles:
    """What start-up may create, noted before it does."""

    folders: list[Path] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    new_database: Path | None = None  # the SQLite file, when it does not exist yet
    started: bool = False

    @classmethod
    def before(cls, settings: Settings) -> StartupFiles:
        noted = cls()
        top = _top_missing(settings.data_dir)
        if top is not None:
            noted.folders.append(top)
        candidates = [settings.data_dir / "encryption.key"]
        database = sqlite_path(settings.database_url)
        if database is not None:
            candidates += [database, *(Path(f"{database}{suffix}") for suffix in SQLITE_COMPANIONS)]
            if not database.exists():
                noted.new_database = database.absolute()
        noted.files = [path.absolute() for path in candidates if not path.exists()]
        return noted

    def up(self) -> None:
        """The service started: what it created is its data now."""
        self.started = True

    def undo(self) -> list[Path]:
        """Remove what this start-up created (unless it got :meth:`up`); the paths removed."""
        if self.started:
            return []
        removed = [path for path in self.files if path.is_file() or path.is_symlink()]
        for path in removed:
            path.unlink(missing_ok=True)
        for folder in self.folders:
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        if removed:
            log.info("startup_undone", removed=[str(path) for path in removed])
        return removed

    @contextmanager
    def undone_on_failure(self) -> Iterator[None]:
        """Undo when the block raises (``SystemExit`` included), then let the error through."""
        try:
            yield
        except BaseException:
            self.undo()
            raise
