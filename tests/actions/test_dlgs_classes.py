"""Classes of the snow s development set (docs/dialogue.md, "Player findings 2 … (dlgs)"): a
cancellation repeated at its own question is the yes, a radiator cold to the touch is no person
in danger, a habit of being home is a visit time, and a question asked while the next-season
报停 offer waits keeps the offer; each in the set's wording and wordings of no set."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.applications import NEXT_SEASON_STOP
from actions.conversation import ActionAnswerFaq
from actions.tickets import ActionAskCancelTicket, repeats_cancellation
from bot.nlu.emergency import detect_emergency
from bot.nlu.timewindow import next_visit_window, only_a_time, parse_visit_window
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket
from bot.store.tickets import TicketDraft

from .conftest import NOW, said, slot_values, texts, tracker, user_turn
from .test_knowledge_base import kb_turn


def _open(store: str, kind: str) -> str:
    with session_scope(store) as session:
        draft = TicketDraft(kind=kind, channel="rest", sender_id="tester", dedup_key=None)
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


def _status(store: str, number: str) -> str:
    with session_scope(store) as session:
        return str(session.query(Ticket).filter_by(ticket_no=number).one().status)


# ------------------------------------------------ a cancellation repeated at its own question


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("对 撤回", "BT"),  # sno-011
        ("对 取消", "BX"),  # sno-030
        ("是的 撤了吧", "BX"),
        ("确定撤销报停", "BT"),
        ("嗯嗯 就是这个 给俺取消了", "BX"),
        ("取消吧取消吧 师傅不用来了", "BX"),
    ],
)
async def test_a_cancellation_repeated_at_its_question_cancels(
    store: str, domain: dict[str, Any], text: str, kind: str
) -> None:
    mine = _open(store, kind)
    pending = f"cancel:{mine}"
    answer = tracker(
        user_turn("刚才那个单子帮我撤了吧", "cancel_ticket", message_id="ask"),
        {"event": "slot", "name": "pending", "value": pending},
        user_turn(text, "cancel_ticket", message_id="answer"),
        slots={"pending": pending},
    )
    dispatcher = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(dispatcher, answer, domain)
    assert said(dispatcher, "utter_ticket_cancelled")["ticket_no"] == mine
    assert slot_values(events)["pending"] is None
    assert _status(store, mine) == "cancelled"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("不是这个 是另一个", None),
        ("取消测温那个", None),  # another kind than the repair asked about
        ("还是别取消了", None),
        ("取消BX202612079999", "BX202612079999"),
    ],
)
def test_a_reply_pointing_elsewhere_is_no_yes(text: str, named: str | None) -> None:
    assert not repeats_cancellation(text, "BX202612070001", named)


async def test_a_keep_at_the_question_still_keeps_the_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    mine = _open(store, "BX")
    pending = f"cancel:{mine}"
    answer = tracker(
        user_turn("取消报修", "cancel_ticket", message_id="ask"),
        {"event": "slot", "name": "pending", "value": pending},
        user_turn("算了 还是不取消了", "cancel_ticket", message_id="answer"),
        slots={"pending": pending},
    )
    dispatcher = CollectingDispatcher()
    await ActionAskCancelTicket().run(dispatcher, answer, domain)
    assert "utter_ticket_cancelled" not in texts(dispatcher)
    assert _status(store, mine) == "new"


# ---------------------------------------------------- a radiator cold to the touch is no person


@pytest.mark.parametrize(
    "text",
    [
        "喂 闺女 俺家暖气咋一点都不热了 摸着冰凉冰凉的 这是咋回事嘛",  # sno-001
        "家里暖气片一点热乎气没有 摸起来冰冷冰冷的",
        "暖气咋又凉了 摸着冰冷冰冷的",
        "暖气片咋一点都不热 摸着冰冷冰冷的",
        "屋里暖气不热，摸着冰凉的，是不是坏了",
    ],
)
def test_a_radiator_cold_to_the_touch_is_no_emergency(text: str) -> None:
    assert detect_emergency(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "老人身上摸着冰凉",
        "暖气不热 孩子摸着冰凉",
        "暖气不热了 俺娘摸着冰凉 叫不醒",
        "俺爹摸着冰凉冰凉的 叫不醒",
    ],
)
def test_a_person_cold_to_the_touch_still_is(text: str) -> None:
    found = detect_emergency(text)
    assert found is not None and found.kind == "person"


# ------------------------------------------------------------ a habit of being home is a time


@pytest.mark.parametrize(
    "text",
    ["俺天天在家", "每天都在家", "我平时一直在家", "家里每天都有人", "成天在屋 你们来就行"],
)
def test_being_home_every_day_is_any_time(text: str) -> None:
    window = parse_visit_window(text, NOW)
    assert window is not None and window.start == NOW and window.end.hour == 20
    assert next_visit_window(text, NOW) is not None


@pytest.mark.parametrize("text", ["俺天天在家", "每天都在家", "家里每天都有人"])
def test_being_home_every_day_is_only_a_time(text: str) -> None:
    assert only_a_time(text)


@pytest.mark.parametrize("text", ["暖气天天不热", "我一直在等", "一直在漏水", "平时都在外地"])
def test_every_day_of_something_else_is_no_time(text: str) -> None:
    assert parse_visit_window(text, NOW) is None


# ------------------------------------------- a question while the next-season 报停 offer waits


def _offer_then(text: str, intent: str = "faq") -> Any:
    turn = kb_turn(text, intent, [("stop_heating_policy", 0.9)])
    turn["parse_data"]["message_id"] = "question"
    return tracker(
        user_turn("我东风新村的房子今年冬天没人住 想报停 怎么弄", "apply_stop_heating"),
        {"event": "slot", "name": "pending", "value": NEXT_SEASON_STOP},
        {"event": "bot", "text": "…需要现在为您登记吗？"},
        turn,
        slots={"pending": NEXT_SEASON_STOP},
    )


@pytest.mark.parametrize(
    "text",
    [
        "报停了还用交钱吗 交多少",  # sno-010
        "报停的话基础热费怎么算",
        "那报停要带啥材料",
        "报停多久能办下来",
    ],
)
async def test_a_question_at_the_offer_is_answered_and_the_offer_kept(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, _offer_then(text), domain)
    assert texts(dispatcher)[-1] == "utter_offer_second_request"
    assert "2027年11月15日" in said(dispatcher, "utter_offer_second_request")["what"]
    assert slot_values(events)["pending"] == NEXT_SEASON_STOP


async def test_a_second_question_does_not_ask_the_offer_a_third_time(
    domain: dict[str, Any],
) -> None:
    """mis-052: 今年的…从现在开始停行不行, then 那基础费是多少: the offer once again after the first
    question, not after the second (a third 现在帮您办理吗 in a row traps the resident)."""
    turn = kb_turn("那基础费是多少", "faq", [("stop_heating_policy", 0.9)])
    turn["parse_data"]["message_id"] = "second"
    asked_again = {
        "event": "bot",
        "text": "您刚才还提到要登记报停申请…，现在帮您办理吗？",
        "metadata": {"utter_action": "utter_offer_second_request"},
    }
    state = tracker(
        user_turn("今年的已经开始供了是吧 那从现在开始停行不行", "faq", message_id="first"),
        asked_again,
        {"event": "slot", "name": "pending", "value": NEXT_SEASON_STOP},
        turn,
        slots={"pending": NEXT_SEASON_STOP},
    )
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, state, domain)
    assert "utter_offer_second_request" not in texts(dispatcher)
    assert "pending" not in slot_values(events)


async def test_a_question_without_the_offer_is_only_answered(domain: dict[str, Any]) -> None:
    turn = kb_turn("报停了还用交钱吗", "faq", [("stop_heating_policy", 0.9)])
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert "utter_offer_second_request" not in texts(dispatcher)
    assert "pending" not in slot_values(events)


# ------------------------------------- a question in the repair form that names a fault


def _fault_from_entity_wanted(text: str, intent: str) -> bool:
    """Whether Rasa fills fault_type from the message's fault entity in the repair form
    (its own check of the domain's mapping, as action_extract_slots runs it)."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActiveLoop, UserUttered
    from rasa.shared.core.slot_mappings import SlotMapping
    from rasa.shared.core.trackers import DialogueStateTracker

    rasa_domain = Domain.load("domain.yml")
    mapping = next(
        m
        for slot in rasa_domain.slots
        if slot.name == "fault_type"
        for m in slot.mappings
        if m.get("type") == "from_entity"
    )
    state = DialogueStateTracker.from_events(
        "tester",
        [
            ActiveLoop("repair_form"),
            UserUttered(
                text,
                intent={"name": intent, "confidence": 0.9},
                entities=[{"entity": "fault_type", "value": "air", "start": 0, "end": 1}],
            ),
        ],
    )
    return SlotMapping.intent_is_desired(mapping, state, rasa_domain)


@pytest.mark.parametrize(
    "text",
    [
        "等下 这种是不是里面有空气？我自己能放气吗",  # sno-022
        "暖气片怎么放气",
        "放气阀在哪 我自己能弄吗",
        "上凉下热是不是得放气啊",
    ],
)
def test_a_question_naming_a_fault_does_not_fill_the_fault(text: str) -> None:
    assert not _fault_from_entity_wanted(text, "faq")


@pytest.mark.parametrize(
    ("text", "intent"),
    [("暖气片有空气 要放气", "inform"), ("暖气上凉下热 想报修 放放气", "report_repair")],
)
def test_a_fault_told_still_fills_it(text: str, intent: str) -> None:
    assert _fault_from_entity_wanted(text, intent)
