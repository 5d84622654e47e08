"""SMS turns as residents text them (issue 21), through both providers' callbacks on the real stack.

Each inbound message is posted as Aliyun (JSON array) or Tencent (signed JSON object) sends it and
its answer awaited in the inbound ledger; what reached the handset is read from the outbound log
(the text the template renders). Every answer is checked to be one SMS of at most 70 characters
with the signature, besides what each test is about.
"""

from __future__ import annotations

import itertools

import pytest

from bot.channels.sms.auth import SIGNATURE_HEADER, sign
from bot.channels.sms.templates import SINGLE_SMS, sms_length
from bot.store.db import session_scope
from bot.store.models import HandoffSession, Ticket
from bot.store.outbound import outbound_to

from .conftest import SMS_SECRET, Stack
from .test_sms import _aliyun, _delivered, _digest, _post, _tencent, _user_turns

pytestmark = pytest.mark.e2e

SIGNATURE = "【示例热力】"  # the demo policy's company signature
REGISTERED = "13812345678"  # the demo account 0102345678's registered phone
_sequence = itertools.count(1)


class Handset:
    """One resident's phone, texting through one provider's callback format."""

    def __init__(self, stack: Stack, phone: str, provider: str) -> None:
        self.stack, self.phone, self.provider = stack, phone, provider

    def text(self, message: str) -> list[str]:
        """Send `message`; the SMS texts it was answered with (each checked to fit one SMS)."""
        before = len(self._sent())
        seq = next(_sequence)
        if self.provider == "aliyun":
            assert _post(self.stack, _aliyun(self.phone, message, f"r{seq}"))[0] == 200
            key = f"aliyun:{self.phone}:r{seq}"
        else:
            sent_at = 1795780800 + seq
            body = _tencent(self.phone, message, sent_at)
            headers = {SIGNATURE_HEADER: sign(SMS_SECRET, body)}
            assert _post(self.stack, body, token=None, headers=headers)[0] == 200
            key = f"tencent:{self.phone}:{sent_at}:{_digest(message)}"
        _delivered(self.stack, key)
        texts = self._sent()[before:]
        for text in texts:
            assert sms_length(text, SIGNATURE) <= SINGLE_SMS, f"{len(text)}: {text}"
        return texts

    def _sent(self) -> list[str]:
        with session_scope(self.stack.database_url) as session:
            rows = outbound_to(session, "sms", f"sms:{self.phone}")
            return [str(r.body["text"]) for r in rows if r.status == "sent"]

    def tickets(self, kind: str) -> list[Ticket]:
        with session_scope(self.stack.database_url) as session:
            found = session.query(Ticket).filter_by(sender_id=f"sms:{self.phone}", kind=kind).all()
            for ticket in found:
                session.expunge(ticket)
            return found


def hand_offs(stack: Stack, conversation: str) -> int:
    """How often the conversation went to a person: call-back (RG) tickets when nobody is on
    duty, queued hand-off sessions when an agent is."""
    with session_scope(stack.database_url) as session:
        callbacks = session.query(Ticket).filter_by(sender_id=conversation, kind="RG").count()
        queued = session.query(HandoffSession).filter_by(sender_id=conversation).count()
        return int(callbacks + queued)


def _one(texts: list[str]) -> str:
    assert len(texts) == 1, texts
    return texts[0]


