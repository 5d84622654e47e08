"""SMS templates: reading variables back out of rendered texts, lengths, and the domain's fit.

The domain test renders every response as the `sms` output channel would get it, with realistic
(long but real) values, and checks it fits one SMS with the signature: the SMS variants in
domain.yml exist for this, and a response that grows past 70 characters costs two SMS per send.
"""

from __future__ import annotations

import logging
import re
import string
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate_text

from bot.base.clock import format_due, format_moment, format_window
from bot.base.render import flatten
from bot.channels.sms.config import TemplateIds, default_signature
from bot.channels.sms.templates import (
    MAX_SMS,
    NUMBERED_PROMPT,
    SINGLE_SMS,
    Catalogue,
    SmsMessage,
    plain_buttons,
    recover_params,
    sms_length,
    sms_parts,
    sms_variants,
)
from bot.nlu.limits import MAX_MESSAGE_CHARS
from bot.privacy import mask_account, mask_phone

ROOT = Path(__file__).resolve().parents[2]
RESPONSES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (ROOT / "domain.yml").read_text(encoding="utf-8")
)["responses"]

_TZ = ZoneInfo("Asia/Shanghai")
_START = datetime(2026, 12, 28, 8, 0, tzinfo=_TZ)
_END = datetime(2026, 12, 28, 12, 0, tzinfo=_TZ)
_DUE = format_due(datetime(2026, 12, 28, 10, 0, tzinfo=_TZ))

