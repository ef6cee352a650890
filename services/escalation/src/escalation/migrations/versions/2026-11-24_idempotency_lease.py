"""idempotency lease: an in-progress key holds a renewable lease and is marked committed with its change

Revision ID: escalation_idempotency_lease
Revises: 0003
Create Date: 2026-11-24 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "escalation_idempotency_lease"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A key left in progress by an older version has no lease: it counts as lapsed.
    with op.batch_alter_table("idempotency_key") as batch_op:
        batch_op.add_column(sa.Column("claim_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_key") as batch_op:
        batch_op.drop_column("committed_at")
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("claim_id")
