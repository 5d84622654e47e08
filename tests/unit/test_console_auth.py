"""Agents' passwords, signed cookies, CSRF tokens, login sessions and the login throttle,
settings, demo agents."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.base.addresses import address_group, client_address
from bot.config import ConfigError
from bot.console import logins
from bot.console.auth import (
    SESSION_SECONDS,
    check_password_strength,
    csrf_ok,
    hash_password,
    issue_session,
    read_session,
    retry_after,
    verify_password,
)
from bot.console.cli import ensure_demo_agents
from bot.console.config import LoginLimits, load_console_settings
from bot.store import agents as agent_store
from bot.store.agents import get_agent_by_username
from bot.store.db import session_scope

SECRET = b"c" * 40


def test_passwords_are_salted_scrypt_hashes() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("scrypt$16384$8$1$") and first != second  # a fresh salt each time
    assert "correct horse" not in first
    assert verify_password("correct horse", first) and verify_password("correct horse", second)
    assert not verify_password("correct horsf", first)
    assert not verify_password("", first)


@pytest.mark.parametrize(
    "stored", ["", "plain", "pbkdf2$1$2$3$4$5", "scrypt$x$8$1$AA$BB", "scrypt$16384$8$1$@@$##"]
)
def test_malformed_hashes_never_match(stored: str) -> None:
    assert not verify_password("anything", stored)


def test_short_passwords_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 10"):
        check_password_strength("short")
    check_password_strength("long enough!")


def test_a_session_cookie_reads_back_until_it_expires() -> None:
    now = time.time()
    cookie, issued = issue_session(SECRET, now)
    session = read_session(cookie, SECRET, now + 60)
    assert session == issued and session.session_id not in session.key  # only a hash is stored
    assert read_session(cookie, SECRET, now + SESSION_SECONDS + 1) is None
    assert issue_session(SECRET, now)[1].key != issued.key  # a fresh random id per login


def test_forged_or_altered_cookies_are_refused() -> None:
    now = time.time()
    cookie, _ = issue_session(SECRET, now)
    payload, signature = cookie.split(".")
    other, _ = issue_session(SECRET, now)
    assert read_session(cookie, b"another secret" * 3, now) is None
    assert read_session(f"{other.split('.')[0]}.{signature}", SECRET, now) is None
    assert read_session(payload, SECRET, now) is None
    assert read_session(f"{payload}.{signature}x", SECRET, now) is None
    assert read_session(None, SECRET, now) is None and read_session("a.b.c", SECRET, now) is None


def test_csrf_token_must_match_the_cookie() -> None:
    cookie, issued = issue_session(SECRET, time.time())
    session = read_session(cookie, SECRET, time.time())
    assert session is not None
    assert csrf_ok(session, issued.csrf)
    assert not csrf_ok(session, None) and not csrf_ok(session, issued.csrf + "x")


def test_a_key_waits_once_its_failures_fill_the_window() -> None:
    now = datetime(2026, 11, 27, 12, 0)
    failures = [now - timedelta(seconds=s) for s in (10, 100, 300)]  # newest first
    assert retry_after(failures[:2], 3, 900, now) == 0
    assert retry_after(failures, 3, 900, now) == 600  # when the oldest leaves the window
    assert retry_after(failures, 2, 900, now) == 800  # the 2nd newest is the one that matters
    assert retry_after(failures, 3, 900, now + timedelta(seconds=599.5)) == 1


def test_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    nginx = (ipaddress.ip_network("10.0.0.0/24"),)
    forged = "1.2.3.4, 203.0.113.9"  # the client wrote 1.2.3.4, nginx appended 203.0.113.9
    assert client_address("198.51.100.7", forged, ()) == "198.51.100.7"  # no proxy configured
    assert client_address("198.51.100.7", forged, nginx) == "198.51.100.7"  # not from nginx
    assert client_address("10.0.0.2", forged, nginx) == "203.0.113.9"
    assert client_address("10.0.0.2", "203.0.113.9, 10.0.0.3", nginx) == "203.0.113.9"
    assert client_address("10.0.0.2", "", nginx) == "10.0.0.2"


def test_ipv6_clients_are_counted_per_64() -> None:
    assert address_group("2001:db8:1:2:aaaa::1") == address_group("2001:db8:1:2:bbbb::9")
    assert address_group("2001:db8:1:2::1") != address_group("2001:db8:1:3::1")
    assert address_group("::ffff:192.0.2.1") == address_group("192.0.2.1") == "192.0.2.1"
    assert address_group("") == ""  # a Unix socket peer: all such logins share one count


def test_a_new_password_or_disabling_ends_the_agents_sessions(
    session: Session, now: datetime
) -> None:
    agent = agent_store.add_agent(session, "wang", "王", "agent", "scrypt$x", now)
    idle_since = now - timedelta(minutes=30)
    for key in ("first", "second"):
        agent_store.open_session(session, key, agent.id, now)
    assert agent_store.session_agent(session, "first", now, idle_since) == agent.id
    agent_store.set_password(session, agent, "scrypt$y")
    assert agent_store.session_agent(session, "first", now, idle_since) is None
    assert agent_store.session_agent(session, "second", now, idle_since) is None
    agent_store.open_session(session, "third", agent.id, now)
    agent_store.set_active(session, agent, False)
    agent_store.set_active(session, agent, True)
    assert agent_store.session_agent(session, "third", now, idle_since) is None


@pytest.mark.postgres
def test_parallel_logins_are_counted_before_either_is_checked(
    postgres_store_url: str, now: datetime, wait_for_lock_wait: Callable[[str], None]
) -> None:
    limits = LoginLimits(failures_per_address=100, failures_per_username=1)
    first = session_scope(postgres_store_url)
    opened = first.__enter__()
    assert logins.begin_login(opened, "address", "wang", "wang", limits, now).wait_seconds == 0
    seen: list[int] = []

    def second() -> None:
        with session_scope(postgres_store_url) as other:
            attempt = logins.begin_login(other, "address", "wang", "wang", limits, now)
            seen.append(attempt.wait_seconds)

    racer = threading.Thread(target=second)
    racer.start()
    wait_for_lock_wait(postgres_store_url)  # the second try waits for the first to be counted
    first.__exit__(None, None, None)
    racer.join(timeout=10)
    assert seen == [limits.window_seconds]


def test_console_settings_are_checked_at_start() -> None:
    good = {"CONSOLE_SECRET": "s" * 32, "RASA_AUTH_TOKEN": "t"}
    settings = load_console_settings(good)
    assert settings.port == 5006 and settings.rasa_url == "http://127.0.0.1:5005"
    assert not settings.cookie_secure
    with pytest.raises(ConfigError, match="CONSOLE_SECRET"):
        load_console_settings({**good, "CONSOLE_SECRET": "short"})
    with pytest.raises(ConfigError, match="RASA_AUTH_TOKEN"):
        load_console_settings({"CONSOLE_SECRET": "s" * 32})
    with pytest.raises(ConfigError, match="RASA_URL"):
        load_console_settings({**good, "RASA_URL": "localhost:5005"})
    with pytest.raises(ConfigError, match="CONSOLE_PORT"):
        load_console_settings({**good, "CONSOLE_PORT": "http"})
    assert load_console_settings({**good, "CONSOLE_COOKIE_SECURE": "1"}).cookie_secure
    assert settings.limits == LoginLimits() and settings.trusted_proxies == ()
    tuned = load_console_settings(
        {
            **good,
            "CONSOLE_SESSION_IDLE_MINUTES": "10",
            "CONSOLE_LOGIN_WINDOW_MINUTES": "5",
            "CONSOLE_LOGIN_FAILURES_PER_ADDRESS": "50",
            "CONSOLE_LOGIN_FAILURES_PER_USERNAME": "3",
            "CONSOLE_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/24",
        }
    )
    assert tuned.limits == LoginLimits(600, 300, 50, 3)
    assert [str(n) for n in tuned.trusted_proxies] == ["127.0.0.1/32", "10.0.0.0/24"]
    for name, bad in (
        ("CONSOLE_SESSION_IDLE_MINUTES", "0"),
        ("CONSOLE_LOGIN_WINDOW_MINUTES", "a while"),
        ("CONSOLE_LOGIN_FAILURES_PER_ADDRESS", "-1"),
        ("CONSOLE_TRUSTED_PROXIES", "nginx"),
    ):
        with pytest.raises(ConfigError, match=name):
            load_console_settings({**good, name: bad})


def test_demo_agents_get_a_generated_password_shown_once(session: Session, now: datetime) -> None:
    generated = ensure_demo_agents(session, None, now)
    assert generated is not None
    lead = get_agent_by_username(session, "lead")
    assert lead is not None and lead.role == "supervisor"
    assert verify_password(generated, lead.password_hash)
    assert ensure_demo_agents(session, None, now) is None  # existing agents keep their password
    assert ensure_demo_agents(session, "a given password", now) is None
    assert verify_password("a given password", lead.password_hash)
