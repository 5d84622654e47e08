"""室温抽测 in the conversation it was sent to: the invitation answered (a yes books a CY visit
ticket, a later 不方便 withdraws it) and the household's own reading, with or without a photo."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.common import policy
from actions.conversation import ActionFallback, ActionHandleInform, ActionHandleYesNo
from actions.sampling import RECORDED
from bot.services.sampling import answer_invitation, invite, record_result
from bot.store.accounts import bind_account
from bot.store.db import session_scope
from bot.store.importer import import_csv
from bot.store.inbound import claim
from bot.store.models import RoomTempSample, Ticket

from .conftest import NOW, offered, said, texts, tracker, user_turn

SENDER = "wechat:oSampled"


def _invited(store: str) -> None:
    with session_scope(store) as session:
        bind_account(session, "wechat", SENDER, "0102345679", NOW)
        claim(session, "wechat", "msg:1", SENDER, NOW)  # wrote today: WeChat can reach it
        rows = (  # the visit is tomorrow morning (NOW is Friday 2026-11-27 10:00)
            "campaign,account_no,visit_start,visit_end\n"
            "C1,0102345679,2026-11-28 09:00,2026-11-28 11:00\n"
        )
        assert import_csv(session, "room_temp_samples", rows.encode(), NOW).ok
        invite(session, "C1", NOW)


def _status(store: str) -> str:
    with session_scope(store) as session:
        return str(session.execute(select(RoomTempSample.status)).scalar_one())


async def _reply(domain: dict[str, Any], text: str, intent: str) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    turn = user_turn(text, intent, channel="wechat")
    await ActionHandleYesNo().run(dispatcher, tracker(turn, sender=SENDER), domain)
    return dispatcher


async def test_yes_consents_to_the_visit_window(store: str, domain: dict[str, Any]) -> None:
    _invited(store)

    dispatcher = await _reply(domain, "同意", "affirm")

    assert said(dispatcher, "utter_sampling_consented")["window"] == "11月28日（周六）09:00–11:00"
    assert _status(store) == "consented"


async def test_no_declines(store: str, domain: dict[str, Any]) -> None:
    _invited(store)

    dispatcher = await _reply(domain, "不方便", "deny")

    said(dispatcher, "utter_sampling_declined")
    assert _status(store) == "declined"


async def test_a_pending_offer_of_the_bot_is_answered_first(
    store: str, domain: dict[str, Any]
) -> None:
    _invited(store)
    dispatcher = CollectingDispatcher()
    t = offered("cancel:BX202611270001", "好的", "affirm")
    t.sender_id = SENDER

    await ActionHandleYesNo().run(dispatcher, t, domain)

    assert "utter_sampling_consented" not in texts(dispatcher)
    assert _status(store) == "invited"


async def test_without_an_invitation_yes_asks_what_else(domain: dict[str, Any]) -> None:
    dispatcher = await _reply(domain, "好的", "affirm")
    assert texts(dispatcher) == ["utter_anything_else"]


# ---- the visit's CY ticket ---------------------------------------------------------------------


def _consented(store: str) -> str:
    """Invite and consent (as the yes/no action does); the CY ticket's number."""
    _invited(store)
    with session_scope(store) as session:
        answer = answer_invitation(session, policy(), "wechat", SENDER, True, NOW)
        assert answer is not None and answer.ticket_no is not None
        return answer.ticket_no


def _ticket_status(store: str, ticket_no: str) -> str:
    with session_scope(store) as session:
        return str(
            session.execute(select(Ticket.status).where(Ticket.ticket_no == ticket_no)).scalar_one()
        )


async def test_yes_books_the_visit_as_a_cy_ticket(store: str, domain: dict[str, Any]) -> None:
    _invited(store)

    dispatcher = await _reply(domain, "同意", "affirm")

    ticket_no = said(dispatcher, "utter_sampling_consented")["ticket_no"]
    assert ticket_no.startswith("CY20261127")
    with session_scope(store) as session:
        ticket = session.execute(select(Ticket).where(Ticket.ticket_no == ticket_no)).scalar_one()
        assert (ticket.kind, ticket.account_no, ticket.sender_id) == ("CY", "0102345679", SENDER)


