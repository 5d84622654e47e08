"""Engines, sessions and the schema: how every process reaches the database.

The Rasa server, the action server, the console and the CLI each call `ensure_schema()` at start,
possibly at the same moment, so bringing the schema to the current migration must be safe when run
concurrently: on SQLite the migration runs inside one `BEGIN IMMEDIATE` transaction, on PostgreSQL
under a transaction-scoped advisory lock; whoever comes second finds the schema already current.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import os
import stat
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, exc, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.config import settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Any constant shared by every process of the assistant; it names the advisory lock taken while
# migrating PostgreSQL ("heat" in ASCII).
_MIGRATION_LOCK_ID = 0x68656174
# The execution option that marks a read-only engine (`get_engine(read_only=True)`).
_READ_ONLY = "heating_read_only"

_engines: dict[str, Engine] = {}
_read_only_engines: dict[str, Engine] = {}
_executors: dict[str, ThreadPoolExecutor] = {}
_engines_lock = threading.Lock()

T = TypeVar("T")


def _sqlite_engine(url: str) -> Engine:
    """An SQLite engine that behaves like a database server would for our access pattern.

    pysqlite opens transactions lazily and mishandles SAVEPOINT, so we take over transaction
    control and open every transaction with `BEGIN IMMEDIATE`: writers queue on the busy timeout
    instead of failing with "database is locked" when a read transaction tries to become a writer.
    WAL lets readers outside transactions proceed while one process writes; `synchronous=NORMAL`
    syncs the log at checkpoints instead of at every commit (a commit survives a crashed process,
    a power cut may lose the last ones; production runs on PostgreSQL). Every WeChat message
    commits several times (ledger claim, answer, delivery), and per-commit syncs queued them.

    A file database keeps a small pool of connections: SQLAlchemy 1.4's default for SQLite files
    (NullPool) opened a new connection, with its PRAGMAs, for every session, which showed up in
    the Rasa server's profile under load (docs/performance.md).
    """
    database = make_url(url).database
    pooled: dict[str, Any] = {}
    if database and database != ":memory:" and not database.startswith("file:"):
        keep_private(Path(database).expanduser())
        pooled = {"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10}
    engine = create_engine(
        url, future=True, connect_args={"check_same_thread": False, "timeout": 30}, **pooled
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = bool(connection.get_execution_options().get(_READ_ONLY))
        # `query_only` is a setting of the pooled connection: changed only when it has to be.
        info = connection.connection.info
        if info.get("query_only", False) != read_only:
            connection.exec_driver_sql(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
            info["query_only"] = read_only
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


#: What SQLite writes beside a database file; it gives them the database file's mode.
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def keep_private(database: Path) -> None:
    """Make the SQLite file `database` readable and writable by this user only (0600), before
    SQLite opens it, and its folder (0700) when it has to be created.

    The ticket store holds every household's whole phone and account numbers, addresses and
    words: created with the default umask it was `-rw-r--r--`, readable by every account on the
    machine (red team R10). SQLite creates the `-wal` and `-shm` files with the database file's
    mode, so a file made 0600 here (an empty file is an empty database) keeps them private too;
    an older file, or a companion left from before, is tightened if this user owns it.
    """
    if not database.parent.exists():
        database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    for path in (database, *(Path(f"{database}{suffix}") for suffix in _SQLITE_COMPANIONS)):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(mode & 0o700)


def _postgres_engine(url: str) -> Engine:
    """A PostgreSQL engine whose pooled connections are checked before use (servers restart)."""
    raw_size = os.environ.get("SQL_POOL_SIZE", "5")
    try:
        pool_size = int(raw_size)
    except ValueError:
        pool_size = 0
    if pool_size < 1:
        raise ValueError(f"SQL_POOL_SIZE must be a positive integer, got {raw_size!r}")
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=pool_size)


def get_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """The process's engine for `url` (default `settings().database_url`), created once per URL.

    `read_only`: the same engine and pool, for transactions that only read. On SQLite they open
    with a plain `BEGIN` under `PRAGMA query_only`, so they neither take nor wait for the write
    lock (WAL readers see the last commit); every other transaction holds that lock from its
    `BEGIN IMMEDIATE` to its end, and the action server's lookups on every form turn queued
    the Rasa server's WeChat ledger writes behind them. On PostgreSQL they are `READ ONLY`
    transactions. A write in one fails there instead of taking effect.
    """
    url = url or settings().database_url
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _sqlite_engine(url) if url.startswith("sqlite") else _postgres_engine(url)
            _engines[url] = engine
        if not read_only:
            return engine
        reader = _read_only_engines.get(url)
        if reader is None:
            options = {_READ_ONLY: True}
            if engine.dialect.name == "postgresql":
                options["postgresql_readonly"] = True
            reader = engine.execution_options(**options)
            _read_only_engines[url] = reader
        return reader


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines (after fork, at shutdown, in tests).

    The SQLite session threads are let go too, with the work still queued on them.
    """
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _read_only_engines.clear()
        for executor in _executors.values():
            executor.shutdown(wait=False, cancel_futures=True)
        _executors.clear()


