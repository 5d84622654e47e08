"""Database fixtures for the store, importer and CLI tests, on SQLite and on PostgreSQL.

`db_url` is parametrised over both backends: an SQLite file in the test's tmp folder, and a fresh
schema inside a throwaway PostgreSQL database (`heating_test_<random>`, created once per test
session and dropped after it by a detached process: with one schema per test it holds a file for
every table and index of some two thousand schemas, and dropping it took three minutes of the
suite's end). PostgreSQL tests carry the `postgres` mark and are skipped when
the server at TEST_POSTGRES_URL (default 127.0.0.1:5432, user postgres, database test) is down.

Every store fixture also points DATABASE_URL at the test database and pins the company zone to
Asia/Shanghai, so nothing a test runs can reach the developer's own database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.config import settings
from bot.standins.wechat_api import WeChatApiStandIn
from bot.store.accounts import format_address
from bot.store.db import dispose_engines, ensure_schema, session_scope
from bot.store.models import Account

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# 2026-11-27 20:00 in Shanghai: a Friday evening in the heating season.
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def _autocommit_engine(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT", future=True)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The URL of a PostgreSQL database that exists for this test session only."""
    admin = _autocommit_engine(ADMIN_URL)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {error.orig}")
    name = f"heating_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()
        admin.dispose()
        _drop_after_the_session(name)


#: Run by a detached interpreter: drop the session's database (argv 2) on the server (argv 1).
_DROP_DATABASE = """
import sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1], isolation_level="AUTOCOMMIT", future=True)
with engine.connect() as connection:
    connection.execute(text(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)'))
"""


def _drop_after_the_session(name: str) -> None:
    """Drop the session's database in a process of its own that pytest does not wait for."""
    subprocess.Popen(
        [sys.executable, "-c", _DROP_DATABASE, ADMIN_URL, name],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _postgres_schema_url(database_url: str) -> str:
    """A URL whose connections work in a new, empty schema of `database_url`'s database."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = _autocommit_engine(database_url)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{database_url}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(
    request: pytest.FixtureRequest, tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An empty database (no schema yet), also set as DATABASE_URL for code that reads settings."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/var/heating.db"
    else:
        url = _postgres_schema_url(request.getfixturevalue("postgres_database"))
    yield from _in_use(url, monkeypatch)


@pytest.fixture
def store_url(db_url: str) -> str:
    """A database at the newest schema."""
    ensure_schema(db_url)
    return db_url


@pytest.fixture
def postgres_store_url(postgres_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL database at the newest schema, for tests of interleaved transactions."""
    url = _postgres_schema_url(postgres_database)
    ensure_schema(url)
    yield from _in_use(url, monkeypatch)


@pytest.fixture
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The company's zone is Asia/Shanghai for this test, whatever the environment says."""
    monkeypatch.setenv("HEATING_TIMEZONE", "Asia/Shanghai")
    settings.cache_clear()
    yield
    settings.cache_clear()


def _in_use(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Make `url` the process's database (and Shanghai its zone) for one test."""
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("HEATING_TIMEZONE", "Asia/Shanghai")
    settings.cache_clear()
    yield url
    dispose_engines()
    settings.cache_clear()


@pytest.fixture
def session(store_url: str) -> Iterator[Session]:
    """A session on `store_url`, committed when the test ends."""
    with session_scope(store_url) as opened:
        yield opened


@pytest.fixture
def now() -> datetime:
    """The tests' clock: 2026-11-27 20:00 in Shanghai."""
    return NOW


def _wait_for_lock_wait(url: str, timeout: float = 10.0) -> None:
    engine = _autocommit_engine(make_url(url).set(query={}).render_as_string(hide_password=False))
    deadline = time.monotonic() + timeout
    try:
        with engine.connect() as connection:
            while time.monotonic() < deadline:
                waiting = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar_one()
                if waiting:
                    return
                time.sleep(0.02)
    finally:
        engine.dispose()
    raise AssertionError("no session started waiting for a lock")


@pytest.fixture
def wait_for_lock_wait() -> Callable[[str], None]:
    """`wait(url)` returns once a session of the PostgreSQL database at `url` waits for a lock.

    Lets a test interleave two transactions at an exact point instead of sleeping and hoping.
    """
    return _wait_for_lock_wait


@pytest.fixture
def add_account(session: Session) -> Callable[..., Account]:
    """`add_account(account_no, community=…, **columns)`: an account with plausible defaults."""

    def add(account_no: str, community: str = "阳光花园", **columns: Any) -> Account:
        values: dict[str, Any] = {
            "name": "测试户",
            "phone": "13800000000",
            "building": "1",
            "unit": "1",
            "room": "101",
            "area_m2": Decimal("80.00"),
            "billing_kind": "area",
            "created_at": NOW,
        }
        values.update(columns)
        address = format_address(community, values["building"], values["unit"], values["room"])
        account = Account(account_no=account_no, community=community, address=address, **values)
        session.add(account)
        session.flush()
        return account

    return add


@pytest.fixture(scope="module")
def standin(request: pytest.FixtureRequest) -> Iterator[WeChatApiStandIn]:
    """A WeChat API stand-in for the test module's Official Account (its `APP_ID`, `SECRET`),
    started once per module."""
    server = WeChatApiStandIn(request.module.APP_ID, request.module.SECRET).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def wechat(standin: WeChatApiStandIn, store_url: str) -> WeChatApiStandIn:
    """The stand-in, fresh, and an empty store (where the access token is kept)."""
    standin.reset()
    return standin
