"""Due deliveries by subscription: ``ix_deliveries_open_subscription`` (subscription_id,
next_attempt_at, id).

In a backlog (a receiver back after a day down), the scheduler claims due deliveries of
every subscription except those already waiting in its dispatcher. Walking
``ix_deliveries_open_due`` in due order, it read past every due delivery of the backed-up
subscription before it found another's: at 10 M deliveries with 1 M of them due for one
subscription, a second of PostgreSQL's time per claim. With (subscription_id, next_attempt_at,
id) over the open deliveries only, the claim takes the earliest due of each
other subscription (``deliveries/repository.py`` ``claim_due``): one short index read per
subscription, whatever the backlog. ``id`` ends the key so that the claim's order
(next_attempt_at, id) is this index's alone: ordered by next_attempt_at only, the planner,
which cannot see that one subscription holds most of the due rows, often walked
``ix_deliveries_open_due`` instead.

Partial (open deliveries only: pending, retrying), so it stays small however many finished
deliveries the table keeps. Built CONCURRENTLY on PostgreSQL: reads and writes go on.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_deliveries_open_subscription"
COLUMNS = ["subscription_id", "next_attempt_at", "id"]
OPEN = sa.text("status IN ('pending', 'retrying')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.drop_index(INDEX, table_name="deliveries", if_exists=True, postgresql_concurrently=True)
            op.create_index(INDEX, "deliveries", COLUMNS, postgresql_where=OPEN, postgresql_concurrently=True)
        return
    op.create_index(INDEX, "deliveries", COLUMNS, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="deliveries")
