"""seed the standard KPI definitions (PRF-1)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:40:00

"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KPI = sa.table(
    "kpi_definition",
    sa.column("id", sa.Uuid()),
    sa.column("code", sa.String()),
    sa.column("name", sa.String()),
    sa.column("description", sa.Text()),
    sa.column("kind", sa.String()),
    sa.column("metric", sa.String()),
    sa.column("denominator_metric", sa.String()),
    sa.column("scale", sa.Float()),
    sa.column("threshold", sa.Float()),
    sa.column("threshold_op", sa.String()),
    sa.column("direction", sa.String()),
    sa.column("target", sa.Float()),
    sa.column("new_hire_target", sa.Float()),
    sa.column("weight", sa.Float()),
    sa.column("active", sa.Boolean()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)

STANDARD = [
    ("csat", "Customer satisfaction", "Satisfied answers per 100 survey answers.",
     "ratio", "csat_satisfied", "csat_surveys", 100.0, None, None, "higher", 90.0, 85.0, 20.0),
    ("fcr", "First-contact resolution", "Contacts resolved at first contact per 100 eligible contacts.",
     "ratio", "fcr_resolved", "fcr_eligible", 100.0, None, None, "higher", 80.0, 70.0, 15.0),
    ("aht", "Average handling time", "Handling seconds per handled call.",
     "ratio", "handle_seconds", "calls_handled", 1.0, None, None, "lower", 300.0, 360.0, 10.0),
    ("service_level", "Service level", "Share of days on which calls were answered within 20 s on average.",
     "threshold", "avg_answer_seconds", None, 100.0, 20.0, "le", "higher", 80.0, 70.0, 10.0),
    ("adherence", "Schedule adherence", "Minutes in adherence per 100 scheduled minutes.",
     "ratio", "adherent_minutes", "scheduled_minutes", 100.0, None, None, "higher", 95.0, 90.0, 15.0),
    ("qa_average", "QA average", "Average score of the agent's final QA evaluations.",
     "average", "qa_score", None, 1.0, None, None, "higher", 85.0, 80.0, 20.0),
    ("complaints", "Verified complaints", "Complaints verified and attributed to the agent.",
     "sum", "verified_complaints", None, 1.0, None, None, "lower", 1.0, None, 10.0),
]

IDS = {
    "csat": "0b6c6f0e-2d7a-4a55-9a11-000000000001",
    "fcr": "0b6c6f0e-2d7a-4a55-9a11-000000000002",
    "aht": "0b6c6f0e-2d7a-4a55-9a11-000000000003",
    "service_level": "0b6c6f0e-2d7a-4a55-9a11-000000000004",
    "adherence": "0b6c6f0e-2d7a-4a55-9a11-000000000005",
    "qa_average": "0b6c6f0e-2d7a-4a55-9a11-000000000006",
    "complaints": "0b6c6f0e-2d7a-4a55-9a11-000000000007",
}


def upgrade() -> None:
    import uuid

    now = datetime(2026, 11, 23, tzinfo=UTC)
    keys = ("code", "name", "description", "kind", "metric", "denominator_metric", "scale", "threshold",
            "threshold_op", "direction", "target", "new_hire_target", "weight")
    rows = []
    for values in STANDARD:
        row = dict(zip(keys, values, strict=True))
        rows.append({"id": uuid.UUID(IDS[row["code"]]), **row, "active": True, "updated_at": now})
    op.bulk_insert(KPI, rows)


def downgrade() -> None:
    op.execute(KPI.delete().where(KPI.c.code.in_(list(IDS))))
