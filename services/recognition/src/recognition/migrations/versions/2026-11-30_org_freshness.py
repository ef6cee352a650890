"""org copy tells up to which directory change it is current (GET /v1/org/freshness)

Revision ID: recognition_org_freshness
Revises: recognition_org_login
Create Date: 2026-11-30 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "recognition_org_freshness"
down_revision: str | Sequence[str] | None = "recognition_org_login"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_freshness",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("current_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_org_freshness")),
    )


def downgrade() -> None:
    op.drop_table("org_freshness")
