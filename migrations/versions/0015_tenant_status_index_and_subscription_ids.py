"""A tenant's deliveries by status, and subscription ids that SQLite never gives twice.

* ``ix_deliveries_application_status`` (application_id, status, created_at, id): a bound
  key's ``status=dead`` page and its dry-run counts read its own rows of that status; with
  (status, created_at, id) they walked every other application's too. Built CONCURRENTLY on
  PostgreSQL.
* SQLite reuses the highest rowid after a delete, so a new subscription could take the id
  of a deleted one — whose deliveries (history, and pending ones) name that id: the new
  subscription's health would show them, and a replay would send them to the new recipient.
  The table is rebuilt with ``AUTOINCREMENT`` and its counter set past every id any delivery
  names. PostgreSQL's sequence never reuses ids: nothing to do there.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_deliveries_application_status"
COLUMNS = ["application_id", "status", "created_at", "id"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.drop_index(INDEX, table_name="deliveries", if_exists=True, postgresql_concurrently=True)
            op.create_index(INDEX, "deliveries", COLUMNS, postgresql_concurrently=True)
        return
    op.create_index(INDEX, "deliveries", COLUMNS)
    with op.batch_alter_table(
        "subscriptions", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass
    highest = op.get_bind().scalar(
        sa.text(
            "SELECT max(id) FROM (SELECT max(id) AS id FROM subscriptions"
            " UNION ALL SELECT max(subscription_id) FROM deliveries)"
        )
    )
    if highest:
        op.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'subscriptions'"))
        op.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('subscriptions', :seq)").bindparams(
                seq=int(highest)
            )
        )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="deliveries")
