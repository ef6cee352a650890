"""Async engine and session wiring that behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Boolean, CursorResult, DateTime, Executable, MetaData, Select, event, make_url, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute, Session
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from callcenter_shared.errors import NotFound
from callcenter_shared.i18n import Message
from callcenter_shared.sqlite_inline import inline_creator

Row = TypeVar("Row")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite stores naive text)."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def dialect_insert(session: AsyncSession) -> Callable[[Any], Any]:
    """The session's dialect's `insert`, which has `on_conflict_do_nothing` / `on_conflict_do_update`."""
    return dialect_insert_for(session.get_bind().dialect.name)


def dialect_insert_for(dialect_name: str) -> Callable[[Any], Any]:
    """That dialect's `insert` (PostgreSQL's or SQLite's), which has the ON CONFLICT clauses."""
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


async def get_for_update(session: AsyncSession, model: type[Row], key: Any, *, missing: Message) -> Row:
    """The row, locked until commit and read afresh, or `NotFound(missing)`.

    Check a status or a balance only on a row read this way: two requests that read it
    unlocked would both pass the check and the later write would undo the earlier one.
    On SQLite FOR UPDATE is dropped, but a service's single connection serialises writers.
    """
    row = await session.get(model, key, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(missing)
    return row


async def get_or_404(session: AsyncSession, model: type[Row], key: Any, *, missing: Message, lock: bool = False) -> Row:
    """The row, or `NotFound(missing)`; with `lock`, locked until commit and read afresh (`get_for_update`)."""
    if lock:
        return await get_for_update(session, model, key, missing=missing)
    row = await session.get(model, key)
    if row is None:
        raise NotFound(missing)
    return row


async def lock_rows(
    session: AsyncSession, column: InstrumentedAttribute[Any], keys: Iterable[Any], *, shared: bool = False
) -> None:
    """Lock the rows whose `column` is in `keys`, in key order, so two lockers of overlapping sets cannot deadlock.

    The rows are read afresh into the session too, so a `session.get` of one of them afterwards costs no statement.
    `shared` takes FOR SHARE: lockers that only rely on the rows do not wait for each other, only for a writer.
    """
    wanted = sorted(set(keys))
    if wanted:
        locked = await session.scalars(
            select(column.class_)
            .where(column.in_(wanted))
            .order_by(column)
            .with_for_update(read=shared)
            .execution_options(populate_existing=True)
        )
        keep_loaded(session, *locked)


_KEPT = "callcenter_kept"


def keep_loaded(session: AsyncSession, *instances: object) -> None:
    """Keep these objects in the session until it ends, so reading them again (`session.get`, names) costs nothing.

    The session's identity map holds objects weakly: one read in a helper is gone when the helper returns.
    """
    session.info.setdefault(_KEPT, []).extend(instances)


class _Among(ColumnElement[bool]):
    """`column` is one of the ids `ids` selects (see `among`)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own class attribute)
        ("column", InternalTraversal.dp_clauseelement),
        ("ids", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], ids: Select[Any]) -> None:
        self.column = column
        self.ids = ids.scalar_subquery()


def among(column: ColumnElement[Any] | QueryableAttribute[Any], ids: Select[Any]) -> ColumnElement[bool]:
    """`column IN (ids)` whose cost follows the ids, not the table being filtered.

    PostgreSQL plans `x IN (SELECT ...)` as a join against the whole table being filtered (or, inside
    an OR, as a subplan run for every row); `x = ANY(ARRAY(SELECT ...))` reads the ids once and then
    only their rows through `column`'s index. Elsewhere (SQLite) it is the plain `IN`.
    """
    return _Among(column.__clause_element__(), ids)


@compiles(_Among)
def _among_in(element: _Among, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(element.ids.element), **kw)


@compiles(_Among, "postgresql")
def _among_any(element: _Among, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY{compiler.process(element.ids, **kw)})"


async def execute_alone(
    engine: AsyncEngine, statement: Executable, parameters: dict[str, Any] | None = None
) -> CursorResult[Any]:
    """Run one statement as a transaction of its own; its rows are read before the connection goes back.

    On PostgreSQL in autocommit: one round trip, where BEGIN, the statement and COMMIT are three.
    """
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            return await autocommit.execute(statement, parameters)
        async with connection.begin():
            return await connection.execute(statement, parameters)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine with the pragmas SQLite needs to behave (WAL, foreign keys, busy wait)."""
    # A failed statement's message would otherwise quote its parameters (names, notes) into logs.
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        _create_parent_directory(url)
        # One connection: SQLite serialises writers anyway, and a pool of 1 measured faster.
        kwargs["pool_size"] = 1
        kwargs["max_overflow"] = 0
        kwargs.setdefault("async_creator", inline_creator(make_url(url)))  # no thread hop per call
        engine = create_async_engine(url, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 0)  # see `ServiceSettings.database_pool_size`
    engine = create_async_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


# A pooled connection is checked before use only when it sat idle this long. SQLAlchemy's
# `pool_pre_ping` checks it on every checkout: three more round trips (BEGIN, ping, ROLLBACK)
# for every request, while a connection in steady use is as alive as its last statement showed.
PING_AFTER_IDLE_SECONDS = 1.0
_IDLE_SINCE = "callcenter_idle_since"


def _ping_when_idle(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or in steady use
        try:
            dbapi_connection.ping()
        except Exception as exc:  # a dead connection: the pool drops it and checks out another
            raise DisconnectionError(str(exc)) from exc


def _create_parent_directory(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


# Set in a session's `info` once it wrote anything (rows flushed, or an INSERT/UPDATE/DELETE
# statement); `after_commit` sees it, and the task stream is told the data changed.
WROTE_FLAG = "wrote"


# Set in a session's `info` for a request that only reads (GET): any write is a defect and refused.
READ_ONLY_FLAG = "read_only"


class WriteInReadOnlySession(RuntimeError):
    """A GET tried to change data: reads run without a transaction around them, so it must not."""


async def make_read_only(session: AsyncSession) -> None:
    """Let this session only read. On PostgreSQL its statements then run in autocommit: a request
    that reads needs no BEGIN and COMMIT (two round trips), as under READ COMMITTED each statement
    sees its own snapshot with or without a transaction around it. Call it before the first statement."""
    session.info[READ_ONLY_FLAG] = True
    if session.get_bind().dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _refuse_flushed_writes(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READ_ONLY_FLAG) and (
        session.new or session.deleted or any(session.is_modified(instance) for instance in session.dirty)
    ):
        raise WriteInReadOnlySession("a read-only (GET) request tried to write rows")


def _refuse_statement_writes(state: Any) -> None:
    if state.session.info.get(READ_ONLY_FLAG) and (state.is_insert or state.is_update or state.is_delete):
        raise WriteInReadOnlySession(f"a read-only (GET) request tried to run {state.statement}")


def _note_flushed_writes(session: Session, _context: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[WROTE_FLAG] = True


def _note_statement_writes(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE_FLAG] = True


def create_session_factory(
    engine: AsyncEngine, *, after_commit: Callable[[dict[str, Any]], None] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions for one engine; `after_commit` sees each committed session's `info`."""
    session_class = type("ServiceSession", (Session,), {})
    event.listen(session_class, "before_flush", _refuse_flushed_writes)
    event.listen(session_class, "do_orm_execute", _refuse_statement_writes)
    event.listen(session_class, "after_flush", _note_flushed_writes)
    event.listen(session_class, "do_orm_execute", _note_statement_writes)
    if after_commit is not None:
        event.listen(session_class, "after_commit", lambda session: after_commit(session.info))
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True, sync_session_class=session_class)
