"""Verified endpoints (``security.verify_endpoints``): a subscription's challenge round
(started, next due, attempts, last outcome) and when its recipient last echoed a challenge,
with a partial index for the worker's claim of due challenges. ``subscriptions`` is a small
table (one row per endpoint), so the index is built in the migration's transaction.

Revision ID: 0025
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE = "verification_due_at IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("verification_started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("verification_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("verification_attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("verification_last_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("verification_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_subscriptions_verification_due",
        "subscriptions",
        ["verification_due_at"],
        postgresql_where=sa.text(DUE),
        sqlite_where=sa.text(DUE),
    )


def downgrade() -> None:
    op.drop_index("ix_subscriptions_verification_due", table_name="subscriptions")
    with op.batch_alter_table("subscriptions") as batch:
        for column in (
            "verified_at",
            "verification_error",
            "verification_last_at",
            "verification_attempts",
            "verification_due_at",
            "verification_started_at",
        ):
            batch.drop_column(column)
