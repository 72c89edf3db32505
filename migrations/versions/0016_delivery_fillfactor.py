"""Room in each page of ``deliveries`` for its row's next version (fillfactor 80).

A delivery's row is written several times in its life: a worker's lease
(``locked_until``) on every claim, then each attempt's outcome. The lease changes no
indexed column, so PostgreSQL can write the new version in the same page (a HOT update,
no index touched) — but only if the page has room. Pages filled to 100 % (the default)
have none, so on a full database each claim inserted a new entry into all eight indexes
of the table for every row it leased: at 10 M deliveries, ~17 index pages read per row
and the claim of 200 due deliveries 52 ms against 7 ms for finding them
(``make bench-scale``). With 20 % of each page kept free, the lease is a HOT update.

``ALTER TABLE … SET (fillfactor)`` takes a SHARE UPDATE EXCLUSIVE lock (reads and writes
go on) and rewrites nothing: pages written from now on keep the room; existing pages get
it as they are rewritten (``VACUUM FULL`` or ``pg_repack`` in a maintenance window, if
wanted). SQLite has no such setting: nothing to do there.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILLFACTOR = 80


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE deliveries SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE deliveries RESET (fillfactor)")
