"""case pause: a case waiting on the customer or a third party stops its clocks (ESC-13)

Revision ID: escalation_case_pause
Revises: escalation_org_freshness
Create Date: 2026-11-30 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "escalation_case_pause"
down_revision: str | Sequence[str] | None = "escalation_org_freshness"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD/DROP COLUMN, never a batch copy of "case": on SQLite the copy would drop the table's
# case_never_deleted trigger (ESC-5) with the old table.
CASE_COLUMNS = (
    sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("pause_waiting_on", sa.String(length=16), nullable=True),
    sa.Column("pause_reason", sa.Text(), nullable=True),
    sa.Column("pause_ends_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("paused_clocks", sa.JSON(), server_default="[]", nullable=False),
    sa.Column("paused_seconds", sa.Integer(), server_default="0", nullable=False),
)


def upgrade() -> None:
    for column in CASE_COLUMNS:
        op.add_column("case", column)
    with op.batch_alter_table("case_stint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_seconds", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_pause_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_column("max_pause_minutes")
    with op.batch_alter_table("case_stint", schema=None) as batch_op:
        batch_op.drop_column("paused_seconds")
    for column in reversed(CASE_COLUMNS):
        op.drop_column("case", column.name)
