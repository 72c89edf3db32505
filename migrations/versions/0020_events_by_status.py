"""The events of a status in the list's order: ``ix_events_status`` on (status,
received_at, id), in place of 0001's ``ix_events_status_received`` on (status, received_at).

With ``id`` last, a page of ``GET /v1/events?status=failed`` reads that status's entries in
the page's order (received_at, id) and stops, with no sort, and a cursor's row comparison is
one range of the index. Several statuses are one such range each, merged
(``events/queries.py``). The database queue's claim of accepted events (oldest first) reads
it as it read the old one. The same number of indexes: ingest pays nothing more.

Built CONCURRENTLY on PostgreSQL, outside a transaction, before the old one is dropped: the
claim never goes without. A failed build leaves an INVALID index; running ``migrate`` again
drops and rebuilds it.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW, OLD = "ix_events_status", "ix_events_status_received"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.drop_index(NEW, table_name="events", if_exists=True, postgresql_concurrently=True)
            op.create_index(NEW, "events", ["status", "received_at", "id"], postgresql_concurrently=True)
            op.drop_index(OLD, table_name="events", if_exists=True, postgresql_concurrently=True)
        return
    op.create_index(NEW, "events", ["status", "received_at", "id"])
    op.drop_index(OLD, table_name="events")


def downgrade() -> None:
    op.create_index(OLD, "events", ["status", "received_at"])
    op.drop_index(NEW, table_name="events")
