"""Ed25519 signatures (Standard Webhooks ``v1a``): the service's signing keys, and which
scheme(s) each subscription signs with (``signature``: ``v1``, ``v1a`` or ``both``; existing
subscriptions keep ``v1``, today's HMAC).

The private keys are stored encrypted with the service's Fernet key(s), like tokens.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("generation", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_key_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("generation"),
        sa.UniqueConstraint("kid"),
    )
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("signature", sa.String(length=8), server_default="v1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("signature")
    op.drop_table("signing_keys")
