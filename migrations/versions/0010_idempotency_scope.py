"""Idempotency keys unique per scope (their caller), with a fingerprint of the event.

A scope column beside the key, a fingerprint column, and one unique index over (scope,
key) in place of 0001's unique key. Keys stored before record no caller: Magento's
(source ``amqp``) get the scope ``magento``, the one the consumer uses from now on, so a
message redelivered across the upgrade stays a duplicate; the others get ``legacy``, which
no request matches. They have no fingerprint, so a repeat of one answers the original,
as every repeat did before.

PostgreSQL builds the index CONCURRENTLY, outside a transaction, so ingest goes on while
it builds (env.py runs each revision in its own transaction, so this commits only this
revision's first step). Every step is safe to repeat: after a failed build (which leaves
an INVALID index) ``migrate`` is run again. The old constraint goes last, once the new
index holds, in the transaction that also backfills the scopes and stamps the revision.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_events_idempotency"
SLOT = ["idempotency_scope", "idempotency_key"]
# PostgreSQL's name for 0001's unnamed UNIQUE (idempotency_key); the naming convention
# gives SQLite's reflected, unnamed one the same name, so that batch mode can drop it.
OLD_UNIQUE = "events_idempotency_key_key"
NAMING = {"uq": "%(table_name)s_%(column_0_name)s_key"}

events = sa.table(
    "events",
    sa.column("id", sa.Uuid()),
    sa.column("source", sa.String()),
    sa.column("received_at", sa.DateTime(timezone=True)),
    sa.column("idempotency_scope", sa.String()),
    sa.column("idempotency_key", sa.String()),
)


def _columns() -> list[sa.Column[str]]:
    return [
        sa.Column("idempotency_scope", sa.String(length=64), nullable=True),
        sa.Column("idempotency_fingerprint", sa.String(length=64), nullable=True),
    ]


def _backfill_scopes() -> None:
    op.execute(
        events.update()
        .where(events.c.idempotency_key.is_not(None), events.c.idempotency_scope.is_(None))
        .values(idempotency_scope=sa.case((events.c.source == "amqp", "magento"), else_="legacy"))
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in _columns():
            op.add_column("events", column, if_not_exists=True)
        with op.get_context().autocommit_block():
            op.drop_index(INDEX, table_name="events", if_exists=True, postgresql_concurrently=True)
            op.create_index(INDEX, "events", SLOT, unique=True, postgresql_concurrently=True)
        _backfill_scopes()
        op.drop_constraint(OLD_UNIQUE, "events", type_="unique")
        return
    with op.batch_alter_table("events", naming_convention=NAMING) as batch:
        for column in _columns():
            batch.add_column(column)
        batch.drop_constraint(OLD_UNIQUE, type_="unique")
        batch.create_index(INDEX, SLOT, unique=True)
    _backfill_scopes()


def downgrade() -> None:
    """Back to one key per event globally: where scopes share a key, the oldest event keeps
    it and the others lose theirs (their repeats are then new events)."""
    older = events.alias("older")
    earlier = sa.or_(
        older.c.received_at < events.c.received_at,
        sa.and_(older.c.received_at == events.c.received_at, older.c.id < events.c.id),
    )
    taken = sa.exists().where(older.c.idempotency_key == events.c.idempotency_key, earlier)
    op.execute(
        events.update().where(events.c.idempotency_key.is_not(None), taken).values(idempotency_key=None)
    )
    with op.batch_alter_table("events", naming_convention=NAMING) as batch:
        batch.drop_index(INDEX)
        batch.create_unique_constraint(OLD_UNIQUE, ["idempotency_key"])
        batch.drop_column("idempotency_fingerprint")
        batch.drop_column("idempotency_scope")
