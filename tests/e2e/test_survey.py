"""The satisfaction follow-up (回访) end to end, on WeChat.

A repair is done; the real scheduler command (`python -m bot scheduler --once`, against the
stack's database and WeChat's stand-in API) opens the survey and pushes the question with its
numbered options through the customer-service API; the user answers "5" or "1" in WeChat and the
real Rasa and action servers record it: thanks for a good rating, a call-back ticket for a bad one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone

from bot.config import PROJECT_ROOT
from bot.standins.wechat_api import WeChatApiStandIn
from bot.store.db import session_scope
from bot.store.models import Survey, Ticket
from bot.store.tickets import TicketDraft, change_status, create_ticket

from .conftest import WECHAT, Stack
from .test_wechat import msg_id, openid, reply, text


def _done_repair(stack: Stack, user: str) -> str:
    """A repair ticket of `user` that a technician has just finished."""
    now = datetime.now(timezone.utc)
    with session_scope(stack.database_url) as session:
        ticket = create_ticket(
            session,
            TicketDraft(
                kind="BX", channel="wechat", sender_id=f"wechat:{user}", fault_type="no_heat"
            ),
            now,
        )
        for status in ("assigned", "in_progress", "done"):
            change_status(session, ticket, status, now, "technician:e2e")
        return str(ticket.ticket_no)


def _run_scheduler_once(stack: Stack, wechat_api: WeChatApiStandIn) -> None:
    env = {
        **os.environ,
        **WECHAT,
        "WECHAT_API_BASE": wechat_api.base_url,
        "DATABASE_URL": stack.database_url,
    }
    subprocess.run(
        [sys.executable, "-m", "bot", "scheduler", "--once"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        timeout=120,
    )


def _question_to(wechat_api: WeChatApiStandIn, user: str, ticket_no: str) -> str:
    """The survey question pushed to `user` about `ticket_no` (the stack's own scheduler may
    have sent it first; either way it arrives once)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        asked = [t for t in wechat_api.texts_to(user) if ticket_no in t]
        if asked:
            assert len(asked) == 1, asked
            return asked[0]
        time.sleep(0.5)
    raise AssertionError(f"no survey question for {ticket_no}: {wechat_api.texts_to(user)}")


def _survey(stack: Stack, ticket_no: str) -> Survey:
    with session_scope(stack.database_url) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        survey = session.query(Survey).filter_by(ticket_id=ticket.id).one()
        session.expunge(survey)
        return survey


def test_a_good_rating_by_number_is_recorded_and_thanked(
    stack: Stack, wechat_api: WeChatApiStandIn
) -> None:
    user = openid("survey-good")
    reply(stack, text(user, "你好", msg_id()), user)  # opens WeChat's 48-hour window
    ticket_no = _done_repair(stack, user)
    _run_scheduler_once(stack, wechat_api)
    question = _question_to(wechat_api, user, ticket_no)
    assert re.search(r"1\. .*\n.*5\. ", question, re.S), question

    answer = reply(stack, text(user, "5", msg_id()), user)
    assert "感谢您的评价" in answer and "5分" in answer
    survey = _survey(stack, ticket_no)
    assert survey.rating == 5 and survey.follow_up_ticket_no is None


def test_a_bad_rating_opens_a_call_back_ticket(stack: Stack, wechat_api: WeChatApiStandIn) -> None:
    user = openid("survey-bad")
    reply(stack, text(user, "你好", msg_id()), user)
    ticket_no = _done_repair(stack, user)
    _run_scheduler_once(stack, wechat_api)
    _question_to(wechat_api, user, ticket_no)

    answer = reply(stack, text(user, "1", msg_id()), user)
    survey = _survey(stack, ticket_no)
    assert survey.rating == 1 and survey.follow_up_ticket_no is not None
    assert survey.follow_up_ticket_no.startswith("RG") and survey.follow_up_ticket_no in answer
