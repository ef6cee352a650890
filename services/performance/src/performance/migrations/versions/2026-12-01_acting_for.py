"""who acts for an absent leader (LEV-7): the org copy's org_acting, and the leader a dispute's reviewer acted for

Revision ID: performance_acting_for
Revises: performance_evaluation_evaluator
Create Date: 2026-12-01 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "performance_acting_for"
down_revision: str | Sequence[str] | None = "performance_evaluation_evaluator"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None



def upgrade() -> None:
    op.create_table(
        "org_acting",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("absent_id", sa.Uuid(), nullable=False),
        sa.Column("acting_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_acting")),
    )
    op.create_index(op.f("ix_org_acting_absent_id"), "org_acting", ["absent_id"], unique=False)
    op.create_index(op.f("ix_org_acting_acting_id"), "org_acting", ["acting_id"], unique=False)
    with op.batch_alter_table("qa_dispute", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acting_for_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("qa_dispute", schema=None) as batch_op:
        batch_op.drop_column("acting_for_id")
    op.drop_index(op.f("ix_org_acting_acting_id"), table_name="org_acting")
    op.drop_index(op.f("ix_org_acting_absent_id"), table_name="org_acting")
    op.drop_table("org_acting")
