"""Agents' passwords, signed cookies, CSRF tokens, the login throttle, settings, demo agents."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from bot.config import ConfigError
from bot.console.auth import (
    SESSION_SECONDS,
    LoginThrottle,
    check_password_strength,
    csrf_ok,
    hash_password,
    issue_session,
    read_session,
    verify_password,
)
from bot.console.cli import ensure_demo_agents
from bot.console.config import load_console_settings
from bot.store.agents import get_agent_by_username

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
    cookie, csrf = issue_session(7, SECRET, now)
    session = read_session(cookie, SECRET, now + 60)
    assert session is not None and session.agent_id == 7 and session.csrf == csrf
    assert read_session(cookie, SECRET, now + SESSION_SECONDS + 1) is None


def test_forged_or_altered_cookies_are_refused() -> None:
    cookie, _ = issue_session(7, SECRET)
    payload, signature = cookie.split(".")
    other, _ = issue_session(8, SECRET)
    assert read_session(cookie, b"another secret" * 3) is None
    assert read_session(f"{other.split('.')[0]}.{signature}", SECRET) is None
    assert read_session(payload, SECRET) is None
    assert read_session(f"{payload}.{signature}x", SECRET) is None
    assert read_session(None, SECRET) is None and read_session("a.b.c", SECRET) is None


def test_csrf_token_must_match_the_cookie() -> None:
    cookie, csrf = issue_session(7, SECRET)
    session = read_session(cookie, SECRET)
    assert session is not None
    assert csrf_ok(session, csrf)
    assert not csrf_ok(session, None) and not csrf_ok(session, csrf + "x")


def test_the_throttle_blocks_a_username_after_five_failures() -> None:
    throttle = LoginThrottle(limit=5, window=900)
    for _ in range(4):
        throttle.failed("wang", now=1000)
    assert not throttle.blocked("wang", now=1000)
    throttle.failed("wang", now=1000)
    assert throttle.blocked("wang", now=1001) and not throttle.blocked("li", now=1001)
    assert not throttle.blocked("wang", now=1000 + 901)  # the window moved on
    throttle.failed("li", now=1000)
    throttle.succeeded("li")
    assert not throttle.blocked("li", now=1000)


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


def test_demo_agents_get_a_generated_password_shown_once(session: Session, now: datetime) -> None:
    generated = ensure_demo_agents(session, None, now)
    assert generated is not None
    lead = get_agent_by_username(session, "lead")
    assert lead is not None and lead.role == "supervisor"
    assert verify_password(generated, lead.password_hash)
    assert ensure_demo_agents(session, None, now) is None  # existing agents keep their password
    assert ensure_demo_agents(session, "a given password", now) is None
    assert verify_password("a given password", lead.password_hash)
