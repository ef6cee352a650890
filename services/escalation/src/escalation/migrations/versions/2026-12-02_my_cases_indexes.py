"""my cases newest first: owner and handler indexes in opening order (replacing the single-column ones)

Revision ID: escalation_my_cases_indexes
Revises: escalation_acting_for
Create Date: 2026-12-02 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "escalation_my_cases_indexes"
down_revision: str | Sequence[str] | None = "escalation_acting_for"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A page of a person's cases reads its newest rows from the index, however many cases they have;
    # the indexes start with the same column as the ones they replace, so every other lookup keeps one.
    op.create_index("ix_case_owner_id_opened_at", "case", ["owner_id", sa.text("opened_at DESC"), "number"])
    op.create_index(
        "ix_case_handler_id_opened_at",
        "case",
        ["handler_id", sa.text("opened_at DESC"), "number"],
        postgresql_include=["owner_id"],
    )
    op.drop_index("ix_case_owner_id", table_name="case")
    op.drop_index("ix_case_handler_id", table_name="case")


def downgrade() -> None:
    op.create_index("ix_case_handler_id", "case", ["handler_id"])
    op.create_index("ix_case_owner_id", "case", ["owner_id"])
    op.drop_index("ix_case_handler_id_opened_at", table_name="case")
    op.drop_index("ix_case_owner_id_opened_at", table_name="case")