#: Values as the actions build them, at the long end of what users really get.
REALISTIC: dict[str, str] = {
    "account": mask_account("010234567890"),
    "ack": _DUE,
    "known": "金色阳光花园东区12号楼",
    "missing": "几单元几号",
    "address": "金色阳光花园东区12号楼3单元1502",
    "before": "金色阳光花园东区2号楼3单元1502",
    "ambulance_phone": "120",
    "day": "大后儿个",
    "case": "往年（以前供暖季）的情况",
    "title": "非居民用房收费",
    "balance": "尚欠 12345.60 元；另有往季欠费 3210.00 元",
    "owed": "共欠15555.60元",
    "category": "维修不及时",
    "close": _DUE,
    "close_hours": "48",
    "reply_hours": "1.5",
    "ack_hours": "24",
    "community": "金色阳光花园东区二期",
    "own": "金色阳光花园东区二期",
    "named": "金色阳光花园西区",
    "current": "目前有停热安排的小区：阳光花园、幸福里小区。",
    "near": "您问的是不是“金色阳光花园东区二期”或“金色阳光花园西区”？",
    "served": "我们供热的小区有：东风新村、和平里、幸福里小区、翠湖苑、金色家园、阳光花园。",
    "listing": f"金色阳光花园东区二期的停热通知、户号{mask_account('010234567890')}的缴费提醒",
    "moved": "（原来订阅的阳光花园已改为金色阳光花园东区二期）",
    "deadline": _DUE,
    "detail": f"上门时间 {format_window(_START, _END)}。",
    # the SMS read-back's one line (actions.readback.read_back_details, sms=True), at its longest
    "details": "漏水/跑水，金色阳光花园东区12号楼3单元1502，12月7日8-12点",
    "example": "地址是5号楼2单元301",
    "due": "12345.60",
    "duty_phone": "400-000-0000",
    "fault": "漏水/跑水",
    "first_reply": _DUE,
    "gas_call": "燃气抢险电话 96777 或火警 119",
    "fire_phone": "119",
    "history": "最近缴费：2025-12-01 微信 3420.00 元",
    "hotline": "400-000-0000",
    "minutes": "15",
    "accounts": "01******78",
    "added": (
        f"您这次留的联系电话 {mask_phone('13812345678')} 已补充到这张工单上，核实时会一并联系。"
    ),
    "request": "上门查表申请",
    # the price worked out for an area (actions.account.tell_fee_estimate)
    "area": "1234.56",
    "price": "24",
    "basis": "建筑面积",
    "total": "29629.44",
    # the metered estimate (翠湖苑), the emergency numbers again, a late 报停, the complaint offer
    "base": "12",
    "base_total": "14814.72",
    "energy": "0.16",
    "numbers": "燃气抢险 96777；火警 119；供热24小时抢修 400-000-0000",
    "police_phone": "110",
    "start": "2027年11月15日",
    "hours": "24",
    "kind": "抢修停热",
    "late_fee": "含滞纳金 24.69 元。",
    "lead": "没有找到可以取消的测温工单。",
    "limit": str(MAX_MESSAGE_CHARS),
    "form_task": "测温预约",  # a form taken up again after a side question
    "form_question": "核对一下信息",
    "message": "查热表读数",  # the message that starts a task (actions.knowledge.TASK_MESSAGES)
    "measured_note": "，您自测 15.5℃，低于标准 2.5℃",
    "on_site": _DUE,
    "earlier": "BX202611270001",  # the first urgent ticket, when another place got its own
    "paid": "0.00",
    "pay_link": "",
    "phone": "13812345678",
    "promise": f"师傅会在 {format_window(_START, _END)} 上门",
    "contact": f"打电话 {mask_phone('13812345678')} 联系您，请保持电话畅通",
    "rating": "2",
    "reading": "15.5",
    "reason": "主管线抢修",
    "remaining": "2",
    "resolve": _DUE,
    "restore": f"预计 {_DUE} 恢复供热。",
    "retry_at": _DUE,
    "season": "2026-2027",
    "season_note": "已过本季报停申请截止日，报停将从 2027年11月15日 起的供暖季生效。",
    "standard": "18",
    "status": "已受理，等待派单",
    "ticket_no": "BX202611270003",
    "ticket_note": "紧急工单 BX202611270003 已撤销（值班人员已注明）",
    "value": "138123456",
    "wait": "23小时59分钟",
    "what": "上门时间",
    "when": f"已于 {format_moment(_START)} 开始停热，",
    "window": format_window(_START, _END),
    "meter_no": "RB12345678",
    "latest": "123,456.78 kWh",
    "read_day": "12月16日",
    "usage": "2026-2027 供暖季（11月15日至12月16日）已用热 12,345.67 kWh。",
    "comparison": "上季同期用热 11,234.56 kWh，多用 10%。上个供暖季全季用热 45,678.90 kWh。",
    "estimate": "按两部制热价估算（…），到目前合计约 1520.00 元。",
    "photo": "（含表盘照片）",
    "compare": "公司系统最近一次抄表为 12,000.00 kWh（12月15日）。",
    "temperature": "18.5",
    "verdict": "低于标准",
    "advice": "（低 2.5 ℃）；如需上门复测，可以回复“申请测温”",
    "visit": f"工作人员仍会按约定 {format_window(_START, _END)} 上门测量，结果以上门测量为准。",
    "stop": "12月9日 08:00 至 12月9日 18:00",
    "changed": "联系电话（改为 139****2234）",
    # the follow-ups about a stop (actions.stop_follow_ups)
    "rule": "室温低于标准且24小时内未修复的，按不达标天数退还日热费：低于标准不足2℃退40%。",
    "case_sms": "停热不满24小时不按天退费；满24小时未恢复的，按不达标程度退日热费。",
    "span": f"已于 {format_moment(_START)} 开始停热，预计 {_DUE} 恢复供热（约8小时后）。",
    "work": "施工在小区管网上，不用进您家：那天家里不用专门留人等，也不用关家里的暖气阀门。",
    "work_sms": "需入户会提前通知，家里不用留人、不用关阀。",
    "end": "12月10日（周四）傍晚 18:00",
    "left": "（约8小时后）",
    "ticket": f"紧急工单 BX202611270003，抢修人员 {_DUE} 前到达",
    # an urgent ticket chased (actions.urgent_tickets._arrival), its promise broken
    "arrival": f"已超过承诺时间（{_DUE}）",
}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _sms_texts(name: str) -> list[str]:
    """Each text the sms channel may show for response `name`, as the handset shows it."""
    return [
        flatten(
            [{"text": interpolate_text(str(v["text"]), REALISTIC), "buttons": v.get("buttons")}]
        ).text
        for v in sms_variants(RESPONSES[name])
    ]


# ---- the domain ------------------------------------------------------------------------------


def test_every_placeholder_has_a_realistic_value() -> None:
    used = {
        p for variants in RESPONSES.values() for v in variants for p in _placeholders(v["text"])
    }
    assert used <= set(REALISTIC), f"add realistic values for {sorted(used - set(REALISTIC))}"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_fits_one_sms_with_the_signature(name: str) -> None:
    for text in _sms_texts(name):
        length = sms_length(text, default_signature())
        assert length <= SINGLE_SMS, f"{name}: {length} characters: {default_signature()}{text}"


