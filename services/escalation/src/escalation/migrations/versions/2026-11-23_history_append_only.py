"""history append only: the database itself refuses to change or delete history and cases (ESC-5)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:30:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY = "case_history is append-only (ESC-5)"
CASES = "cases are never deleted (ESC-5)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION case_history_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{HISTORY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER case_history_append_only BEFORE UPDATE OR DELETE ON case_history "
            "FOR EACH ROW EXECUTE FUNCTION case_history_append_only()"
        )
        op.execute(
            f"CREATE FUNCTION case_never_deleted() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{CASES}'; END $$"
        )
        op.execute(
            'CREATE TRIGGER case_never_deleted BEFORE DELETE ON "case" FOR EACH ROW EXECUTE FUNCTION case_never_deleted()'
        )
    else:
        for name, event in (("case_history_no_update", "UPDATE"), ("case_history_no_delete", "DELETE")):
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON case_history BEGIN SELECT RAISE(ABORT, '{HISTORY}'); END"
            )
        op.execute(f"CREATE TRIGGER case_never_deleted BEFORE DELETE ON \"case\" BEGIN SELECT RAISE(ABORT, '{CASES}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('DROP TRIGGER case_never_deleted ON "case"')
        op.execute("DROP FUNCTION case_never_deleted()")
        op.execute("DROP TRIGGER case_history_append_only ON case_history")
        op.execute("DROP FUNCTION case_history_append_only()")
    else:
        op.execute("DROP TRIGGER case_never_deleted")
        op.execute("DROP TRIGGER case_history_no_delete")
        op.execute("DROP TRIGGER case_history_no_update")
