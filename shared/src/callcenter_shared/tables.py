"""Tables every service database has besides its own: outbox, inbox, idempotency, deadline.

They are defined once here and copied into each service's metadata, so every
service's Alembic migrations create them and shared code can write to them.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from callcenter_shared.db import UtcDateTime, new_metadata

_platform = new_metadata()

# SQLite only auto-increments an INTEGER PRIMARY KEY.
_SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "outbox",
    _platform,
    Column("seq", _SEQUENCE, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("subject", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
)
Index(
    "ix_outbox_unpublished",
    outbox.c.seq,
    postgresql_where=outbox.c.published_at.is_(None),
    sqlite_where=outbox.c.published_at.is_(None),
)

inbox = Table(
    "inbox",
    _platform,
    Column("event_id", String(36), primary_key=True),
    Column("subject", String(200), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

idempotency_key = Table(
    "idempotency_key",
    _platform,
    Column("principal", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("content_type", String(100), nullable=True),
    Column("response_body", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("completed_at", UtcDateTime, nullable=True),
    # Which attempt holds the key: a take-over swaps it, so a stale attempt can no longer commit.
    Column("claim_id", String(36), nullable=True),
    Column("lease_expires_at", UtcDateTime, nullable=True),
    # Set in the business transaction itself: the change is in, even if the response was never stored.
    Column("committed_at", UtcDateTime, nullable=True),
)

deadline = Table(
    "deadline",
    _platform,
    Column("id", String(36), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("ref_id", String(64), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("payload", Text, nullable=False, default="{}"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("fired_at", UtcDateTime, nullable=True),
    Column("cancelled_at", UtcDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
)
Index(
    "ix_deadline_due",
    deadline.c.due_at,
    postgresql_where=deadline.c.fired_at.is_(None) & deadline.c.cancelled_at.is_(None),
    sqlite_where=deadline.c.fired_at.is_(None) & deadline.c.cancelled_at.is_(None),
)
Index("ix_deadline_ref", deadline.c.kind, deadline.c.ref_id)


def include_platform_tables(metadata: MetaData) -> None:
    """Add the platform tables to a service's metadata (for its migrations)."""
    for table in (outbox, inbox, idempotency_key, deadline):
        table.to_metadata(metadata)
