"""Subscription payload filters and payload format; why an event skipped a subscription.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("filter", JSON, nullable=True))
        batch.add_column(
            sa.Column("payload_format", sa.String(length=16), nullable=False, server_default="data")
        )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("skipped", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("skipped")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("payload_format")
        batch.drop_column("filter")
