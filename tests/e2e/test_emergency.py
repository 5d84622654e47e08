"""The emergency safety net over REST against the real stack: numbers first, one urgent ticket,
an urgent hand-off in the agents' queue, whatever the classifier and the active form said."""

from __future__ import annotations

import re
import time

import pytest

from bot.policy import load_policy
from bot.store.db import session_scope
from bot.store.models import HandoffSession, Ticket

from .conftest import Stack

pytestmark = pytest.mark.e2e

TICKET_NO = re.compile(r"\bBX\d{12}\b")
OUT_OF_SCOPE = "我只能办理供热"
NUMBERS = load_policy("beijing").emergency  # the demo stack runs the default policy


def _tickets(stack: Stack, user: str) -> list[Ticket]:
    with session_scope(stack.database_url) as session:
        rows = session.query(Ticket).filter_by(sender_id=f"rest:{user}").all()
        session.expunge_all()
        return rows


def _urgent_handoff(stack: Stack, user: str, timeout: float = 15.0) -> HandoffSession | None:
    """The urgent hand-off the scheduler's jobs queue for the alerted ticket (every 2 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(stack.database_url) as session:
            found = (
                session.query(HandoffSession)
                .filter_by(sender_id=f"rest:{user}", urgency=2)
                .one_or_none()
            )
            if found is not None:
                session.expunge(found)
                return found
        time.sleep(0.5)
    return None


def test_a_burst_main_in_the_stairwell_is_an_emergency_not_out_of_scope(stack: Stack) -> None:
    user = "e2e-emergency-burst"
    answer = stack.text(user, "我们单元楼道里全是热水，冒着白气，好像是主管道爆了")
    assert OUT_OF_SCOPE not in answer
    assert answer.index(NUMBERS.duty_phone) < answer.index("地址")  # the number before any question
    (ticket,) = _tickets(stack, user)
    assert ticket.urgent and ticket.fault_type == "leak" and ticket.ticket_no in answer
    handoff = _urgent_handoff(stack, user)
    assert handoff is not None and handoff.ticket_no == ticket.ticket_no


def test_a_resident_who_cannot_close_the_valve_gets_the_number_not_the_address_again(
    stack: Stack,
) -> None:
    user = "e2e-emergency-valve"
    first = stack.text(user, "暖气片漏水了")
    assert NUMBERS.duty_phone in first and "地址" in first
    answer = stack.text(user, "阀门关不上啊，怎么办")
    assert answer.startswith("情况紧急") and NUMBERS.duty_phone in answer
    assert "详细地址" not in answer
    stack.text(user, "幸福里小区3号楼2单元501")
    answer = stack.text(user, "13912345679")
    (ticket,) = _tickets(stack, user)  # one ticket, completed with the address and phone
    assert ticket.ticket_no in answer
    assert ticket.address is not None and "幸福里" in ticket.address
    assert ticket.phone == "13912345679"


def test_gas_smell_during_a_fee_check_says_leave_and_names_gas_and_119(stack: Stack) -> None:
    user = "e2e-emergency-gas"
    assert "户号" in stack.text(user, "查一下我家暖气费")
    answer = stack.text(user, "等一下，家里怎么有股很重的煤气味")
    assert answer.startswith("请立即带家人离开")
    assert NUMBERS.gas_phone is not None and NUMBERS.gas_phone in answer
    assert NUMBERS.fire_phone in answer and NUMBERS.duty_phone in answer
    assert "户号" not in answer and "后4位" not in answer  # the fee check was left, not resumed
    (ticket,) = _tickets(stack, user)
    assert ticket.urgent


def test_someone_unwell_from_the_cold_is_told_to_call_120_first(stack: Stack) -> None:
    user = "e2e-emergency-person"
    answer = stack.text(user, "家里暖气一直不热，屋里才十度，我家老人冻病了")
    assert f"请立即拨打急救电话 {NUMBERS.ambulance_phone}" in answer.split("。")[0]  # first of all
    assert "烫伤" not in answer and "取暖" in answer  # first aid for the cold, not for a scald
    assert len(_tickets(stack, user)) == 1


@pytest.mark.parametrize("text", ["水费怎么交", "暖气费漏缴了怎么补", "万一暖气漏水怎么办"])
def test_false_friends_and_hypotheticals_open_nothing(stack: Stack, text: str) -> None:
    user = f"e2e-emergency-not-{abs(hash(text)) % 10_000}"
    answer = stack.text(user, text)
    # a self-help answer may name the 24-hour number (what to do if it ever leaks); the urgent
    # path is its opening, an urgent ticket and the duty team's alert
    assert "紧急工单" not in answer and not answer.startswith("情况紧急")
    assert "值班人员已收到提醒" not in answer
    assert _tickets(stack, user) == []
