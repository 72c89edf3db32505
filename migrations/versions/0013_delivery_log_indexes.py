"""Indexes for the delivery log's order, (created_at, id) and (status, created_at, id), the
claim's partial index of open deliveries by next_attempt_at (in place of 0001's), and
a GIN ``jsonb_path_ops`` index on ``events.payload`` for searches by a payload value
(PostgreSQL; see deliveries/search/containment.py).

The log (``GET /v1/deliveries``, the console's pages) is newest first with a keyset cursor
on (created_at, id); without these, PostgreSQL sorted the whole table for each page (10 s
at 10 M deliveries). The first also gives retention the oldest rows without a scan.

On PostgreSQL both are built CONCURRENTLY, outside a transaction: the table stays writable
while they build (minutes at 10 M rows, ingest and delivery going on). A failed build leaves
an INVALID index; running ``migrate`` again drops and rebuilds it.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_deliveries_created": ["created_at", "id"],
    "ix_deliveries_status_created": ["status", "created_at", "id"],
}


PAYLOAD_INDEX = "ix_events_payload"
# The claim's index: open deliveries only, in next_attempt_at order, replacing 0001's
# (status, next_attempt_at), with which every claim sorted all due rows.
OLD_DUE_INDEX = "ix_deliveries_due"
DUE_INDEX = "ix_deliveries_open_due"
OPEN = "status IN ('pending', 'retrying')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for name, columns in INDEXES.items():
                op.drop_index(name, table_name="deliveries", if_exists=True, postgresql_concurrently=True)
                op.create_index(name, "deliveries", columns, postgresql_concurrently=True)
            op.drop_index(PAYLOAD_INDEX, table_name="events", if_exists=True, postgresql_concurrently=True)
            op.create_index(
                PAYLOAD_INDEX,
                "events",
                ["payload"],
                postgresql_using="gin",
                postgresql_ops={"payload": "jsonb_path_ops"},
                postgresql_concurrently=True,
            )
            op.drop_index(DUE_INDEX, table_name="deliveries", if_exists=True, postgresql_concurrently=True)
            op.create_index(
                DUE_INDEX,
                "deliveries",
                ["next_attempt_at"],
                postgresql_where=sa.text(OPEN),
                postgresql_concurrently=True,
            )
            op.drop_index(
                OLD_DUE_INDEX, table_name="deliveries", if_exists=True, postgresql_concurrently=True
            )
        return
    for name, columns in INDEXES.items():
        op.create_index(name, "deliveries", columns)
    op.create_index(DUE_INDEX, "deliveries", ["next_attempt_at"], sqlite_where=sa.text(OPEN))
    op.drop_index(OLD_DUE_INDEX, table_name="deliveries")


def downgrade() -> None:
    op.create_index(OLD_DUE_INDEX, "deliveries", ["status", "next_attempt_at"])
    op.drop_index(DUE_INDEX, table_name="deliveries")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(PAYLOAD_INDEX, table_name="events")
    for name in INDEXES:
        op.drop_index(name, table_name="deliveries")
