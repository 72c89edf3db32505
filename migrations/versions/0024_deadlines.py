"""Deadlines and scheduled sends (issue 20, points 2 and 3): an event's ``deliver_at`` and
``expires_at``, a delivery's ``expires_at`` (copied at fan-out, so the claim and the
recorder read it without a join) and the per-minute ``expired`` counter.

Nullable columns, and one with a constant default: on PostgreSQL 11+ each ``ADD COLUMN``
changes the catalogue only (no table rewrite, no scan), so no ``CONCURRENTLY`` dance is
needed. No new index: a scheduled delivery is an open one whose ``next_attempt_at`` is its
send time, read through ``ix_deliveries_open_due`` like any retry.

Revision ID: 0024
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("events", sa.Column("deliver_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("events", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("deliveries", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("attempt_minutes", sa.Column("expired", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("attempt_minutes") as batch:
        batch.drop_column("expired")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("expires_at")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("deliver_at")
