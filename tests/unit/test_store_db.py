"""The schema, engines and sessions of bot.store, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import String, exc, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from bot.store.accounts import bind_account
from bot.store.db import (
    alembic_config,
    dispose_engines,
    ensure_schema,
    get_engine,
    get_or_create,
    in_read_session,
    in_session,
    session_scope,
)
from bot.store.errors import InvalidInput, StoreError
from bot.store.models import Account, Base, Bill, Binding, Outage, Ticket, TicketEvent
from bot.store.outages import add_outage
from bot.store.tickets import TicketDraft, create_ticket, events_of

SHANGHAI = timezone(timedelta(hours=8))


def _compare_type(
    context: MigrationContext,
    inspected_column: object,
    metadata_column: object,
    inspected_type: object,
    metadata_type: object,
) -> bool | None:
    """Alembic's type comparison, except VARCHAR lengths on SQLite: it keeps any length in any
    VARCHAR, so a migration widens a column on PostgreSQL only (0010_contact_numbers)."""
    if context.dialect.name == "sqlite" and all(
        isinstance(t, String) for t in (inspected_type, metadata_type)
    ):
        return False
    return None


def _schema_differences(url: str) -> list[object]:
    with get_engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": _compare_type})
        return list(compare_metadata(context, Base.metadata))


def test_migrations_create_exactly_the_models_schema(db_url: str) -> None:
    ensure_schema(db_url)

    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert _schema_differences(db_url) == []


def test_schema_comparison_notices_a_missing_index(store_url: str) -> None:
    """Guards the test above: a schema that differs from the models must not compare equal."""
    with get_engine(store_url).begin() as connection:
        connection.execute(text("DROP INDEX ix_tickets_status"))

    assert _schema_differences(store_url) != []


def test_ensure_schema_is_idempotent_and_reaches_head(store_url: str) -> None:
    ensure_schema(store_url)

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with get_engine(store_url).connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert versions == [(head,)]


def test_a_missing_sqlite_file_and_its_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "var" / "heating.db"
    url = f"sqlite:///{path}"
    try:
        ensure_schema(url)
        assert path.exists()
        assert _schema_differences(url) == []
    finally:
        dispose_engines()


def test_sqlite_enforces_foreign_keys_and_uses_wal(tmp_path: Path, now: datetime) -> None:
    url = f"sqlite:///{tmp_path}/heating.db"
    try:
        ensure_schema(url)
        with get_engine(url).connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA synchronous")).scalar_one() == 1  # NORMAL
        with pytest.raises(IntegrityError), session_scope(url) as session:
            session.add(
                Bill(
                    account_no="0000000000",
                    season="2026-2027",
                    amount_due=1,
                    amount_paid=0,
                    late_fee=0,
                    due_date=now.date(),
                )
            )
    finally:
        dispose_engines()


def test_ensure_schema_from_several_processes_at_once(db_url: str) -> None:
    """The Rasa server, the action server and the console may all start at the same moment."""
    script = "import sys; from bot.store.db import ensure_schema; ensure_schema(sys.argv[1])"
    processes = [
        subprocess.Popen([sys.executable, "-c", script, db_url], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outcomes = [(process.wait(timeout=120), process.stderr.read()) for process in processes]
    for process in processes:
        process.stderr.close()

    assert [code for code, _ in outcomes] == [0, 0, 0, 0], [err for _, err in outcomes]
    assert _schema_differences(db_url) == []


def test_datetimes_are_stored_as_utc_and_read_back_aware(store_url: str, now: datetime) -> None:
    starts = datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)
    with session_scope(store_url) as session:
        outage_id = add_outage(
            session, "planned", ["和平里"], starts, starts + timedelta(hours=10), "检修", now
        ).id

    with session_scope(store_url) as session:
        outage = session.get(Outage, outage_id)
        assert outage.starts_at == starts
        assert outage.starts_at.tzinfo == timezone.utc
        assert outage.starts_at.hour == 0
        found = session.execute(select(Outage).where(Outage.starts_at < starts)).all()
        assert found == []


def test_naive_datetimes_are_refused(session: Session, now: datetime) -> None:
    naive = datetime(2026, 12, 1, 8, 0)
    with pytest.raises(InvalidInput, match="timezone-aware"):
        add_outage(session, "planned", ["和平里"], naive, naive + timedelta(hours=1), "检修", now)
    session.add(
        Account(
            account_no="01234567",
            name="王",
            phone="13800000000",
            community="和平里",
            address="和平里",
            area_m2=1,
            created_at=naive,
        )
    )
    with pytest.raises(StatementError, match="timezone-aware"):
        session.flush()
    session.rollback()


def test_session_scope_commits_on_success_and_rolls_back_on_error(
    store_url: str, add_account: Callable[..., Account]
) -> None:
    with pytest.raises(RuntimeError), session_scope(store_url) as session:
        session.add(
            Account(
                account_no="11111111",
                name="王",
                phone="13800000000",
                community="和平里",
                address="和平里",
                area_m2=1,
            )
        )
        session.flush()
        raise RuntimeError("boom")
    with session_scope(store_url) as session:
        session.add(
            Account(
                account_no="22222222",
                name="李",
                phone="13800000000",
                community="和平里",
                address="和平里",
                area_m2=1,
            )
        )

    with session_scope(store_url) as session:
        numbers = session.execute(select(Account.account_no)).scalars().all()
    assert numbers == ["22222222"]


def test_engines_are_cached_per_url(store_url: str, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path}/other.db"
    assert get_engine(store_url) is get_engine(store_url)
    assert get_engine(other) is not get_engine(store_url)
    assert get_engine() is get_engine(store_url)  # DATABASE_URL points at the test database


def test_sqlite_sessions_of_a_process_run_in_order_in_one_thread(db_url: str) -> None:
    """SQLite: concurrent `in_session` calls queue in one thread (no busy-handler sleeps);
    PostgreSQL: they run side by side in the default pool."""
    ensure_schema(db_url)
    inside = 0
    most_inside = 0
    threads: set[str] = set()
    guard = threading.Lock()

    def slow(session: Session) -> int:
        nonlocal inside, most_inside
        with guard:
            inside += 1
            most_inside = max(most_inside, inside)
            threads.add(threading.current_thread().name)
        session.execute(text("SELECT 1"))
        threading.Event().wait(0.05)
        with guard:
            inside -= 1
        return 1

    async def many() -> list[int]:
        return await asyncio.gather(*(in_session(slow) for _ in range(4)))

    try:
        assert asyncio.run(many()) == [1, 1, 1, 1]
        if db_url.startswith("sqlite"):
            assert most_inside == 1 and len(threads) == 1
            assert threads.pop().startswith("sqlite")
        else:
            assert most_inside > 1
    finally:
        dispose_engines()


def _account(number: str) -> Account:
    return Account(
        account_no=number,
        name="王",
        phone="13800000000",
        community="和平里",
        address="和平里",
        area_m2=1,
    )


def _numbers(session: Session) -> list[str]:
    return list(session.execute(select(Account.account_no)).scalars())


def _add(session: Session, number: str) -> None:
    session.add(_account(number))


def test_a_read_session_reads_the_last_commit_and_refuses_to_write(store_url: str) -> None:
    try:
        asyncio.run(in_session(_add, "11111111"))
        assert asyncio.run(in_read_session(_numbers)) == ["11111111"]
        with pytest.raises(exc.DBAPIError):  # SQLite: query_only; PostgreSQL: READ ONLY
            asyncio.run(in_read_session(_add, "22222222"))
        # the pooled connections write again in a writing session
        asyncio.run(in_session(_add, "33333333"))
        assert sorted(asyncio.run(in_read_session(_numbers))) == ["11111111", "33333333"]
        with pytest.raises(exc.DBAPIError):  # and read-only again after the writing session
            asyncio.run(in_read_session(_add, "44444444"))
    finally:
        dispose_engines()


def test_an_sqlite_read_session_does_not_wait_for_the_write_lock(tmp_path: Path) -> None:
    """Another process (here: a plain sqlite3 connection) holds the write lock: a writing
    session waits for it, a read-only one reads the last commit at once."""
    path = tmp_path / "lock.db"
    url = f"sqlite:///{path}"
    ensure_schema(url)
    with session_scope(url) as session:
        session.add(_account("11111111"))
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("DELETE FROM accounts")
        with session_scope(url, read_only=True) as session:
            assert _numbers(session) == ["11111111"]
        waiting = sqlite3.connect(path, isolation_level=None, timeout=0.2)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            waiting.execute("BEGIN IMMEDIATE")
        waiting.close()
        holder.execute("ROLLBACK")
    finally:
        holder.close()
        dispose_engines()


def test_a_session_thread_is_replaced_after_dispose(store_url: str) -> None:
    """After `dispose_engines` (a fork, a test) `in_session` starts a new thread and still works."""

    def thread(session: Session) -> threading.Thread:
        session.execute(text("SELECT 1"))
        return threading.current_thread()

    first = asyncio.run(in_session(thread))
    assert asyncio.run(in_session(thread)) is first or not store_url.startswith("sqlite")
    dispose_engines()
    second = asyncio.run(in_session(thread))
    assert second is not first
    dispose_engines()


def test_a_forked_child_gets_its_own_session_thread(store_url: str) -> None:
    """A child process has none of its parent's threads; `in_session` must not wait for one."""
    import os

    def one(session: Session) -> int:
        return int(session.execute(text("SELECT 1")).scalar_one())

    assert asyncio.run(in_session(one)) == 1
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            asyncio.run(asyncio.wait_for(in_session(one), 10))
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    dispose_engines()