def _forget_session_threads() -> None:
    """In a forked child: its parent's session threads are not there, so their pools are not
    used (a single-worker pool would never start a new thread, and `in_session` would wait
    forever)."""
    _executors.clear()


os.register_at_fork(after_in_child=_forget_session_threads)


def by_dialect(build: Callable[[Callable[..., Any]], T]) -> dict[str, T]:
    """One prebuilt statement per database we run on, each from that dialect's `insert` (the
    one with `on_conflict_do_nothing` / `on_conflict_do_update`); pick with `for_session`."""
    return {"postgresql": build(postgresql.insert), "sqlite": build(sqlite.insert)}


def for_session(statements: dict[str, T], session: Session) -> T:
    """The statement of `by_dialect` for the database `session` is bound to."""
    name = session.get_bind().dialect.name
    return statements["postgresql" if name == "postgresql" else "sqlite"]


_session_factory = sessionmaker(future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None, *, read_only: bool = False) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back when it raises.

    Objects stay usable after the commit (`expire_on_commit=False`), so a caller may read the
    ticket it just created after leaving the block. `read_only`: see `get_engine`.
    """
    session = _session_factory(bind=get_engine(url, read_only=read_only))
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for our migrations, built in code so no alembic.ini is needed.

    With `connection`, the migrations run on it, inside the caller's transaction.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def ensure_schema(url: str | None = None) -> None:
    """Bring the database at `url` to the newest migration, creating a missing SQLite file.

    Runs in a single transaction that other processes doing the same wait for (see module doc).
    """
    engine = get_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID}
            )
        command.upgrade(alembic_config(connection), "head")


def get_or_create(session: Session, find: Callable[[], T | None], create: Callable[[], T]) -> T:
    """Return what `find()` finds, else what `create()` adds, even when two callers race.

    `create` runs inside a savepoint; if a unique constraint rejects it because another transaction
    created the same row meanwhile, only the savepoint is rolled back and that row is returned.
    """
    existing = find()
    if existing is not None:
        return existing
    try:
        with session.begin_nested():
            created = create()
    except exc.IntegrityError:
        existing = find()
        if existing is None:
            raise
        return existing
    return created


async def in_session(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(session, *args, **kwargs)` in a worker thread, in one committed session.

    SQLAlchemy 1.4 sessions block; the event loops of the Rasa server, the action server and the
    console must not, or every conversation stalls while one request waits for the database.
    On SQLite the sessions of a process run one after another in one thread (`_executor`).
    """
    return await _in_thread(fn, args, kwargs, read_only=False)


async def in_read_session(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`in_session` for work that only reads: a read-only transaction (see `get_engine`)."""
    return await _in_thread(fn, args, kwargs, read_only=True)


async def _in_thread(
    fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], *, read_only: bool
) -> T:
    url = settings().database_url

    def work() -> T:
        with session_scope(url, read_only=read_only) as session:
            return fn(session, *args, **kwargs)

    context = contextvars.copy_context()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(url), functools.partial(context.run, work))


def _executor(url: str) -> ThreadPoolExecutor | None:
    """Where `in_session` runs work on `url`: one thread per SQLite file, else the default pool.

    SQLite has one writer, and every session here opens with `BEGIN IMMEDIATE`: sessions from
    several threads of one process only queue on the file lock, whose busy handler sleeps 1, 2,
    5, 10 … ms between tries, so a WeChat message's ledger updates waited tens of milliseconds
    behind each other under load (44 % of the Rasa server's database time, docs/performance.md)
    and their threads fought the event loop for the interpreter. One thread per file runs the
    `in_session` work of a process in order; what other processes (the action server) and the
    remaining `asyncio.to_thread` callers write still meets the busy handler. A slow session
    (a console report) delays the ones queued behind it. PostgreSQL takes them concurrently.
    """
    if not url.startswith("sqlite"):
        return None
    with _engines_lock:
        executor = _executors.get(url)
        if executor is None:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
            _executors[url] = executor
        return executor
