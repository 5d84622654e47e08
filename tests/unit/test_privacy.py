"""Phone and account numbers never reach logs or third parties unmasked."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.config import PROJECT_ROOT
from bot.privacy import (
    TELEMETRY_VARIABLE,
    install_log_masking,
    mask_account,
    mask_phone,
    mask_text,
)


def test_phone_keeps_prefix_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


def test_account_keeps_two_digits_each_side() -> None:
    assert mask_account("0102345678") == "01******78"
    assert mask_account("123") == "***"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678户号0102345678", "电话138****5678户号01******78"),
        ("BX202611270003 is a ticket", "BX202611270003 is a ticket"),
        ("5号楼302室", "5号楼302室"),
    ],
)
def test_text_masking(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_long_ids_keep_only_enough_to_follow_one_user() -> None:
    from bot.privacy import mask_id

    assert mask_id("oE2E_survey-good000000000000") == "oE***0000"
    assert mask_id("short") == "***"
    assert "survey" not in mask_id("oE2E_survey-good000000000000")


@pytest.mark.parametrize(
    "text",
    [
        "我的户号0102345678，暖气不热",  # 号 is \u53f7: its last hex digit joins the number
        "电话号13812345678",  # the same before a phone number
        "户号：0102345678",  # ： is \uff1a: a hex letter right before the number
        "电话0102345678",  # 话 is \u8bdd
        "户号：\n0102345678",
        "户号\t0102345678",
        "户号\r13812345678",
        "户号\f0102345678",
    ],
)
def test_numbers_in_json_with_escaped_chinese_are_masked(text: str) -> None:
    # Rasa's debug lines render the parse data as JSON with non-ASCII escaped
    line = json.dumps({"parse_data_text": text})
    masked = mask_text(line)
    assert "0102345678" not in masked and "13812345678" not in masked
    assert json.loads(masked)["parse_data_text"] == mask_text(text)


def test_a_ticket_number_in_json_stays_readable() -> None:
    line = json.dumps({"text": "单号BX202611270003"})
    assert mask_text(line) == line


def test_numbers_in_a_bytes_repr_are_masked() -> None:
    line = repr("户号0102345678".encode())
    assert "0102345678" not in mask_text(line)


OPENID = "oE2E_survey-good000000000000"  # 28 characters, as WeChat's


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"Acquired lock for conversation '{OPENID}'.", "conversation 'oE***0000'."),
        (f"Acquired lock for conversation 'wechat:{OPENID}'.", "'wechat:oE***0000'."),
        (f'{{"sender_id": "wechat:{OPENID}"}}', '"wechat:oE***0000"'),
        (f"\\u53f7{OPENID}", "\\u53f7oE***0000"),  # right after an escaped Chinese character
        ("lock for 'sms:+8613812345678'", "lock for 'sms:************78'"),
        ("lock for 'rest:sms:13812345678'", "lock for 'rest:sms:138****5678'"),
        ("notice sent to wechat:13800000001", "wechat:138****0001"),  # a number keeps its mask
        ("lock for 'wechat:oShort123'", "lock for 'wechat:oS***t123'"),
        ("lock for 'web:9f86d081884c7d659a2feaa0c55ad015'", "lock for 'web:9f***d015'"),
    ],
)
def test_openids_and_conversation_ids_are_masked(text: str, masked: str) -> None:
    assert masked in mask_text(text)
    assert OPENID not in mask_text(text) and "13812345678" not in mask_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "http://web:5005/webhooks/rest/webhook",  # a host named web
        "Wechat: off until WECHAT_TOKEN is set",
        "wechat:oE***0000 and sms:138****5678 stay as they are",
        "model heating-24a24de757278473.tar.gz",
        "operation_not_permitted_abcdef12",  # 32 characters: not an OpenID
    ],
)
def test_what_is_no_id_stays_readable(text: str) -> None:
    assert mask_text(text) == text


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (
            "'http://127.0.0.1:5005/webhooks/sms/webhook?token=s3cr3t-callback'",
            "'http://127.0.0.1:5005/webhooks/sms/webhook?token=***'",
        ),
        (
            "/webhooks/wechat/webhook?signature=abc123&timestamp=1700000000&nonce=42"
            "&openid=x&encrypt_type=aes&msg_signature=def456",
            "/webhooks/wechat/webhook?signature=***&timestamp=17******00&nonce=42"
            "&openid=x&encrypt_type=aes&msg_signature=***",
        ),
        (
            "GET https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential"
            "&appid=wx123&secret=APPSECRET42",
            "GET https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential"
            "&appid=wx123&secret=***",
        ),
        ("POST /cgi-bin/message/custom/send?access_token=ACCESS_TOKEN", "?access_token=***"),
        ("query: password=hunter2&user=wang", "query: password=***&user=wang"),
        ("/conversations/x/tracker?Token=abc#top", "/conversations/x/tracker?Token=***#top"),
    ],
)
def test_secrets_in_urls_and_query_strings_are_masked(url: str, masked: str) -> None:
    assert masked in mask_text(url)


@pytest.fixture
def fresh_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Logging as a process has it before the project's code loads: plain records, warnings
    printed; the loggers the tests touch and pytest's warning capture are restored after."""
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    monkeypatch.setattr(logging, "_warnings_showwarning", None)
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    names = ("", "rasa", "sanic.root", "sanic.error", "sanic.access")
    saved = [
        (lg, lg.level, lg.propagate, list(lg.handlers)) for lg in map(logging.getLogger, names)
    ]
    yield
    logging.setLogRecordFactory(factory)
    for logger, level, propagate, handlers in saved:
        for added in set(logger.handlers) - set(handlers):
            added.close()
        logger.setLevel(level)
        logger.propagate = propagate
        logger.handlers[:] = handlers


