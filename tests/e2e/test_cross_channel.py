"""One household on two channels: bound on WeChat and by SMS, it sees its own tickets on both.

A WeChat follower binds account 0102345678 and books a repair; later the same household writes
by SMS from another phone, binds the same account (verified again: a phone number proves
nothing about an account), and asks for its tickets. The answer names the WeChat ticket; a
stranger's SMS asking the same question does not get it.
"""

from __future__ import annotations

import asyncio
import json
import re

from websockets.client import connect as websocket_connect

from bot.standins.sms_gateway import SmsGatewayStandIn
from bot.store.db import session_scope
from bot.store.models import Binding, Ticket
from tests.socketio_frames import next_event

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
    for _ in range(5):  # answer whatever the form still asks (address and phone are prefilled)
        if TICKET.search(answer):
            break
        if "核对" in answer:  # the details read back before filing
            answer = reply(stack, text(user, "对", msg_id()), user)
        elif "时间" in answer:
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
        assert (ticket.channel, ticket.sender_id, ticket.account_no) == (
            "wechat",
            f"wechat:{user}",
            ACCOUNT_NO,
        )

    stranger = "13900000201"
    assert ticket_no not in _sms(stack, sms_gateway, stranger, "查一下我的工单", "x-1")

    phone = "13900000202"
    for seq, words in enumerate(("绑定户号", ACCOUNT_NO, "5678")):
        _sms(stack, sms_gateway, phone, words, f"b-{seq}")
    with session_scope(stack.database_url) as session:
        assert session.query(Binding).filter_by(
            channel="sms", sender_id=f"sms:{phone}"
        ).one().account_no == (ACCOUNT_NO)
    assert ticket_no in _sms(stack, sms_gateway, phone, "查一下我的工单", "q-1")


async def _widget_chat(stack: Stack, claimed_session: str, words: str) -> tuple[str, str]:
    """Open the widget's socket asking to resume `claimed_session`, write `words` naming that
    session in the frame too; the session the server confirmed and the bot's answer."""
    url = stack.rasa_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with websocket_connect(url) as ws:
        await ws.recv()
        await ws.send("40")
        await ws.recv()
        await ws.send("42" + json.dumps(["session_request", {"session_id": claimed_session}]))
        confirmed = await next_event(ws, "session_confirm", 10)
        frame = {"message": words, "session_id": claimed_session}
        await ws.send("42" + json.dumps(["user_uttered", frame], ensure_ascii=False))
        answer = await next_event(ws, "bot_uttered", 30)
    return str(confirmed), str((answer or {}).get("text", ""))


def test_a_household_verified_by_sms_is_not_reachable_from_rest_or_the_widget(
    stack: Stack, sms_gateway: SmsGatewayStandIn
) -> None:
    """Issue 15's attack: verify over SMS, then continue "that" conversation from elsewhere."""
    phone = "13900000301"
    for seq, words in enumerate(("查一下暖气费", ACCOUNT_NO)):
        _sms(stack, sms_gateway, phone, words, f"v-{seq}")
    bill = _sms(stack, sms_gateway, phone, "5678", "v-2")
    assert "元" in bill, bill  # the household itself sees its bill
    assert stack.tracker(f"sms:{phone}")["slots"]["verified_account"] == ACCOUNT_NO

    for sender in (phone, f"sms:{phone}", f"sms%3A{phone}"):
        answer = stack.text(sender, "查一下暖气费")
        assert "元" not in answer and "户号" in answer, answer
        assert stack.tracker(f"rest:{sender}")["slots"].get("verified_account") is None

    confirmed, answer = asyncio.run(_widget_chat(stack, phone, "查一下暖气费"))
    assert phone not in confirmed
    assert "元" not in answer and "户号" in answer, answer
