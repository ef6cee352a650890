"""org copy keeps the employee login (external_id), looked up on every request

Revision ID: escalation_org_login
Revises: escalation_idempotency_lease
Create Date: 2026-11-24 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "escalation_org_login"
down_revision: str | Sequence[str] | None = "escalation_idempotency_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("org_employee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=255), nullable=True))
        batch_op.create_index("ix_org_employee_external_id", ["external_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("org_employee", schema=None) as batch_op:
        batch_op.drop_index("ix_org_employee_external_id")
        batch_op.drop_column("external_id")
