"""call-taking shifts, off-post periods and released assignments (ROS-4, ORG-3, PRF-9); who took in a damage report (HND-10)

Revision ID: scheduling_off_post
Revises: scheduling_leave_balance_cap
Create Date: 2026-11-25 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "scheduling_off_post"
down_revision: str | Sequence[str] | None = "scheduling_leave_balance_cap"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shift", schema=None) as batch_op:
        batch_op.add_column(sa.Column("call_taking", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.add_column(sa.Column("damage_reported_to", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("damage_acknowledged_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("damage_acknowledged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "off_post_period",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_outcome", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_off_post_period")),
        sa.UniqueConstraint("review_id", name=op.f("uq_off_post_period_review_id")),
    )
    with op.batch_alter_table("off_post_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_off_post_period_employee_id"), ["employee_id"], unique=False)
    op.create_table(
        "released_assignment",
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignment.id"], name=op.f("fk_released_assignment_assignment_id_assignment")
        ),
        sa.ForeignKeyConstraint(["shift_id"], ["shift.id"], name=op.f("fk_released_assignment_shift_id_shift")),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_released_assignment_team_id_team")),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_released_assignment")),
    )
    with op.batch_alter_table("released_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_released_assignment_shift_id"), ["shift_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_released_assignment_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("released_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_released_assignment_team_id"))
        batch_op.drop_index(batch_op.f("ix_released_assignment_shift_id"))
    op.drop_table("released_assignment")
    with op.batch_alter_table("off_post_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_off_post_period_employee_id"))
    op.drop_table("off_post_period")
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_column("damage_acknowledged_at")
        batch_op.drop_column("damage_acknowledged_by")
        batch_op.drop_column("damage_reported_to")
    with op.batch_alter_table("shift", schema=None) as batch_op:
        batch_op.drop_column("call_taking")
