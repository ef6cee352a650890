"""track_rule.version: bumped by every change, sent as the ETag (If-Match on PATCH /v1/track-rules/{id})

Revision ID: track_rule_version
Revises: recognition_idempotency_lease
Create Date: 2026-11-24 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "track_rule_version"
down_revision: str | Sequence[str] | None = "recognition_idempotency_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("track_rule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("track_rule", schema=None) as batch_op:
        batch_op.drop_column("version")
