"""Opt-in FIFO ordering (``deliveries/ordering.py``): a subscription's ``ordering``
(``none`` | ``fifo``) and ``ordering_key`` (a payload path); a delivery's ``ordering_key``
(the key's value, NULL: unordered) and ``ordered_at`` (its place in its key's line).

Two partial indexes over open ordered deliveries only (small however large the table):
``ix_deliveries_ordered`` (subscription_id, ordering_key, ordered_at, id), which finds the
next of a key to release, and ``ix_deliveries_ordered_head`` (subscription_id,
ordering_key) over the released heads (next_attempt_at set: one row per key), which fan-out
reads to know whether a key is busy. The new delivery columns are nullable without a
default: adding them rewrites nothing. The indexes are built CONCURRENTLY on PostgreSQL.

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDERED = "status IN ('pending', 'retrying') AND ordering_key IS NOT NULL"
INDEXES = {
    "ix_deliveries_ordered": (["subscription_id", "ordering_key", "ordered_at", "id"], ORDERED),
    "ix_deliveries_ordered_head": (
        ["subscription_id", "ordering_key"],
        ORDERED + " AND next_attempt_at IS NOT NULL",
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("ordering", sa.String(length=8), server_default="none", nullable=False))
        batch.add_column(sa.Column("ordering_key", sa.Text(), nullable=True))
    op.add_column("deliveries", sa.Column("ordering_key", sa.Text(), nullable=True))
    op.add_column("deliveries", sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for name, (columns, where) in INDEXES.items():
                op.drop_index(name, table_name="deliveries", if_exists=True, postgresql_concurrently=True)
                op.create_index(
                    name, "deliveries", columns, postgresql_where=sa.text(where), postgresql_concurrently=True
                )
        return
    for name, (columns, where) in INDEXES.items():
        op.create_index(name, "deliveries", columns, sqlite_where=sa.text(where))


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("ordered_at")
        batch.drop_column("ordering_key")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("ordering_key")
        batch.drop_column("ordering")
