"""a team leader on leave: the deputy acts for them (LEV-7), recorded on leave, swap steps and handovers

Revision ID: scheduling_acting_for
Revises: scheduling_holiday_name_zh
Create Date: 2026-12-01 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "scheduling_acting_for"
down_revision: str | Sequence[str] | None = "scheduling_holiday_name_zh"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None



def upgrade() -> None:
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_approved_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("first_acting_for_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("decided_acting_for_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("delegation_started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("delegation_ended_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("swap_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acting_for_id", sa.Uuid(), nullable=True))
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_acting_for_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("signed_off_acting_for_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_column("signed_off_acting_for_id")
        batch_op.drop_column("report_acting_for_id")
    with op.batch_alter_table("swap_step", schema=None) as batch_op:
        batch_op.drop_column("acting_for_id")
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.drop_column("delegation_ended_at")
        batch_op.drop_column("delegation_started_at")
        batch_op.drop_column("decided_acting_for_id")
        batch_op.drop_column("first_acting_for_id")
        batch_op.drop_column("first_approved_by")
