"""holiday names in Chinese: a center holiday's name_zh, and its English name optional when it has one

Revision ID: scheduling_holiday_name_zh
Revises: scheduling_skills_rotations
Create Date: 2026-11-30 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "scheduling_holiday_name_zh"
down_revision: str | Sequence[str] | None = "scheduling_skills_rotations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("center_holiday") as batch_op:
        batch_op.add_column(sa.Column("name_zh", sa.String(length=200), nullable=True))
        batch_op.alter_column("name", existing_type=sa.String(length=200), nullable=True)


def downgrade() -> None:
    # A holiday named only in Chinese keeps that name as its only one.
    holiday = sa.table("center_holiday", sa.column("name", sa.String()), sa.column("name_zh", sa.String()))
    op.execute(sa.update(holiday).where(holiday.c.name.is_(None)).values(name=holiday.c.name_zh))
    with op.batch_alter_table("center_holiday") as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_column("name_zh")