def _stream_handler(
    formatter: logging.Formatter | None = None,
) -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter or logging.Formatter("%(name)s %(message)s"))
    return stream, handler


@pytest.mark.usefixtures("fresh_logging")
def test_lock_store_debug_lines_mask_openids_even_on_a_handler_added_later() -> None:
    from rasa.core.lock_store import InMemoryLockStore

    install_log_masking()
    stream, handler = _stream_handler()
    logging.getLogger().addHandler(handler)  # as Rasa's configure_colored_logging does, later
    logging.getLogger("rasa").setLevel(logging.DEBUG)

    async def one_turn() -> None:
        async with InMemoryLockStore().lock(f"wechat:{OPENID}"):
            pass

    asyncio.run(one_turn())
    assert "rasa.core.lock_store Acquired lock for conversation 'wechat:oE***0000'" in (
        stream.getvalue()
    )
    assert OPENID not in stream.getvalue()


@pytest.mark.usefixtures("fresh_logging")
def test_sanic_error_log_masks_the_url_token_and_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.utils.common import update_sanic_log_level
    from sanic.handlers import ErrorHandler

    install_log_masking()
    # Rasa gives Sanic's loggers their own file handler and stops them propagating, after the
    # channels have loaded
    monkeypatch.setenv("LOG_LEVEL_LIBRARIES", "INFO")
    update_sanic_log_level(log_file=str(tmp_path / "rasa.log"))
    assert logging.getLogger("sanic.error").propagate is False
    request = SimpleNamespace(
        url="http://127.0.0.1:5005/webhooks/sms/webhook?token=s3cr3t-callback-token",
        app=SimpleNamespace(config=SimpleNamespace(NOISY_EXCEPTIONS=False)),
    )
    try:
        raise RecursionError("while reading the body of 户号0102345678")
    except RecursionError as exc:
        ErrorHandler.log(request, exc)
    for handler in logging.getLogger("sanic.error").handlers:
        handler.flush()
    written = (tmp_path / "rasa.log").read_text(encoding="utf-8")
    assert "Exception occurred while handling uri: 'http://127.0.0.1:5005" in written
    assert "?token=***'" in written and "RecursionError: while reading" in written
    assert "s3cr3t" not in written and "0102345678" not in written


@pytest.mark.usefixtures("fresh_logging")
def test_sanic_access_log_masks_the_request_line() -> None:
    from sanic.log import LOGGING_CONFIG_DEFAULTS

    install_log_masking()
    access = LOGGING_CONFIG_DEFAULTS["formatters"]["access"]
    stream, handler = _stream_handler(logging.Formatter(access["format"]))
    logger = logging.getLogger("sanic.access")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    extra = {"status": 500, "byte": 0, "host": "10.0.0.9:4711"}
    logger.info("", extra={**extra, "request": "POST http://h/webhooks/sms/webhook?token=s3cr3t"})
    assert "[10.0.0.9:4711]: POST http://h/webhooks/sms/webhook?token=***  500 0" in (
        stream.getvalue()
    )


@pytest.mark.usefixtures("fresh_logging")
def test_python_warnings_go_through_the_masked_log(capsys: pytest.CaptureFixture[str]) -> None:
    install_log_masking()
    stream, handler = _stream_handler()
    logging.getLogger().addHandler(handler)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("slot account_no set to 0102345678 by the form", UserWarning, stacklevel=1)
    assert "py.warnings" in stream.getvalue() and "01******78 by the form" in stream.getvalue()
    assert "0102345678" not in stream.getvalue() + capsys.readouterr().err


@pytest.mark.usefixtures("fresh_logging")
def test_a_log_call_with_bad_arguments_is_reported_masked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # logging reports a message it cannot format on stderr, with its raw arguments
    install_log_masking()
    monkeypatch.setattr(logging, "raiseExceptions", True)
    logger = logging.getLogger("sanic.root")
    logger.propagate = False
    logger.addHandler(_stream_handler()[1])
    phone, account = "13812345678", "0102345678"  # the traceback shows the call's source line
    logger.warning("phone %s", phone, account)
    reported = capsys.readouterr().err
    assert "Logging error" in reported and "138****5678" in reported
    assert "13812345678" not in reported and "0102345678" not in reported


