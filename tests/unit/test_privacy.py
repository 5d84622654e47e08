"""Phone and account numbers never reach logs or third parties unmasked."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.privacy import install_log_masking, mask_account, mask_phone, mask_text


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


def test_log_lines_are_masked_for_child_loggers() -> None:
    parent = logging.getLogger("test_masking")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    parent.addHandler(handler)
    parent.propagate = False
    parent.setLevel(logging.INFO)
    install_log_masking(parent)
    install_log_masking(parent)
    assert len(handler.filters) == 1
    logging.getLogger("test_masking.child").info("user %s gave phone %s", "u1", "13912345679")
    assert "139****5679" in stream.getvalue()
    assert "13912345679" not in stream.getvalue()


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
