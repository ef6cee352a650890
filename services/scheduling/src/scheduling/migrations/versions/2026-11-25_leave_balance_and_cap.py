"""leave balance and cap: the year a leave is charged to, its reserved hours, the team's cap and leave places

Revision ID: scheduling_leave_balance_cap
Revises: scheduling_employee_login
Create Date: 2026-11-25 09:00:00

"""

import os
from collections.abc import Sequence
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "scheduling_leave_balance_cap"
down_revision: str | Sequence[str] | None = "scheduling_employee_login"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("team") as batch_op:
        batch_op.add_column(sa.Column("leave_cap", sa.Integer(), nullable=True))
    with op.batch_alter_table("leave") as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("hours_requested", sa.Float(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("balance_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancelled_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_leave_team_id"), ["team_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_leave_team_id_team"), "team", ["team_id"], ["id"])
    # Existing leave is charged to the year it starts in, in the center's zone (as new leave is).
    center = ZoneInfo(os.environ.get("TIMEZONE", "Asia/Shanghai"))
    leave = sa.table(
        "leave", sa.column("id", sa.Uuid()), sa.column("starts_at", sa.DateTime(timezone=True)), sa.column("balance_year")
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(leave.c.id, leave.c.starts_at)).all():
        starts_at = row.starts_at if row.starts_at.tzinfo else row.starts_at.replace(tzinfo=UTC)
        year = starts_at.astimezone(center).year
        bind.execute(sa.update(leave).where(leave.c.id == row.id).values(balance_year=year))
    with op.batch_alter_table("leave") as batch_op:
        batch_op.alter_column("hours_requested", server_default=None)
        batch_op.alter_column("balance_year", existing_type=sa.Integer(), nullable=False)
    op.create_table(
        "leave_place",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("leave_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["leave_id"], ["leave.id"], name=op.f("fk_leave_place_leave_id_leave")),
        sa.ForeignKeyConstraint(["shift_id"], ["shift.id"], name=op.f("fk_leave_place_shift_id_shift")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave_place")),
        sa.UniqueConstraint("leave_id", "shift_id", name=op.f("uq_leave_place_leave_id_shift_id")),
    )
    with op.batch_alter_table("leave_place") as batch_op:
        batch_op.create_index(batch_op.f("ix_leave_place_leave_id"), ["leave_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leave_place_shift_id"), ["shift_id"], unique=False)


def downgrade() -> None:
    op.drop_table("leave_place")
    with op.batch_alter_table("leave") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_leave_team_id_team"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_leave_team_id"))
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_by")
        batch_op.drop_column("promoted_at")
        batch_op.drop_column("balance_year")
        batch_op.drop_column("hours_requested")
        batch_op.drop_column("team_id")
    with op.batch_alter_table("team") as batch_op:
        batch_op.drop_column("leave_cap")