@pytest.mark.postgres
def test_postgres_pool_size_comes_from_the_environment(
    postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SQL_POOL_SIZE", "3")
    url = f"{postgres_database}?application_name=pool_test"
    try:
        assert get_engine(url).pool.size() == 3
        monkeypatch.setenv("SQL_POOL_SIZE", "many")
        with pytest.raises(ValueError, match="SQL_POOL_SIZE"):
            get_engine(f"{postgres_database}?application_name=pool_test_2")
    finally:
        dispose_engines()


def test_get_or_create_returns_the_row_a_concurrent_writer_created(
    session: Session, add_account: Callable[..., Account], now: datetime
) -> None:
    """The race path: our lookup missed, the other transaction's row wins the unique constraint."""
    add_account("0102345678")
    theirs = bind_account(session, "wechat", "openid-1", "0102345678", now)
    ours_pending = add_account("0102345679")  # unrelated work of this transaction must survive
    lookups = iter([None, theirs])

    def create_duplicate() -> Binding:
        binding = Binding(
            channel="wechat", sender_id="openid-1", account_no="0102345678", created_at=now
        )
        session.add(binding)
        return binding

    result = get_or_create(session, lambda: next(lookups), create_duplicate)

    assert result is theirs
    assert session.execute(select(Binding)).scalars().all() == [theirs]
    assert session.get(Account, ours_pending.account_no) is ours_pending


def test_json_columns_keep_chinese_and_datetimes(store_url: str, now: datetime) -> None:
    transcript = [{"role": "user", "text": "暖气不热", "at": now}]
    with session_scope(store_url) as session:
        ticket = create_ticket(
            session, TicketDraft("BX", "wechat", "openid-1", transcript=transcript), now
        )
    with session_scope(store_url) as session:
        stored = session.get(Ticket, ticket.id)
        assert stored.transcript == [{"role": "user", "text": "暖气不热", "at": now.isoformat()}]
        raw = session.execute(text("SELECT transcript FROM tickets")).scalar_one()
        assert "暖气不热" in raw


def test_ticket_history_cannot_be_rewritten(store_url: str, now: datetime) -> None:
    with session_scope(store_url) as session:
        ticket = create_ticket(session, TicketDraft("BX", "wechat", "openid-1"), now)
        (created,) = events_of(session, ticket)

    with pytest.raises(StoreError, match="append-only"), session_scope(store_url) as session:
        session.get(TicketEvent, created.id).actor = "someone else"
    with pytest.raises(StoreError, match="append-only"), session_scope(store_url) as session:
        session.delete(session.get(TicketEvent, created.id))

    with session_scope(store_url) as session:
        assert session.get(TicketEvent, created.id).actor == "wechat:openid-1"


def test_the_conversation_id_migration_namespaces_existing_rows(db_url: str) -> None:
    """0005: rows stored under bare identities move into their channel's namespace, once."""
    from alembic import command

    engine = get_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0004")
    rows = [("sms", "13812345678"), ("wechat", "oAbc"), ("socketio", "s1"), ("rest", "me")]
    with engine.begin() as connection:
        for n, (channel, sender) in enumerate(rows):
            connection.execute(
                text(
                    "INSERT INTO verification_attempts "
                    "(channel, sender_id, account_no, success, at) "
                    "VALUES (:c, :s, :a, false, '2026-12-01 00:00:00+00:00')"
                ),
                {"c": channel, "s": sender, "a": f"01023456{70 + n}"},
            )
        connection.execute(
            text("INSERT INTO suppressions (channel, address, word, created_at) "
                 "VALUES ('sms', '13812345678', 'TD', '2026-12-01 00:00:00+00:00')")
        )  # fmt: skip
    ensure_schema(db_url)
    ensure_schema(db_url)  # at head already: nothing runs twice
    with engine.connect() as connection:
        tried = text("SELECT channel, sender_id FROM verification_attempts")
        bound = {(row[0], row[1]) for row in connection.execute(tried)}
        opted_out = connection.execute(text("SELECT address FROM suppressions")).scalar_one()
    assert bound == {
        ("sms", "sms:13812345678"),
        ("wechat", "wechat:oAbc"),
        ("socketio", "web:s1"),
        ("rest", "rest:me"),
    }
    assert opted_out == "sms:13812345678"  # the opt-out still stops notices to that number
    dispose_engines()


# ---- the store's files are its user's only (red team R10) -----------------------------------


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_sqlite_store_and_its_log_are_readable_by_their_user_only(tmp_path: Path) -> None:
    database = tmp_path / "var" / "heating.db"
    url = f"sqlite:///{database}"
    try:
        ensure_schema(url)  # as `db init` and every process at start
        with session_scope(url) as session:
            session.execute(text("SELECT 1"))
        assert _mode(database.parent) == 0o700  # the folder it had to create
        assert _mode(database) == 0o600
        assert Path(f"{database}-wal").exists() and _mode(Path(f"{database}-wal")) == 0o600
        assert _mode(Path(f"{database}-shm")) == 0o600
    finally:
        dispose_engines()


def test_a_store_left_world_readable_is_tightened_at_start(tmp_path: Path) -> None:
    database = tmp_path / "heating.db"
    url = f"sqlite:///{database}"
    try:
        ensure_schema(url)
    finally:
        dispose_engines()
    for path in (database, Path(f"{database}-wal")):
        path.touch()
        path.chmod(0o644)  # what the default umask gave before
    tmp_path.chmod(0o755)
    try:
        ensure_schema(url)
        assert _mode(database) == 0o600 and _mode(Path(f"{database}-wal")) == 0o600
        assert _mode(tmp_path) == 0o755  # a folder it did not create is the operator's (/tmp)
    finally:
        dispose_engines()