async def test_a_later_inconvenience_withdraws_the_visit(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _consented(store)

    dispatcher = await _reply(domain, "周六那天不方便了，家里没人", "deny")

    withdrawn = said(dispatcher, "utter_sampling_visit_withdrawn")
    assert withdrawn["ticket_no"] == ticket_no and withdrawn["window"].startswith("11月28日")
    assert (_status(store), _ticket_status(store, ticket_no)) == ("declined", "cancelled")


async def test_a_bare_no_thanks_does_not_withdraw_the_visit(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _consented(store)

    dispatcher = await _reply(domain, "不用了，谢谢", "deny")

    assert texts(dispatcher) == ["utter_anything_else"]
    assert (_status(store), _ticket_status(store, ticket_no)) == ("consented", "new")


async def test_cancelling_the_cy_ticket_declines_the_visit(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _consented(store)
    t = offered(f"cancel:{ticket_no}", "好的", "affirm")
    t.sender_id = SENDER
    t.events[-1]["input_channel"] = "wechat"

    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(dispatcher, t, domain)

    said(dispatcher, "utter_ticket_cancelled")
    assert (_status(store), _ticket_status(store, ticket_no)) == ("declined", "cancelled")


# ---- the household's own reading ---------------------------------------------------------------


def _temperature(text: str, value: str) -> list[dict[str, Any]]:
    start = text.index(value)
    return [{"entity": "temperature", "start": start, "end": start + len(value), "value": value}]


def _reading(
    text: str, value: str, intent: str = "inform", message_id: str = "m9"
) -> dict[str, Any]:
    return user_turn(text, intent, _temperature(text, value), message_id, channel="wechat")


async def _inform(domain: dict[str, Any], *turns: dict[str, Any]) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(dispatcher, tracker(*turns, sender=SENDER), domain)
    return dispatcher


def _result(store: str) -> tuple[Any, ...]:
    with session_scope(store) as session:
        sample = session.execute(select(RoomTempSample)).scalar_one()
        return sample.status, sample.source, sample.temperature_c, sample.photo_media_id


async def test_a_sampled_household_reports_its_reading_in_chat(
    store: str, domain: dict[str, Any]
) -> None:
    _invited(store)

    dispatcher = await _inform(domain, _reading("客厅18.5℃", "18.5℃"))

    recorded = said(dispatcher, RECORDED)
    assert (recorded["temperature"], recorded["standard"], recorded["verdict"]) == (
        "18.5",
        "18",
        "达到标准",
    )
    assert recorded["advice"] == recorded["visit"] == recorded["photo"] == ""
    assert _result(store) == ("measured", "resident", 18.5, None)


async def test_a_reading_below_the_standard_says_by_how_much_and_keeps_the_visit(
    store: str, domain: dict[str, Any]
) -> None:
    _consented(store)

    dispatcher = await _inform(domain, _reading("我家现在17度", "17度"))

    recorded = said(dispatcher, RECORDED)
    assert (recorded["verdict"], recorded["advice"]) == ("低于标准", "（低 1.0 ℃）")
    assert "11月28日（周六）09:00–11:00" in recorded["visit"]  # staff still come
    assert _result(store)[:3] == ("measured", "resident", 17.0)


async def test_an_implausible_reading_is_refused_politely(
    store: str, domain: dict[str, Any]
) -> None:
    _invited(store)

    for text, value in (("客厅55度", "55度"), ("卧室零下3度", "零下3度")):
        dispatcher = await _inform(domain, _reading(text, value))
        assert said(dispatcher, "utter_sampling_reading_implausible")["value"] == value
    assert _result(store) == ("invited", None, None, None)


async def test_a_question_about_a_temperature_is_not_a_reading(
    store: str, domain: dict[str, Any]
) -> None:
    _invited(store)

    dispatcher = await _inform(domain, _reading("卧室16度算达标吗", "16度"))

    assert RECORDED not in texts(dispatcher)
    assert _result(store) == ("invited", None, None, None)


async def test_without_a_sample_a_temperature_keeps_its_usual_answer(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = await _inform(domain, _reading("我家现在17度", "17度"))

    assert not [t for t in texts(dispatcher) if "sampling" in t]
    # a room below the standard is no sample: it gets the below-standard answer (lead's B)
    assert texts(dispatcher) == ["utter_below_standard"]


async def test_staff_measurement_is_kept_over_the_households(
    store: str, domain: dict[str, Any]
) -> None:
    _invited(store)
    with session_scope(store) as session:
        record_result(session, policy(), "C1", "0102345679", 18.2, NOW)

    dispatcher = await _inform(domain, _reading("客厅16度", "16度"))

    staff = said(dispatcher, "utter_sampling_reading_staff_measured")
    assert (staff["temperature"], staff["verdict"]) == ("18.2", "达到标准")
    assert _result(store) == ("measured", "visit", 18.2, None)


async def test_a_misunderstood_reading_is_understood_after_all(
    store: str, domain: dict[str, Any]
) -> None:
    _invited(store)
    turn = _reading("刚量了一下，卧室16.5度", "16.5度", intent="nlu_fallback")
    dispatcher = CollectingDispatcher()

    events = await ActionFallback().run(dispatcher, tracker(turn, sender=SENDER), domain)

    assert texts(dispatcher) == [RECORDED] and events == []  # not taken back as a miss
    assert _result(store)[:3] == ("measured", "resident", 16.5)


async def test_a_photo_then_the_reading_files_them_together(
    store: str, domain: dict[str, Any]
) -> None:
    _invited(store)
    photo = user_turn("/send_photo", "send_photo", message_id="p1", channel="wechat")
    photo["metadata"] = {"meter_photo": "THERMO_1"}
    asked = {
        "event": "bot",
        "text": "收到照片",
        "metadata": {"utter_action": "utter_sampling_photo_ask"},
    }

    dispatcher = await _inform(domain, photo, asked, _reading("18度", "18度"))

    assert said(dispatcher, RECORDED)["photo"] == "（含温度计照片）"
    assert _result(store) == ("measured", "resident", 18.0, "THERMO_1")
