"""skills and rotations: the skill catalog, the skills people hold (ROS-5), rotations and their shifts' key (ROS-6)

Revision ID: scheduling_skills_rotations
Revises: scheduling_off_post
Create Date: 2026-11-26 09:00:00

"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "scheduling_skills_rotations"
down_revision: str | Sequence[str] | None = "scheduling_off_post"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "skill",
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_skill")),
    )
    op.create_table(
        "rotation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("cycle", sa.String(length=8), nullable=False),
        sa.Column("cycle_days", sa.Integer(), nullable=False),
        sa.Column("anchor_date", sa.Date(), nullable=True),
        sa.Column("on_holidays", sa.String(length=8), nullable=False),
        sa.Column("pattern", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_rotation_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rotation")),
        sa.UniqueConstraint("team_id", "name", name=op.f("uq_rotation_team_id_name")),
    )
    with op.batch_alter_table("rotation") as batch_op:
        batch_op.create_index(batch_op.f("ix_rotation_team_id"), ["team_id"], unique=False)
    op.create_table(
        "employee_skill",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("skill_code", sa.String(length=50), nullable=False),
        sa.Column("obtained_on", sa.Date(), nullable=False),
        sa.Column("granted_by", sa.Uuid(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"], name=op.f("fk_employee_skill_employee_id_employee")),
        sa.ForeignKeyConstraint(["skill_code"], ["skill.code"], name=op.f("fk_employee_skill_skill_code_skill")),
        sa.PrimaryKeyConstraint("employee_id", "skill_code", name=op.f("pk_employee_skill")),
    )
    with op.batch_alter_table("employee_skill") as batch_op:
        batch_op.create_index(batch_op.f("ix_employee_skill_skill_code"), ["skill_code"], unique=False)
    with op.batch_alter_table("shift") as batch_op:
        batch_op.add_column(sa.Column("rotation_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("rotation_key", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_shift_rotation_id_rotation_key"), ["rotation_id", "rotation_key"]
        )
        batch_op.create_foreign_key(batch_op.f("fk_shift_rotation_id_rotation"), "rotation", ["rotation_id"], ["id"])
    # Shifts named skills as free text before the catalog: each such skill enters the catalog under its own code,
    # so existing shifts keep requiring it and it can be granted (ROS-5).
    shift = sa.table("shift", sa.column("required_skills", sa.Text()))
    skill = sa.table(
        "skill",
        sa.column("code", sa.String()),
        sa.column("name", sa.String()),
        sa.column("description", sa.Text()),
        sa.column("created_by", sa.Uuid()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    codes: set[str] = set()
    for (stored,) in bind.execute(sa.select(shift.c.required_skills).distinct()).all():
        codes.update(code for code in json.loads(stored or "[]") if isinstance(code, str) and 0 < len(code) <= 50)
    if codes:
        now = datetime.now(UTC)
        bind.execute(
            skill.insert(),
            [
                {"code": code, "name": code, "description": "", "created_by": None, "created_at": now}
                for code in sorted(codes)
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("shift") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_shift_rotation_id_rotation"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_shift_rotation_id_rotation_key"), type_="unique")
        batch_op.drop_column("rotation_key")
        batch_op.drop_column("rotation_id")
    with op.batch_alter_table("employee_skill") as batch_op:
        batch_op.drop_index(batch_op.f("ix_employee_skill_skill_code"))
    op.drop_table("employee_skill")
    with op.batch_alter_table("rotation") as batch_op:
        batch_op.drop_index(batch_op.f("ix_rotation_team_id"))
    op.drop_table("rotation")
    op.drop_table("skill")
