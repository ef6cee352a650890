"""index QA evaluations by evaluator: a leader's list reads their agents' and their own evaluations

Revision ID: performance_evaluation_evaluator
Revises: performance_org_freshness
Create Date: 2026-11-30 12:00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "performance_evaluation_evaluator"
down_revision: str | Sequence[str] | None = "performance_org_freshness"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_qa_evaluation_evaluator_id"), "qa_evaluation", ["evaluator_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_qa_evaluation_evaluator_id"), table_name="qa_evaluation")
