"""Consumer portal sessions: a web session may belong to an application and be opened by a
single-use link (the SHA-256 of the link's token; the token itself is never stored), and
it names the scopes its key will hold (the key is made when the link is opened).

``web_sessions`` holds sign-ins only (a small table, emptied of expired rows by the
maintenance), so adding two nullable columns and an index is instant.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(sa.Column("application_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("link_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("scopes", JSON, nullable=True))
    op.create_index("uq_web_sessions_link_hash", "web_sessions", ["link_hash"], unique=True)
    op.create_index("ix_web_sessions_application", "web_sessions", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_application", table_name="web_sessions")
    op.drop_index("uq_web_sessions_link_hash", table_name="web_sessions")
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("scopes")
        batch.drop_column("link_hash")
        batch.drop_column("application_id")
