"""Per-subscription delivery policy: custom headers (encrypted), timeout, retries, in-flight.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("headers_encrypted", sa.Text(), nullable=True))
        batch.add_column(sa.Column("header_names", JSON, nullable=True))
        batch.add_column(sa.Column("timeout", sa.Float(), nullable=True))
        batch.add_column(sa.Column("retry_schedule", JSON, nullable=True))
        batch.add_column(sa.Column("max_retries", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("max_in_flight", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        for column in (
            "max_in_flight",
            "max_retries",
            "retry_schedule",
            "timeout",
            "header_names",
            "headers_encrypted",
        ):
            batch.drop_column(column)