def test_no_sms_text_carries_the_promotional_opt_out_line() -> None:
    for name in RESPONSES:
        for text in _sms_texts(name):
            assert "拒收请回复R" not in text, name


# ---- lengths ---------------------------------------------------------------------------------


def test_length_counts_the_signature_and_parts_follow_the_provider_rule() -> None:
    assert sms_length("你好", "【暖心热力】") == 8
    assert sms_parts(70) == 1
    assert sms_parts(71) == 2
    assert sms_parts(134) == 2
    assert sms_parts(135) == 3


def _catalogue(ids: dict[str, str] | None = None, signature: str = "【暖心热力】") -> Catalogue:
    responses = {
        "utter_repair_created": [
            {"text": "已为您登记报修，工单号 {ticket_no}。故障：{fault}。"},
            {"text": "报修已受理，单号{ticket_no}，上门{window}。", "channel": "sms"},
        ],
        "utter_outage_found": [{"text": "{community}{kind}：{when}", "channel": "sms"}],
        "utter_pick": [
            {"text": "请选择：", "buttons": [{"title": "是", "payload": "/affirm"}]},
        ],
        "utter_unsubscribed": [{"text": "已退订通知。", "channel": "sms"}],
        "utter_offer": [
            {
                "text": "现在办理吗？",
                "buttons": [
                    {"title": "办理", "payload": "/affirm"},
                    {"title": "不用", "payload": "/deny"},
                ],
            },
            {"text": "现在办理吗？回复1办理，2不用。", "channel": "sms"},
        ],
    }
    return Catalogue(responses, TemplateIds("SMS_GEN", ids or {}), signature)


# ---- mapping messages to templates -----------------------------------------------------------


def test_a_response_with_an_id_becomes_its_template_with_the_variables_read_back() -> None:
    catalogue = _catalogue({"utter_repair_created": "SMS_100"})
    text = "报修已受理，单号BX202611270003，上门11月28日（周六）08:00–12:00。"
    sms = catalogue.message({"text": text, "utter_action": "utter_repair_created"})
    assert sms == SmsMessage(
        "SMS_100",
        {"ticket_no": "BX202611270003", "window": "11月28日（周六）08:00–12:00"},
        text,
        "utter_repair_created",
    )


def test_side_by_side_placeholders_are_settled_by_the_values_the_action_passed() -> None:
    catalogue = _catalogue({"utter_outage_found": "SMS_200"})
    message = {
        "text": "阳光花园抢修停热：已于 11月27日 08:00 开始停热，",
        "utter_action": "utter_outage_found",
        "community": "阳光花园",
        "kind": "抢修停热",
    }
    assert catalogue.message(message).params == {
        "community": "阳光花园",
        "kind": "抢修停热",
        "when": "已于 11月27日 08:00 开始停热，",
    }


def test_recovering_variables() -> None:
    assert recover_params("工单{a}已取消", "工单BX1已取消") == {"a": "BX1"}
    assert recover_params("取消{a}或{a}", "取消X或X") == {"a": "X"}
    assert recover_params("取消{a}或{a}", "取消X或Y") is None
    assert recover_params("工单{a}已取消", "完全不同") is None
    assert recover_params("{a}{b}", "甲乙", {"a": "甲"}) == {"a": "甲", "b": "乙"}
    assert recover_params("{a}.*{b}", "x.*y") == {"a": "x", "b": "y"}


def test_texts_without_a_response_or_an_id_go_out_through_the_generic_template() -> None:
    catalogue = _catalogue({"utter_repair_created": "SMS_100"})
    faq = catalogue.message({"text": "缴费后可开具发票。"})
    assert faq == SmsMessage("SMS_GEN", {"content": "缴费后可开具发票。"}, "缴费后可开具发票。")
    no_id = catalogue.message({"text": "已退订通知。", "utter_action": "utter_unsubscribed"})
    assert no_id.template_id == "SMS_GEN" and no_id.params == {"content": "已退订通知。"}
    unmatched = catalogue.message({"text": "别的话", "utter_action": "utter_repair_created"})
    assert unmatched.template_id == "SMS_GEN"


