"""action_record_rating: a rating (button, entity or typed) and its comment reach the survey."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.survey import ActionRecordRating
from bot.policy import load_policy
from bot.services.surveys import open_due_surveys
from bot.services.tickets import open_ticket
from bot.store.db import session_scope
from bot.store.models import Survey, Ticket
from bot.store.tickets import TicketDraft, change_status, get_ticket
from tests.actions.conftest import NOW, said, texts, tracker, user_turn

ROOT = Path(__file__).resolve().parents[2]


def _finished_repair(store: str, sender: str = "tester") -> str:
    """A repair of `sender` done an hour ago, with its survey opened; its ticket number."""
    policy = load_policy()
    with session_scope(store) as session:
        draft = TicketDraft(kind="BX", channel="rest", sender_id=sender, fault_type="no_heat")
        number = open_ticket(session, policy, draft, NOW.replace(hour=7)).ticket_no
        ticket = get_ticket(session, number)
        assert ticket is not None
        for status in ("assigned", "in_progress", "done"):
            change_status(session, ticket, status, NOW.replace(hour=9), "agent:7")
        assert open_due_surveys(session, policy, NOW.replace(hour=9, minute=5)) == [number]
    return number


def _survey(store: str) -> Survey:
    with session_scope(store) as session:
        (survey,) = session.execute(select(Survey)).scalars()
        return survey


async def _rate(domain: dict[str, Any], text: str, entities: list[dict[str, Any]]) -> Any:
    dispatcher = CollectingDispatcher()
    turn = user_turn(text, "rate_service", entities=entities)
    await ActionRecordRating().run(dispatcher, tracker(turn), domain)
    return dispatcher


async def test_a_button_rating_is_thanked(store: str, domain: dict[str, Any]) -> None:
    _finished_repair(store)
    rating = [{"entity": "rating", "value": "5"}]
    dispatcher = await _rate(domain, '/rate_service{"rating":"5"}', rating)
    assert said(dispatcher, "utter_rating_thanks")["rating"] == 5
    survey = _survey(store)
    assert (survey.rating, survey.comment) == (5, None)


async def test_a_low_typed_rating_books_a_call_back(store: str, domain: dict[str, Any]) -> None:
    number = _finished_repair(store)
    entity = [{"entity": "rating", "value": "2", "start": 0, "end": 1}]
    dispatcher = await _rate(domain, "2分，等了一天才来人", entity)
    sorry = said(dispatcher, "utter_rating_sorry")
    assert sorry["rating"] == 2 and sorry["ticket_no"].startswith("RG")
    survey = _survey(store)
    assert (survey.comment, survey.follow_up_ticket_no) == ("等了一天才来人", sorry["ticket_no"])
    with session_scope(store) as session:
        call_back = session.execute(select(Ticket).where(Ticket.kind == "RG")).scalar_one()
        assert number in (call_back.description or "")


async def test_a_rating_without_entity_is_read_from_the_text(
    store: str, domain: dict[str, Any]
) -> None:
    _finished_repair(store)
    dispatcher = await _rate(domain, "给4分 师傅很耐心", [])
    assert said(dispatcher, "utter_rating_thanks")["rating"] == 4
    assert _survey(store).comment == "师傅很耐心"


async def test_no_open_survey(store: str, domain: dict[str, Any]) -> None:
    dispatcher = await _rate(domain, "5分", [])
    assert texts(dispatcher) == ["utter_no_open_survey"]
    _finished_repair(store)
    await _rate(domain, "5分", [])
    dispatcher = await _rate(domain, "再给5分", [])  # already answered
    assert texts(dispatcher) == ["utter_no_open_survey"]


async def test_an_out_of_range_rating_asks_again(store: str, domain: dict[str, Any]) -> None:
    number = _finished_repair(store)
    dispatcher = await _rate(domain, "满意度打9", [{"entity": "rating", "value": "9"}])
    assert said(dispatcher, "utter_rating_invalid")["ticket_no"] == number
    assert _survey(store).rating is None


def test_every_response_the_action_uses_is_in_the_domain(domain: dict[str, Any]) -> None:
    code = (ROOT / "actions" / "survey.py").read_text(encoding="utf-8")
    used = set(re.findall(r'response="(utter_\w+)"', code))
    assert used == {
        "utter_rating_thanks",
        "utter_rating_sorry",
        "utter_rating_invalid",
        "utter_no_open_survey",
    }
    assert used <= set(domain["responses"]), sorted(used - set(domain["responses"]))
    assert "action_record_rating" in domain["actions"]
    assert "rating" in domain["entities"] and "rate_service" in domain["intents"]