# Rasa as `rasa run` from the project root sets itself up before any of the project's code runs:
# telemetry on by the user's global config, its Sentry client bound; then it loads the channels.
_HAND_STARTED_RASA = """
import os, rasa.telemetry, sentry_sdk
rasa.telemetry.initialize_error_reporting()
before = (rasa.telemetry.is_telemetry_enabled(), sentry_sdk.Hub.main.client is not None)
import bot.channels.webchat
after = (rasa.telemetry.is_telemetry_enabled(), sentry_sdk.Hub.main.client is not None)
print(before, after, os.environ.get("RASA_TELEMETRY_ENABLED"))
"""


def _rasa_process(tmp_path: Path, **environ: str) -> str:
    config = tmp_path / ".config" / "rasa" / "global.yml"
    config.parent.mkdir(parents=True)
    config.write_text("metrics:\n  enabled: true\n  rasa_user_id: test\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != TELEMETRY_VARIABLE}
    # a key of no Sentry project: nothing could be delivered even if something were sent
    env |= {"HOME": str(tmp_path), "RASA_EXCEPTION_WRITE_KEY": "0@o0", **environ}
    done = subprocess.run(
        [sys.executable, "-c", _HAND_STARTED_RASA],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_rasa_telemetry_is_off_once_the_project_code_loads(tmp_path: Path) -> None:
    # before: on, as Rasa has it by default; after: off, for this process and its children
    assert _rasa_process(tmp_path) == "(True, True) (False, False) false"


def test_an_operator_may_turn_rasa_telemetry_on(tmp_path: Path) -> None:
    assert (
        _rasa_process(tmp_path, RASA_TELEMETRY_ENABLED="true") == "(True, True) (True, True) true"
    )


def test_a_widget_session_token_keeps_its_id_and_loses_its_signature() -> None:
    token = "12345678901234567890123456789012." + "ab" * 16
    line = f'42["session_confirm","{token}"] web:{token.split(".")[0]}'
    masked = mask_text(line)
    assert "ab" * 16 not in masked and "12345678901234567890123456789012.***" in masked


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("010-62345678-8021", "010-****5678-8021"),
        ("0312-2234567", "0312-****4567"),
        ("62345678", "****5678"),
        ("13812345678", "138****5678"),
    ],
)
def test_a_landline_is_masked_so_its_owner_still_recognises_it(phone: str, shown: str) -> None:
    assert mask_phone(phone) == shown


# ---- log injection (red team R8): a user's text never starts a log line of its own ------------

FORGED = "2026-12-06 18:24:00 WARNING  bot.alerts.verification  - FORGED: account 0102345679"


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        # the red team's payload: a newline, a whole forged alert line, a terminal escape
        (f'/faq{{"x":1\n{FORGED} \x1b[2J', '/faq{"x":1\\n2026-12-06 18:24:00 WARNING'),
        # a carriage return that would let the forged text overwrite the line on a terminal
        (f"暖气不热\r{FORGED}", "暖气不热\\r2026-12-06"),
        # Windows line ends pasted from a document, a NUL and a bell
        ("第一行\r\n第二行\x00\x07", "第一行\\r\\n第二行\\x00\\x07"),
        # C1 controls (NEL, CSI) and the Unicode line separator some viewers break lines at
        ("楼上漏水\x85\x9b31m假的\u2028告警", "楼上漏水\\x85\\x9b31m假的\\u2028告警"),
    ],
)
@pytest.mark.usefixtures("fresh_logging")
def test_a_message_cannot_forge_a_log_line_or_send_terminal_escapes(said: str, shown: str) -> None:
    install_log_masking()
    stream, handler = _stream_handler()
    logging.getLogger().addHandler(handler)
    logging.getLogger("rasa.shared.utils.io").warning("Failed to parse '%s'", said)
    logging.getLogger("rasa.core.processor").warning(f"Received user message '{said}'")
    logging.getLogger("sanic.access").warning("", extra={"request": f"GET /?q={said}"})
    written = stream.getvalue()
    assert written.count("\n") == 3, written  # one line a record, whatever the user typed
    assert shown in written
    for raw in ("\r", "\x00", "\x07", "\x1b", "\x85", "\x9b", "\u2028"):
        assert raw not in written
    assert "0102345679" not in written  # still masked


@pytest.mark.usefixtures("fresh_logging")
def test_tracebacks_keep_their_lines_and_tabs_stay(capsys: pytest.CaptureFixture[str]) -> None:
    install_log_masking()
    stream, handler = _stream_handler()
    logging.getLogger().addHandler(handler)
    try:
        raise ValueError("bad")
    except ValueError:
        logging.getLogger("bot").exception("column\ta failed")
    written = stream.getvalue()
    assert "bot column\ta failed\nTraceback (most recent call last):\n" in written
    assert written.rstrip().endswith("ValueError: bad")
