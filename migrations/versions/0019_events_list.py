"""Indexes for the list of events (``GET /v1/events``): newest first, keyset on
(received_at, id), whole (``ix_events_received``), by application (``ix_events_application``),
by name (``ix_events_name_received``, in place of 0018's ``ix_events_name``), by store
(``ix_events_store``) and by source (``ix_events_source``).

Each reads a page in the list's order and stops. Without them PostgreSQL walked the whole
table for a value that is rare or absent (a store never used, ``source=test``), or sorted
every match of a common one. The name index keeps serving 0018's purpose (the delivery log
of a rare name starts from that name's events: ``name`` leads it), so the events table gets
four more indexes, not five. Their cost is on ingest: an entry each per insert and per
update that is not HOT.

Built CONCURRENTLY on PostgreSQL, outside a transaction: ingest goes on while they build.
A failed build leaves an INVALID index; running ``migrate`` again drops and rebuilds it.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_events_received": ["received_at", "id"],
    "ix_events_application": ["application_id", "received_at", "id"],
    "ix_events_name_received": ["name", "received_at", "id"],
    "ix_events_store": ["store_id", "received_at", "id"],
    "ix_events_source": ["source", "received_at", "id"],
}
OLD_NAME_INDEX = "ix_events_name"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for name, columns in INDEXES.items():
                op.drop_index(name, table_name="events", if_exists=True, postgresql_concurrently=True)
                op.create_index(name, "events", columns, postgresql_concurrently=True)
            # Only once its replacement is built: the log of a rare name never goes without.
            op.drop_index(OLD_NAME_INDEX, table_name="events", if_exists=True, postgresql_concurrently=True)
        return
    for name, columns in INDEXES.items():
        op.create_index(name, "events", columns)
    op.drop_index(OLD_NAME_INDEX, table_name="events")


def downgrade() -> None:
    op.create_index(OLD_NAME_INDEX, "events", ["name"])
    for name in INDEXES:
        op.drop_index(name, table_name="events")
