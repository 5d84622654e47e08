"""The eighth dialogue round's classes (docs/dialogue.md, "Eighth round (dlg8)"), each with the
glow set's wording and wordings of our own (none of them in a test set): the pure text rules in
bot.nlu.* and bot.services.halls, the intent corrections they drive (bot.nlu.guard) and the
safety net's exception (bot.nlu.safety_net)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.emergency_follow_ups import NUMBERS, WHAT_NOW, emergency_follow_up
from bot.nlu.form_answers import withholds_phone
from bot.nlu.requests import ends_asking_for_repair
from bot.nlu.safety_net import EMERGENCY_ACTION, emergency_turn
from bot.services.halls import Registry, Service, asked_service
from tests.unit.test_safety_net import _user  # a user turn as the safety net's marker leaves it

ROOT = Path(__file__).resolve().parents[2]


def _corrected(text: str, intent: str) -> str:
    from bot.nlu.guard import IntentCorrections

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.5}})
    (out,) = IntentCorrections().process([message])
    return str(out.get("intent")["name"])


# --- a contact number withheld out of distrust (glo-033) ---

WITHHELD = [
    "凭什么要我电话？不想给，你们别拿去推销",  # glo-033
    "电话就不留了吧，我怕被骚扰",
    "为啥非得要手机号？我不想给",
    "我不给电话，上次留了天天接到推销的",
    "手机号不方便给，你们留个别的办法吧",
]


@pytest.mark.parametrize("text", WITHHELD)
def test_a_number_withheld_out_of_distrust_is_the_phone_questions_answer(text: str) -> None:
    assert withholds_phone(text)
    for intent in ("file_complaint", "faq", "out_of_scope", "deny", "nlu_fallback"):
        assert _corrected(text, intent) == "inform"


@pytest.mark.parametrize(
    "text",
    [
        "你们老打电话推销，我要投诉",  # calls received: a grievance, no number asked for
        "别给我打电话了",
        "那好吧，13701112233，只用来联系维修啊",  # given after all
        "客服电话多少",
        "我想改一下预留的手机号",
    ],
)
def test_calls_complained_of_or_a_number_given_are_not_withholding(text: str) -> None:
    assert not withholds_phone(text)


@pytest.mark.parametrize("text", ["电话不想给，那不修了", "不想留电话，算了不报了"])
def test_a_number_withheld_with_the_request_given_up_stays_a_no(text: str) -> None:
    assert _corrected(text, "deny") == "deny"


# --- a repair asked for once the stop is ruled out (glo-017) ---

ASKED_AFTER_THE_STOP = [
    "不是停暖的话那就派人来修吧",  # glo-017
    "没停啊？那你们派人来修",
    "既然不是停暖，那就派师傅来看看吧",
    "那不是停暖就给我报个修",
]


@pytest.mark.parametrize("text", ASKED_AFTER_THE_STOP)
def test_a_repair_asked_for_after_the_stop_is_ruled_out_is_the_repair(text: str) -> None:
    assert ends_asking_for_repair(text)
    for intent in ("query_outage", "out_of_scope", "nlu_fallback"):
        assert _corrected(text, intent) == "report_repair"


@pytest.mark.parametrize(
    "text",
    [
        "停热期间能派人来修吗",
        "那不用派人了",
        "是不是停暖了？要不要派人来修",
        "金色家园停暖到几号",
        "派人修管子要多久",
    ],
)
def test_a_stop_asked_about_or_a_visit_declined_is_no_repair_asked(text: str) -> None:
    assert not ends_asking_for_repair(text)


# --- what to do now, right after the emergency advice (glo-010) ---


@pytest.mark.parametrize(
    "text", ["那我现在该怎么办", "那我现在要干嘛", "现在咋办啊？", "接下来我该怎么做"]
)
def test_what_to_do_now_asks_for_the_advice_again(text: str) -> None:
    assert emergency_follow_up(text) == WHAT_NOW


@pytest.mark.parametrize("text", ["那我该给谁打电话", "我这打给谁啊"])
def test_whom_to_call_asks_for_the_numbers(text: str) -> None:
    assert emergency_follow_up(text) == NUMBERS


@pytest.mark.parametrize("text", ["暖气不热怎么办", "那发票怎么办", "停热了我该怎么办理报停"])
def test_what_to_do_about_something_else_is_no_follow_up(text: str) -> None:
    assert emergency_follow_up(text) is None


# --- a fee's name is no service (glo-026) ---

ACTIVATION = Service("开栓", ("户主身份证原件",), ("开通", "开暖气"))
INVOICE = Service("发票", ("户号或缴费凭证",), ("开票",))
PAYMENT = Service("缴费", ("户号",), ("交暖气费",))
SERVICES = Registry((), (), (ACTIVATION, INVOICE, PAYMENT))


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("我想去营业厅开暖气费发票", INVOICE),  # glo-026: the 开栓 papers were listed
        ("开暖气费的发票去哪个营业厅开", INVOICE),
        ("去年开暖气费的发票丢了 营业厅能补吗", INVOICE),
        ("交暖气费去哪个营业厅", PAYMENT),
        ("新房开暖气要带什么", ACTIVATION),
    ],
)
def test_a_fee_named_is_not_the_service_its_first_word_names(text: str, service: Service) -> None:
    assert asked_service(SERVICES, text) == service


# --- a main's burst named inside the complaint form is the grievance (glo-040) ---


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.mark.parametrize(
    "text",
    ["反复爆管", "又爆管了，年年都这样", "主管线又爆了，去年也爆过", "管网年年爆管 就是不换"],
)
def test_a_burst_named_in_the_complaint_form_is_left_to_the_form(domain: Domain, text: str) -> None:
    in_form = DialogueStateTracker.from_events(
        "t",
        [ActionExecuted(ACTION_LISTEN_NAME), ActiveLoop("complaint_form"), _user(text, "inform")],
        domain.slots,
    )
    assert emergency_turn(in_form) is None
    outside = DialogueStateTracker.from_events(
        "t", [ActionExecuted(ACTION_LISTEN_NAME), _user(text, "inform")], domain.slots
    )
    assert emergency_turn(outside) == EMERGENCY_ACTION


def test_water_at_home_in_the_complaint_form_is_still_the_emergency(domain: Domain) -> None:
    text = "我家暖气管爆了 水哗哗往外流"
    in_form = DialogueStateTracker.from_events(
        "t",
        [ActionExecuted(ACTION_LISTEN_NAME), ActiveLoop("complaint_form"), _user(text, "inform")],
        domain.slots,
    )
    assert emergency_turn(in_form) == EMERGENCY_ACTION
