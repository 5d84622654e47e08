"""action_emergency: the numbers first, one urgent ticket with a person alerted, the right form."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.emergency
from actions.emergency import ActionEmergency, numbers
from actions.repair import ValidateRepairForm
from bot.nlu.emergency import detect_emergency
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket, TicketEvent
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, said, slot_values, texts, tracker, user_turn


def _marked(text: str, intent: str = "out_of_scope", **kwargs: Any) -> dict[str, Any]:
    """A user turn as Rasa sends it when the NLU marker found an emergency."""
    turn = user_turn(text, intent, **kwargs)
    found = detect_emergency(text)
    assert found is not None, text
    turn["parse_data"]["emergency"] = found.as_dict()
    return turn


def _tickets(url: str) -> list[Ticket]:
    with session_scope(url) as session:
        rows = session.query(Ticket).filter_by(sender_id="tester").all()
        session.expunge_all()
        return rows


async def test_a_burst_main_classified_out_of_scope_gets_the_number_and_an_urgent_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher, tracker(_marked("楼道里全是热水，好像是暖气管子爆了")), domain
    )
    # the number comes first, before anything is asked
    assert texts(dispatcher)[0] == "utter_emergency_water"
    duty = load_policy().emergency.duty_phone
    assert said(dispatcher, "utter_emergency_water")["duty_phone"] == duty
    (ticket,) = _tickets(store)
    assert ticket.kind == "BX" and ticket.urgent and ticket.fault_type == "leak"
    assert ticket.description is not None and ticket.description.startswith("【紧急：漏水")
    assert said(dispatcher, "utter_emergency_ticket")["ticket_no"] == ticket.ticket_no
    said(dispatcher, "utter_emergency_alerted")  # Beijing: leak.alert_human
    with session_scope(store) as session:
        kinds = [e.kind for e in session.query(TicketEvent).filter_by(ticket_id=ticket.id)]
    assert "alert" in kinds  # what puts it at the top of the agents' queue
    slots = slot_values(events)
    assert slots["urgent_ticket_no"] == ticket.ticket_no and slots["fault_type"] == "leak"
    # the repair form then asks only what the urgent ticket lacks (address, phone)
    assert has_event(events, "followup", "repair_form")


async def test_cannot_close_the_valve_mid_form_gets_the_number_not_the_address_question(
    store: str, domain: dict[str, Any]
) -> None:
    text = "阀门关不上啊，水一直往外冒"
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            _marked(text, "inform"),
            active_loop="repair_form",
            slots={
                # the entity mapping read 阀门关不上 as a valve fault
                "fault_type": "valve",
                "urgent_ticket_no": "BX202611270009",
                "requested_slot": "address",
                # the form's free-text mapping took the message as the address
                "address": text,
            },
        ),
        domain,
    )
    assert texts(dispatcher)[:2] == ["utter_emergency_water", "utter_emergency_ticket_open"]
    assert "utter_ask_address" not in texts(dispatcher)
    assert said(dispatcher, "utter_emergency_ticket_open")["ticket_no"] == "BX202611270009"
    slots = slot_values(events)
    assert slots["address"] is None  # not an address
    assert slots["fault_type"] == "leak"  # still the leak: no visit window is asked
    assert slots["urgent_ticket_no"] == "BX202611270009"
    assert not has_event(events, "followup", "repair_form")  # no second question this turn
    assert _tickets(store) == []  # the open ticket is not opened twice


async def test_gas_smell_during_a_fee_check_leaves_the_form_and_names_gas_and_119(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            _marked("等一下，家里有股很重的煤气味", "inform"),
            active_loop="verify_form",
            slots={"requested_slot": "phone_last4"},
        ),
        domain,
    )
    assert texts(dispatcher)[0] == "utter_emergency_gas"
    gas_call = said(dispatcher, "utter_emergency_gas")["gas_call"]
    assert "96777" in gas_call and "119" in gas_call  # Beijing policy values
    assert has_event(events, "active_loop", None)
    assert not has_event(events, "followup", "repair_form")  # nobody types an address now
    (ticket,) = _tickets(store)
    assert ticket.urgent and "燃气" in (ticket.description or "")


async def test_someone_unwell_is_told_to_call_120_first(store: str, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(dispatcher, tracker(_marked("家里太冷了，老人冻病了")), domain)
    assert texts(dispatcher)[0] == "utter_emergency_person_cold"
    assert said(dispatcher, "utter_emergency_person_cold")["ambulance_phone"] == "120"
    (ticket,) = _tickets(store)
    assert ticket.urgent


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("家里有老人，冷得受不了了，老人有点发烧", "utter_emergency_person_cold"),
        ("孩子被暖气管烫了，起了好大的泡", "utter_emergency_person_scald"),
        ("家里有人煤气中毒了", "utter_emergency_person_poisoned"),
        # signs by a running boiler are poisoning: fresh air, not the cold's warm room
        ("开着壁挂炉 我妈头晕恶心", "utter_emergency_person_poisoned"),
        ("我家炉子那里有怪味 我奶奶睡着了叫不醒", "utter_emergency_person_poisoned"),
        # …also when a gas report names the message gas: its people need 120 too
        ("燃气壁挂炉那有煤气味 我有点恶心", "utter_emergency_person_poisoned"),
        ("燃气壁挂炉那有煤气味", "utter_emergency_gas"),
        # hot water thrown on a body is a scald, whatever the words (no 烫 in them)
        ("热水呲到孩子脸上了", "utter_emergency_person_scald"),
        ("孩子摸了暖气片 手上起了个泡", "utter_emergency_person_scald"),
        ("屋里冷 老人一直说胡话", "utter_emergency_person_cold"),
    ],
)
async def test_first_aid_fits_what_happened_to_the_person(
    text: str, advice: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(dispatcher, tracker(_marked(text)), domain)
    assert texts(dispatcher)[0] == advice


async def test_signs_by_a_running_boiler_are_gas_with_a_poisoned_person_on_the_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    """Carbon monoxide (issue 16, seventh round): the gas kind (no form, leave the flat), the
    poisoning first aid, and a ticket whose head says a person may be poisoned."""
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher, tracker(_marked("壁挂炉开了一整天 现在头昏脑涨 想吐")), domain
    )
    assert texts(dispatcher)[0] == "utter_emergency_person_poisoned"
    assert not has_event(events, "followup", "repair_form")
    (ticket,) = _tickets(store)
    assert ticket.urgent and (ticket.description or "").startswith("【紧急：有人疑似一氧化碳")


def test_only_the_scald_advice_speaks_of_burns_and_only_the_cold_one_of_warming(
    domain: dict[str, Any],
) -> None:
    def said_by(name: str) -> str:
        return " ".join(v["text"] for v in domain["responses"][name])

    cold, scald = said_by("utter_emergency_person_cold"), said_by("utter_emergency_person_scald")
    assert "烫伤" not in cold and "凉水" not in cold and "暖和" in cold
    assert "凉水" in scald and "被子" not in scald


async def test_an_sms_emergency_ticket_carries_the_senders_number(
    store: str, domain: dict[str, Any]
) -> None:
    turn = _marked("家里有老人，冷得受不了了，老人有点发烧", channel="sms")
    await ActionEmergency().run(
        CollectingDispatcher(), tracker(turn, sender="sms:13912345679"), domain
    )
    with session_scope(store) as session:
        ticket = session.query(Ticket).one()
        assert ticket.phone == "13912345679"


async def test_an_urgent_ticket_still_open_from_earlier_is_not_opened_again(
    store: str, domain: dict[str, Any]
) -> None:
    first = CollectingDispatcher()
    await ActionEmergency().run(first, tracker(_marked("暖气漏水了", message_id="a")), domain)
    again = CollectingDispatcher()
    # a new conversation (no slot), a new message: still the same open ticket
    await ActionEmergency().run(
        again, tracker(_marked("水还在流，怎么还没人来", message_id="b")), domain
    )
    (ticket,) = _tickets(store)
    assert said(again, "utter_emergency_ticket_open")["ticket_no"] == ticket.ticket_no


async def test_a_retried_message_does_not_page_twice(store: str, domain: dict[str, Any]) -> None:
    turn = _marked("跑水了！", message_id="wx-7")
    await ActionEmergency().run(CollectingDispatcher(), tracker(turn), domain)
    with session_scope(store) as session:
        session.query(Ticket).update({"status": "cancelled"})  # even if it was closed meanwhile
    await ActionEmergency().run(CollectingDispatcher(), tracker(turn), domain)
    (ticket,) = _tickets(store)
    with session_scope(store) as session:
        kinds = [e.kind for e in session.query(TicketEvent).filter_by(ticket_id=ticket.id)]
    assert kinds.count("alert") == 1


async def test_the_numbers_go_out_even_when_the_ticket_store_is_down(
    monkeypatch: pytest.MonkeyPatch, domain: dict[str, Any]
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(actions.emergency, "in_db", broken)
    monkeypatch.setattr(actions.emergency, "read_db", broken)
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(dispatcher, tracker(_marked("暖气管爆了")), domain)
    assert texts(dispatcher) == ["utter_emergency_water", "utter_emergency_not_recorded"]
    # the message is not taken back: resending it would not help, calling does
    assert not any(e.get("event") == "rewind" for e in events)


def test_a_city_without_a_checked_gas_number_names_119_only() -> None:
    assert numbers(load_policy("tianjin"))["gas_call"] == "火警 119"
    assert "96777" in numbers(load_policy("beijing"))["gas_call"]


async def test_a_hypothetical_leak_in_the_repair_form_pages_nobody(
    store: str, domain: dict[str, Any]
) -> None:
    for text in ("万一暖气漏水怎么办", "上周漏过，已经修好了"):
        dispatcher = CollectingDispatcher()
        events = await ValidateRepairForm().run(
            dispatcher,
            tracker(
                user_turn(text, "report_repair"),
                active_loop="repair_form",
                slot_events={"fault_type": "leak"},
            ),
            domain,
        )
        assert "utter_leak_urgent" not in texts(dispatcher)
        assert "urgent_ticket_no" not in slot_values(events)
    assert _tickets(store) == []
    # a leak in words the safety net does not know still opens its urgent ticket at once
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn("暖气片滴答滴答的", "report_repair"),
            active_loop="repair_form",
            slot_events={"fault_type": "leak"},
        ),
        domain,
    )
    assert said(dispatcher, "utter_leak_urgent")["duty_phone"] == load_policy().emergency.duty_phone


async def test_a_second_household_reporting_the_same_burst_joins_the_incident(
    store: str, domain: dict[str, Any]
) -> None:
    with session_scope(store) as session:
        first = TicketDraft(
            kind="BX",
            channel="wechat",
            sender_id="neighbour",
            fault_type="leak",
            urgent=True,
            address="阳光花园5号楼1单元402",
            community="阳光花园",
            building="5",
        )
        lead = ticket_service.open_ticket(session, load_policy(), first, NOW).ticket_no
    dispatcher = CollectingDispatcher()
    turn = _marked("暖气管爆了，屋里全是水！阳光花园5号楼1单元302")
    await ActionEmergency().run(
        dispatcher, tracker(turn, slots={"address": "阳光花园5号楼1单元302"}), domain
    )
    said(dispatcher, "utter_emergency_ticket")  # the household's own ticket and number
    # the words a report leading its own incident hears: nothing says a neighbour reported
    # (red team R9; 阳光花园 has no emergency stop published)
    assert "utter_emergency_incident_known" not in texts(dispatcher)
    assert "utter_emergency_alerted" in texts(dispatcher)
    (mine,) = _tickets(store)
    with session_scope(store) as session:
        kinds = [e.kind for e in session.query(TicketEvent).filter_by(ticket_id=mine.id)]
    assert "linked" in kinds and "alert" not in kinds  # no second urgent hand-off
    assert mine.ticket_no != lead


async def test_the_cause_of_the_stop_repeated_is_about_the_stop_not_a_new_emergency(
    store: str, domain: dict[str, Any]
) -> None:
    """哦是爆管啊 那不用派人了 啥时候恢复, after "幸福里小区抢修停热：主管线爆管抢修", opened an
    urgent ticket and asked for a phone number."""
    told = {
        "event": "bot",
        "text": "幸福里小区抢修停热：主管线爆管抢修。已于 11月27日 09:00 开始停热",
        "metadata": {"utter_action": "utter_outage_found"},
    }
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            user_turn("幸福里小区3号楼2单元501", message_id="a"),
            told,
            _marked("哦是爆管啊 那不用派人了 啥时候恢复", "deny", message_id="b"),
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_outage_found"]
    assert _tickets(store) == []
    assert slot_values(events)["pending"] is None


async def test_a_leak_told_again_as_a_complaints_story_keeps_the_complaint(
    store: str, domain: dict[str, Any]
) -> None:
    """The urgent ticket open, 上周修过的暖气片又漏水，维修质量太差 answering the complaint's
    question ended the complaint; the resident never filed it."""
    from bot.services import tickets as ticket_service
    from bot.store.tickets import TicketDraft

    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX", channel="rest", sender_id="tester", dedup_key=None, urgent=True,
            fault_type="leak",
        )  # fmt: skip
        ticket_service.open_ticket(session, load_policy(), draft, NOW)
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            _marked("上周修过的暖气片又漏水，维修质量太差", "file_complaint"),
            active_loop="complaint_form",
            slots={"requested_slot": "complaint_category"},
        ),
        domain,
    )
    assert texts(dispatcher)[:2] == ["utter_emergency_water", "utter_emergency_ticket_open"]
    assert has_event(events, "followup", "complaint_form")
    assert not has_event(events, "active_loop", None)


async def test_someone_unwell_in_a_cold_home_gets_a_heating_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    text = "辖区一位87岁独居老人家里暖气不热，刚才入户看到老人手脚冰凉，说有点胸闷"
    await ActionEmergency().run(
        CollectingDispatcher(), tracker(_marked(text, "report_repair")), domain
    )
    (ticket,) = _tickets(store)
    assert ticket.urgent and ticket.fault_type == "no_heat"


async def test_someone_unwell_in_a_cold_home_is_asked_where_and_how_to_call(
    store: str, domain: dict[str, Any]
) -> None:
    """An urgent heating ticket for "my mother is shivering, the radiator is cold" went out with
    neither address nor phone: nobody could go or call. The repair form asks what it lacks."""
    text = "我妈八十多了 家里暖气一点不热 她现在裹着被子还在发抖 说头晕 你们能不能赶紧来人"
    events = await ActionEmergency().run(
        CollectingDispatcher(), tracker(_marked(text, "report_repair")), domain
    )
    assert has_event(events, "followup", "repair_form")
    assert slot_values(events)["fault_type"] == "no_heat"  # not a leak: no valves to close


async def test_a_complaint_with_someone_unwell_goes_on_to_be_filed(
    store: str, domain: dict[str, Any]
) -> None:
    text = "我要投诉 停暖了一整天 也没通知 家里老人冻得发烧了 你们得给个说法"
    events = await ActionEmergency().run(
        CollectingDispatcher(), tracker(_marked(text, "file_complaint")), domain
    )
    assert has_event(events, "followup", "complaint_form")
    assert not has_event(events, "followup", "repair_form")


async def test_the_address_of_an_urgent_cold_home_tells_the_stop_there_and_asks_on(
    store: str, domain: dict[str, Any]
) -> None:
    """The address said after the urgent ticket is where a stop is under way (幸福里 in the demo
    data): the resident hears why it is cold, and the form goes on to the phone, no offer."""
    text = "幸福里小区2号楼3单元402"
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX", channel="rest", sender_id="tester", dedup_key=None, urgent=True,
            fault_type="no_heat",
        )  # fmt: skip
        number = ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn(text, "inform"),
            active_loop="repair_form",
            slots={
                "fault_type": "no_heat",
                "urgent_ticket_no": number,
                "requested_slot": "address",
            },
            slot_events={"address": text},
        ),
        domain,
    )
    assert said(dispatcher, "utter_outage_found")["community"] == "幸福里小区"
    assert "utter_outage_repair_offer" not in texts(dispatcher)
    assert slot_values(events).get("address") == text


async def test_a_burst_named_where_the_company_repairs_one_is_that_repair_not_a_new_emergency(
    store: str, domain: dict[str, Any]
) -> None:
    """幸福里小区 has an emergency stop under way for a burst main (the demo store): a resident
    there who names a burst, with no water seen and nothing of a home, hears the stop, and no
    urgent ticket is opened and nobody paged."""
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(_marked("幸福里小区的 原来是爆管了 那几点能来热", "query_outage")),
        domain,
    )
    assert texts(dispatcher)[0] == "utter_outage_found"
    assert "utter_emergency_water" not in texts(dispatcher)
    assert _tickets(store) == []
    assert slot_values(events)["pending"] is None


async def test_a_complaint_about_the_companys_burst_repair_is_filed_not_paged(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(_marked("幸福里小区爆管三天了还没弄完 屋里冻死了 我要投诉", "file_complaint")),
        domain,
    )
    assert texts(dispatcher) == []
    assert _tickets(store) == []
    assert has_event(events, "followup", "complaint_form")


@pytest.mark.parametrize(
    "text",
    [
        # no burst repair under way in 阳光花园: the words stay an emergency
        "阳光花园的 原来是爆管了 那几点能来热",
        # water seen in 幸福里小区: a burst where people are, whatever the company repairs
        "幸福里小区爆管了 单元门口全是热水",
    ],
)
async def test_a_burst_not_known_to_the_store_or_with_water_seen_stays_urgent(
    text: str, store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(dispatcher, tracker(_marked(text, "query_outage")), domain)
    assert texts(dispatcher)[0] == "utter_emergency_water"
    (ticket,) = _tickets(store)
    assert ticket.urgent


def _urgent_view(phone: str | None) -> ticket_service.TicketView:
    return ticket_service.TicketView(
        ticket_no="BX202611270001",
        kind="BX",
        status="new",
        urgent=True,
        fault_type="leak",
        address="阳光花园19号楼2单元301",
        phone=phone,
        visit_start=None,
        visit_end=None,
        first_reply_due=NOW,
        on_site_due=NOW,
        resolve_due=NOW,
        created_at=NOW,
        channel="rest",
        sender_id="u",
    )


@pytest.mark.parametrize(
    ("said_before", "response"),
    [
        ("我没手机 家里也没装电话", "utter_urgent_repair_updated"),
        ("好的", "utter_urgent_phone_missing"),
    ],
)
async def test_a_resident_with_no_phone_is_not_asked_for_one_in_the_confirmation(
    said_before: str, response: str
) -> None:
    """Played after the review: 我没手机 用的邻居的 got "已注明无联系电话，师傅直接上门" and, in the
    same turn, the confirmation asking 请再留一个联系电话."""
    dispatcher = CollectingDispatcher()
    await actions.emergency.tell_urgent_completed(
        dispatcher, tracker(user_turn(said_before, "inform")), _urgent_view(None)
    )
    assert texts(dispatcher)[0] == response
    if response == "utter_urgent_repair_updated":
        assert said(dispatcher, response)["phone"] == actions.emergency.NO_PHONE_SHOWN
