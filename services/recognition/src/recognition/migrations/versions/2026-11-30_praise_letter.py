"""praise_letter: a letter of praise waits for its named signer; the signed PDF is kept (REC-11)

Revision ID: praise_letter
Revises: recognition_org_freshness
Create Date: 2026-11-30 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "praise_letter"
down_revision: str | Sequence[str] | None = "recognition_org_freshness"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "praise_letter",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("signer_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("achievement", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["grant_id"], ["award_grant.id"], name=op.f("fk_praise_letter_grant_id_award_grant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_praise_letter")),
    )
    with op.batch_alter_table("praise_letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_praise_letter_grant_id"), ["grant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_praise_letter_signer_id"), ["signer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_praise_letter_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("praise_letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_praise_letter_status"))
        batch_op.drop_index(batch_op.f("ix_praise_letter_signer_id"))
        batch_op.drop_index(batch_op.f("ix_praise_letter_grant_id"))
    op.drop_table("praise_letter")
