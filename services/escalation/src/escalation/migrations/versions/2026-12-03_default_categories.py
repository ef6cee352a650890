"""the default case categories, seeded once instead of on the first read

Revision ID: escalation_default_categories
Revises: escalation_my_cases_indexes
Create Date: 2026-12-03 09:00:00

"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

from callcenter_shared.db import UtcDateTime
from escalation.category.service import default_rows

revision: str = "escalation_default_categories"
down_revision: str | Sequence[str] | None = "escalation_my_cases_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TYPES = {"id": sa.Uuid(), "level_minutes": sa.JSON(), "created_at": UtcDateTime(), "updated_at": UtcDateTime()}


def upgrade() -> None:
    rows = default_rows(datetime.now(UTC))
    # Only the columns the rows name, so a column added by a later migration cannot break this one.
    category = sa.table("category", *(sa.column(name, _TYPES.get(name)) for name in rows[0]))
    insert = postgresql.insert if op.get_bind().dialect.name == "postgresql" else sqlite.insert
    op.execute(insert(category).values(rows).on_conflict_do_nothing(index_elements=["code"]))


def downgrade() -> None:
    pass  # the categories stay: cases refer to them
