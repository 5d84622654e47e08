"""One household on two channels: bound on WeChat and by SMS, it sees its own tickets on both.

A WeChat follower binds account 0102345678 and books a repair; later the same household writes
by SMS from another phone, binds the same account (verified again: a phone number proves
nothing about an account), and asks for its tickets. The answer names the WeChat ticket; a
stranger's SMS asking the same question does not get it.
"""

from __future__ import annotations

import json
import re

from bot.standins.sms_gateway import SmsGatewayStandIn
from bot.store.db import session_scope
from bot.store.models import Binding, Ticket

from .conftest import Stack
from .test_sms import _aliyun, _delivered, _post
from .test_wechat import msg_id, openid, reply, text

ACCOUNT_NO = "0102345678"
TICKET = re.compile(r"BX\d{12}")


def _sms(stack: Stack, gateway: SmsGatewayStandIn, phone: str, words: str, seq: str) -> str:
    """Send one SMS and return everything the bot sent back for it, as JSON text."""
    before = len(gateway.sends(phone))
    _post(stack, _aliyun(phone, words, seq))
    _delivered(stack, f"aliyun:{phone}:{seq}")
    return json.dumps(gateway.sends(phone)[before:], ensure_ascii=False)


def test_a_bound_household_sees_its_wechat_ticket_by_sms(
    stack: Stack, sms_gateway: SmsGatewayStandIn
) -> None:
    user = openid("cross-channel")
    for words in ("绑定户号", ACCOUNT_NO, "5678"):
        answer = reply(stack, text(user, words, msg_id()), user)
    assert "绑定" in answer

    answer = reply(stack, text(user, "暖气不热了，麻烦派人来看看", msg_id()), user)
    for _ in range(4):  # answer whatever the form still asks (address and phone are prefilled)
        if TICKET.search(answer):
            break
        if "时间" in answer:
            answer = reply(stack, text(user, "明天上午", msg_id()), user)
        elif "电话" in answer or "手机" in answer:
            answer = reply(stack, text(user, "13812345678", msg_id()), user)
        else:
            answer = reply(stack, text(user, "阳光花园5号楼1单元302", msg_id()), user)
    found = TICKET.search(answer)
    assert found, answer
    ticket_no = found.group(0)
    with session_scope(stack.database_url) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        assert (ticket.channel, ticket.sender_id, ticket.account_no) == ("wechat", user, ACCOUNT_NO)

    stranger = "13900000201"
    assert ticket_no not in _sms(stack, sms_gateway, stranger, "查一下我的工单", "x-1")

    phone = "13900000202"
    for seq, words in enumerate(("绑定户号", ACCOUNT_NO, "5678")):
        _sms(stack, sms_gateway, phone, words, f"b-{seq}")
    with session_scope(stack.database_url) as session:
        assert session.query(Binding).filter_by(
            channel="sms", sender_id=phone
        ).one().account_no == (ACCOUNT_NO)
    assert ticket_no in _sms(stack, sms_gateway, phone, "查一下我的工单", "q-1")