def test_buttons_become_numbered_lines_and_the_last_options_are_the_ones_a_number_picks() -> None:
    catalogue = _catalogue()
    pick = {"text": "请选择：", "buttons": [{"title": "是", "payload": "/affirm"}]}
    other = {"text": "再选：", "buttons": [{"title": "否", "payload": "/deny"}]}
    sms, options = catalogue.reply([pick, {"custom": {"x": 1}}, other])
    assert [m.text for m in sms] == [
        "请选择：\n1. 是\n回复数字即可选择。",
        "再选：\n1. 否\n回复数字即可选择。",
    ]
    assert options == [{"title": "否", "payload": "/deny"}]
    assert catalogue.reply([{"text": "好的"}])[1] == []


def test_an_sms_text_that_names_its_numbers_takes_the_plain_variants_buttons() -> None:
    catalogue = _catalogue()
    offer = {"text": "现在办理吗？回复1办理，2不用。", "utter_action": "utter_offer"}
    sms, options = catalogue.reply([offer])
    assert [m.text for m in sms] == ["现在办理吗？回复1办理，2不用。"]
    assert [o["payload"] for o in options] == ["/affirm", "/deny"]
    # a text that names no numbers accepts none; a score of 1 to 5 is no option
    assert catalogue.reply([{"text": "现在办理吗？", "utter_action": "utter_offer"}])[1] == []
    rate = {"text": "请回复1到5之间的分数，2分也行。", "utter_action": "utter_offer"}
    assert catalogue.reply([rate])[1] == []


def test_the_messages_of_one_answer_go_out_as_one_sms_when_they_fit() -> None:
    catalogue = _catalogue({"utter_offer": "SMS_OFFER"})
    sorry = {"text": "非常抱歉让您久等了。", "utter_action": "utter_apology_upset"}
    offer = {"text": "现在办理吗？回复1办理，2不用。", "utter_action": "utter_offer"}
    sms, options = catalogue.reply([sorry, offer])
    assert [(m.template_id, m.text) for m in sms] == [
        ("SMS_GEN", "非常抱歉让您久等了。\n现在办理吗？回复1办理，2不用。")
    ]
    assert sms[0].params == {"content": sms[0].text}
    assert [o["payload"] for o in options] == ["/affirm", "/deny"]
    # together over one SMS: each goes alone
    long = {"text": "长" * 50, "utter_action": "utter_apology_upset"}
    sms, _ = catalogue.reply([long, offer])
    assert [m.text for m in sms] == ["长" * 50, offer["text"]]


def test_every_sms_text_that_names_numbers_has_buttons_for_them() -> None:
    """回复1…2… in an SMS variant picks the plain variant's buttons: they must exist, one per
    number named."""
    for name, variants in RESPONSES.items():
        for variant in sms_variants(variants):
            text = str(variant["text"])
            if variant.get("buttons") or not NUMBERED_PROMPT.search(text):
                continue
            buttons = plain_buttons(variants)
            assert buttons, f"{name} names numbers but has no buttons"
            named = {int(d) for d in re.findall(r"(?<![\d{])(\d)(?![\d}])", text)}
            assert named == set(range(1, len(buttons) + 1)), (name, named, len(buttons))


def test_a_response_said_by_the_channel_itself_uses_its_sms_variant() -> None:
    catalogue = _catalogue({"utter_unsubscribed": "SMS_300"})
    assert catalogue.response("utter_unsubscribed") == SmsMessage(
        "SMS_300", {}, "已退订通知。", "utter_unsubscribed"
    )
    with pytest.raises(KeyError):
        catalogue.response("utter_nothing")


def test_long_texts_are_logged_and_texts_over_the_provider_limit_are_cut(
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalogue = _catalogue()
    with caplog.at_level(logging.WARNING):
        two = catalogue.message({"text": "长" * 80})
    assert two.text == "长" * 80 and "2 parts" in caplog.text
    cut = catalogue.message({"text": "长" * 600})
    assert sms_length(cut.text, "【暖心热力】") == MAX_SMS
    assert cut.params == {"content": cut.text} and cut.text.endswith("…")


def test_ids_for_responses_the_domain_lacks_are_reported(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        _catalogue({"utter_typo": "SMS_1"})
    assert "utter_typo" in caplog.text


def test_a_message_survives_the_ledger_round_trip() -> None:
    sms = SmsMessage("SMS_1", {"a": "1"}, "文本", "utter_x")
    assert SmsMessage.from_json(sms.as_json()) == sms
