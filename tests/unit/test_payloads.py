"""Button payloads shown as the button a person pressed (bot.channels.payloads), and the channels'
Chinese names (bot.labels)."""

from __future__ import annotations

from typing import Any

import pytest

from bot import labels as names
from bot.channels import payloads
from bot.channels.rest import CHANNEL as REST
from bot.channels.sms.templates import CHANNEL as SMS
from bot.channels.webchat import CHANNEL as WEB
from bot.channels.wechat.api import CHANNEL as WECHAT

FAULTS = {
    "buttons": [
        {"title": "不热", "payload": '/inform{"fault_type":"no_heat"}'},
        {"title": "漏水", "payload": '/inform{"fault_type":"leak"}'},
    ]
}


def user(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text}


def bot(text: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"event": "bot", "text": text, "data": data or {}}


def shown(events: list[dict[str, Any]]) -> list[tuple[str, str | None, bool]]:
    return [(e["event"], text, pressed) for e, text, pressed in payloads.readable_messages(events)]


@pytest.mark.parametrize(
    ("text", "payload"),
    [
        ("/greet", True),
        ('/inform{"fault_type":"no_heat"}', True),
        (" /request_human ", True),
        ("/ 我家不热", False),
        ("暖气/地暖都不热", False),
        ("1/2楼", False),
    ],
)
def test_a_payload_is_an_intent_given_directly_and_nothing_a_person_writes(
    text: str, payload: bool
) -> None:
    assert payloads.is_payload(text) is payload


def test_a_pressed_button_reads_as_its_title_and_a_payload_no_button_sent_is_left_out() -> None:
    events = [
        user("/greet"),
        bot("请问是什么问题？", FAULTS),
        {"event": "action", "name": "action_listen"},
        user('/inform{"fault_type":"leak"}'),
        bot("请告诉我地址"),
        user("阳光花园5号楼"),
    ]
    assert shown(events) == [
        ("user", None, True),
        ("bot", "请问是什么问题？", False),
        ("action", None, False),
        ("user", "漏水", True),
        ("bot", "请告诉我地址", False),
        ("user", "阳光花园5号楼", False),
    ]


def test_only_the_buttons_of_the_turn_before_explain_a_payload() -> None:
    events = [
        bot("请问是什么问题？", FAULTS),
        user("不知道"),
        bot("好的"),
        user('/inform{"fault_type":"no_heat"}'),  # the old buttons were disabled by then
    ]
    assert shown(events)[-1] == ("user", None, True)


def test_quick_replies_count_as_offered_buttons() -> None:
    quick = {"quick_replies": [{"title": "是", "payload": "/affirm"}]}
    assert shown([bot("确认吗？", quick), user("/affirm")])[-1] == ("user", "是", True)


def test_the_latest_user_text_is_what_they_saw() -> None:
    offered = {"buttons": [{"title": "转人工", "payload": "/request_human"}]}
    assert (
        payloads.latest_user_text([user("你好"), bot("您好", offered), user("/request_human")])
        == "转人工"
    )
    assert payloads.latest_user_text([user("你好"), user("/greet")]) == ""
    assert payloads.latest_user_text([]) == ""


def test_every_channel_has_its_chinese_name() -> None:
    assert set(names.CHANNEL_NAMES) == {WEB, WECHAT, SMS, REST}
    assert [names.channel_name(c) for c in (WECHAT, SMS, WEB, REST)] == [
        "微信公众号",
        "短信",
        "网页客服",
        "接口",
    ]
    assert names.channel_name("telegram") == "telegram"  # unknown: shown, never hidden
