"""the open shift board and give-aways (SWP-7); swaps filed on behalf, consents and emergency approval (SWP-8)

Revision ID: scheduling_swap_offers
Revises: scheduling_acting_for
Create Date: 2026-12-01 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "scheduling_swap_offers"
down_revision: str | Sequence[str] | None = "scheduling_acting_for"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "swap_offer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("offerer_id", sa.Uuid(), nullable=False),
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taker_id", sa.Uuid(), nullable=True),
        sa.Column("taker_assignment_id", sa.Uuid(), nullable=True),
        sa.Column("swap_id", sa.Uuid(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignment.id"], name=op.f("fk_swap_offer_assignment_id_assignment")
        ),
        sa.ForeignKeyConstraint(["offerer_id"], ["employee.id"], name=op.f("fk_swap_offer_offerer_id_employee")),
        sa.ForeignKeyConstraint(["shift_id"], ["shift.id"], name=op.f("fk_swap_offer_shift_id_shift")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_swap_offer")),
    )
    with op.batch_alter_table("swap_offer") as batch_op:
        batch_op.create_index(batch_op.f("ix_swap_offer_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_swap_offer_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_swap_offer_offerer_id"), ["offerer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_swap_offer_shift_id"), ["shift_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_swap_offer_status"), ["status"], unique=False)
    with op.batch_alter_table("swap") as batch_op:
        batch_op.alter_column("counterpart_assignment_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="swap", nullable=False))
        batch_op.add_column(sa.Column("offer_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("filed_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("requester_consented_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("counterpart_consented_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("emergency_approved_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("emergency_approved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("emergency_reason", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_swap_offer_id"), ["offer_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_swap_offer_id_swap_offer"), "swap_offer", ["offer_id"], ["id"])


def downgrade() -> None:
    # Give-aways have no counterpart assignment: they cannot be kept in the older shape.
    swap = sa.table("swap", sa.column("id", sa.Uuid()), sa.column("counterpart_assignment_id", sa.Uuid()))
    swap_step = sa.table("swap_step", sa.column("swap_id", sa.Uuid()))
    give_aways = sa.select(swap.c.id).where(swap.c.counterpart_assignment_id.is_(None))
    op.execute(sa.delete(swap_step).where(swap_step.c.swap_id.in_(give_aways)))
    op.execute(sa.delete(swap).where(swap.c.counterpart_assignment_id.is_(None)))
    with op.batch_alter_table("swap") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_swap_offer_id_swap_offer"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_swap_offer_id"))
        batch_op.drop_column("emergency_reason")
        batch_op.drop_column("emergency_approved_at")
        batch_op.drop_column("emergency_approved_by")
        batch_op.drop_column("counterpart_consented_at")
        batch_op.drop_column("requester_consented_at")
        batch_op.drop_column("filed_by")
        batch_op.drop_column("offer_id")
        batch_op.drop_column("kind")
        batch_op.alter_column("counterpart_assignment_id", existing_type=sa.Uuid(), nullable=False)
    with op.batch_alter_table("swap_offer") as batch_op:
        batch_op.drop_index(batch_op.f("ix_swap_offer_status"))
        batch_op.drop_index(batch_op.f("ix_swap_offer_shift_id"))
        batch_op.drop_index(batch_op.f("ix_swap_offer_offerer_id"))
        batch_op.drop_index(batch_op.f("ix_swap_offer_expires_at"))
        batch_op.drop_index(batch_op.f("ix_swap_offer_assignment_id"))
    op.drop_table("swap_offer")
