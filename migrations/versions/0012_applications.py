"""Applications (tenants): a table, a ``default`` one, and an application on subscriptions,
deliveries, events, replay jobs and API keys.

Everything that exists lands in ``default`` (id 1): subscriptions and deliveries get
``application_id`` 1, keys and events none (an operator key; an event for every
application), which is what they meant before. Nothing else changes.

On PostgreSQL every new column is added with a constant default or none, which changes the
table's description only (no rewrite, no long lock on a full ``deliveries``); the index a
tenant's delivery log reads is built CONCURRENTLY, outside a transaction, so ingest goes on
while it builds (see 0010 for the pattern). Each step is safe to repeat after a failed run.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_ID = 1
DELIVERY_INDEX = "ix_deliveries_application"
SUBSCRIPTION_INDEX = "ix_subscriptions_application"
SUBSCRIPTION_FK = "fk_subscriptions_application_id_applications"


def _nullable_columns() -> list[tuple[str, sa.Column[int]]]:
    return [
        (table, sa.Column("application_id", sa.Integer(), nullable=True))
        for table in ("events", "replay_jobs", "api_keys")
    ]


def _default_column() -> sa.Column[int]:
    return sa.Column("application_id", sa.Integer(), nullable=False, server_default=str(DEFAULT_ID))


def _create_applications() -> None:
    applications = op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    assert applications is not None
    bind = op.get_bind()
    if bind.execute(sa.select(applications.c.id).where(applications.c.id == DEFAULT_ID)).first() is None:
        now = datetime.now(UTC)  # stored as the models store it: naive UTC text on SQLite
        created = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now
        op.execute(
            applications.insert().values(id=DEFAULT_ID, uid="default", name="Default", created_at=created)
        )
    if bind.dialect.name == "postgresql":
        # The row above was given its id: the sequence starts after it.
        op.execute("SELECT setval('applications_id_seq', GREATEST((SELECT max(id) FROM applications), 1))")


def upgrade() -> None:
    _create_applications()
    if op.get_bind().dialect.name == "postgresql":
        for table, column in _nullable_columns():
            op.add_column(table, column, if_not_exists=True)
        op.add_column("subscriptions", _default_column(), if_not_exists=True)
        op.add_column("deliveries", _default_column(), if_not_exists=True)
        op.execute(
            f"ALTER TABLE subscriptions DROP CONSTRAINT IF EXISTS {SUBSCRIPTION_FK}, "
            f"ADD CONSTRAINT {SUBSCRIPTION_FK} FOREIGN KEY (application_id) REFERENCES applications (id)"
        )
        op.create_index(SUBSCRIPTION_INDEX, "subscriptions", ["application_id", "id"], if_not_exists=True)
        with op.get_context().autocommit_block():
            op.drop_index(
                DELIVERY_INDEX, table_name="deliveries", if_exists=True, postgresql_concurrently=True
            )
            op.create_index(
                DELIVERY_INDEX,
                "deliveries",
                ["application_id", "created_at", "id"],
                postgresql_concurrently=True,
            )
        return
    for table, column in _nullable_columns():
        op.add_column(table, column)
    op.add_column("deliveries", _default_column())
    op.create_index(DELIVERY_INDEX, "deliveries", ["application_id", "created_at", "id"])
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(_default_column())
        batch.create_foreign_key(SUBSCRIPTION_FK, "applications", ["application_id"], ["id"])
        batch.create_index(SUBSCRIPTION_INDEX, ["application_id", "id"])


def downgrade() -> None:
    op.drop_index(DELIVERY_INDEX, table_name="deliveries")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_index(SUBSCRIPTION_INDEX)
        batch.drop_constraint(SUBSCRIPTION_FK, type_="foreignkey")
        batch.drop_column("application_id")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("application_id")
    for table, _ in _nullable_columns():
        with op.batch_alter_table(table) as batch:
            batch.drop_column("application_id")
    op.drop_table("applications")