PROVIDERS = ["aliyun", "tencent"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_keyword_repair_asks_the_details_keeps_them_and_never_asks_for_a_phone(
    stack: Stack, provider: str
) -> None:
    phone = {"aliyun": "13900002101", "tencent": "13900002102"}[provider]
    resident = Handset(stack, phone, provider)
    asked = _one(resident.text("BX"))
    assert "问题" in asked  # the fault: the details come before anything is filed
    assert "地址" in _one(resident.text("卧室暖气片一直咕噜咕噜响，吵得睡不着"))
    when = _one(resident.text("东风新村3号楼2单元501"))
    assert "时间" in when and "电话" not in when
    read_back = _one(resident.text("明天上午"))  # one SMS, within 70 characters
    assert "核对" in read_back and "东风新村3号楼2单元501" in read_back
    done = _one(resident.text("对"))
    assert "报修受理" in done
    [ticket] = resident.tickets("BX")
    assert ticket.description == "卧室暖气片一直咕噜咕噜响，吵得睡不着"
    assert (ticket.phone, ticket.fault_type) == (phone, "noise")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_keyword_complaint_is_filed_with_its_words_and_the_category_they_say(
    stack: Stack, provider: str
) -> None:
    phone = {"aliyun": "13900002111", "tencent": "13900002112"}[provider]
    resident = Handset(stack, phone, provider)
    asked = _one(resident.text("TS"))
    assert "1" in asked  # the category options are numbered
    story = "维修师傅三天都没来，打电话也没人管"
    # an upset resident may hear an apology first: the SMS count is not the point here
    assert "地址" in "\n".join(resident.text(story))  # where, to route it
    assert "核对" in "\n".join(resident.text("东风新村3号楼2单元501"))
    assert "投诉已受理" in _one(resident.text("对"))
    [ticket] = resident.tickets("TS")
    assert (ticket.category, ticket.phone) == ("维修不及时", phone)
    assert story in ticket.description and "/" not in ticket.description


@pytest.mark.parametrize("provider", PROVIDERS)
def test_this_number_is_the_contact_when_the_resident_corrects_it_back(
    stack: Stack, provider: str
) -> None:
    phone = {"aliyun": "13900002121", "tencent": "13900002122"}[provider]
    resident = Handset(stack, phone, provider)
    resident.text("CW")
    resident.text("东风新村3号楼2单元501")
    asked = _one(resident.text("电话不对"))
    assert "电话" in asked and "本机" in asked  # the own number is offered
    when = _one(resident.text("就这个号"))
    assert "时间" in when
    assert "核对" in _one(resident.text("明天上午"))
    assert "测温已预约" in _one(resident.text("对"))
    [ticket] = resident.tickets("CW")
    assert ticket.phone == phone and "/" not in ticket.description


def test_the_registered_phone_is_not_asked_for_its_last_digits(stack: Stack) -> None:
    owner = Handset(stack, REGISTERED, "aliyun")
    owner.text("CF")
    answer = "\n".join(owner.text("0102345678"))
    assert "已为您验证" in answer and "应缴" in answer and "后4位" not in answer
    stranger = Handset(stack, "13900002131", "tencent")
    stranger.text("CF")
    assert "后4位" in _one(stranger.text("0102345678"))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_faq_answers_and_the_greeting_are_one_sms_each(stack: Stack, provider: str) -> None:
    phone = {"aliyun": "13900002141", "tencent": "13900002142"}[provider]
    resident = Handset(stack, phone, provider)
    greeting = _one(resident.text("你好"))
    assert "TD" in greeting
    for question in [
        "暖气费每平米多少钱",
        "室温多少度算达标",
        "供暖期是从哪天到哪天",
        "客服电话多少",
    ]:
        _one(resident.text(question))  # one SMS, within 70 characters (Handset checks)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_numbers_a_prompt_names_are_accepted(stack: Stack, provider: str) -> None:
    phone = {"aliyun": "13900002151", "tencent": "13900002152"}[provider]
    resident = Handset(stack, phone, provider)
    resident.text("BX")
    resident.text("暖气不热")
    told = resident.text("幸福里小区2号楼1单元101")  # heating is stopped there (demo)
    assert "回复1" in told[-1]
    # 1 = book anyway: the repair form goes on with the fault already told
    assert "时间" in _one(resident.text("1"))
    assert _user_turns(stack, phone)[-1]["text"] == "/affirm"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_yao_after_the_repair_offer_is_a_yes(stack: Stack, provider: str) -> None:
    phone = {"aliyun": "13900002161", "tencent": "13900002162"}[provider]
    resident = Handset(stack, phone, provider)
    offer = _one(resident.text("东风新村停暖了吗"))
    assert "没有停热" in offer
    assert "问题" in _one(resident.text("要"))  # the repair form asks for the fault


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_same_message_a_third_time_goes_to_a_person(stack: Stack, provider: str) -> None:
    phone = {"aliyun": "13900002171", "tencent": "13900002172"}[provider]
    resident = Handset(stack, phone, provider)
    angry = "你们客服电话到底是多少"  # understood (the hotline FAQ), yet asked again and again
    resident.text(angry)
    resident.text(angry)
    assert "人工" in _one(resident.text(angry))
    assert hand_offs(stack, f"sms:{phone}") == 1
    resident.text(angry)  # a fourth time is the same run: no second hand-off
    assert hand_offs(stack, f"sms:{phone}") == 1
