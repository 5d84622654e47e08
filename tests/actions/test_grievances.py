"""A question carrying a grievance (actions.grievances through action_answer_faq): the resident
hears sorry, the answer, and the offer to record it; an unreachable hotline is not answered with
the hotline; an ordinary question gets the plain answer alone."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionAnswerFaq
from actions.grievances import APOLOGY, OFFER, UNREACHABLE_ANSWER

from .conftest import texts, tracker, user_turn


def _faq(key: str) -> dict[str, Any]:
    return {"faq": {"response": {"intent_response_key": f"faq/{key}"}}}


async def _answer(domain: dict[str, Any], text: str, key: str, **kw: Any) -> list[str]:
    dispatcher = CollectingDispatcher()
    turn = user_turn(text, "faq", response_selector=_faq(key))
    await ActionAnswerFaq().run(dispatcher, tracker(turn, **kw), domain)
    return texts(dispatcher)


async def test_charged_after_a_free_repair_hears_sorry_the_rules_and_the_offer(
    domain: dict[str, Any],
) -> None:
    said = await _answer(domain, "师傅修完了又管我要钱 不是说免费吗 坑人呢", "repair_cost")
    assert said[0] == APOLOGY
    assert "材料费" in said[1]  # the repair-cost answer itself
    assert said[-1] == OFFER


async def test_an_unreachable_hotline_gets_help_here_not_the_number(
    domain: dict[str, Any],
) -> None:
    said = await _answer(domain, "你们热线打了一上午都没人接 到底有没有人管", "hotline")
    assert said == [UNREACHABLE_ANSWER]  # its own words apologise: one sorry, not two


async def test_rude_staff_inside_another_topic_still_hear_the_offer(
    domain: dict[str, Any],
) -> None:
    said = await _answer(domain, "来的人态度太差了 我就想问问上门的要看什么证件", "staff_identity")
    assert said[0] == APOLOGY and said[-1] == OFFER


async def test_an_ordinary_question_gets_only_its_answer(domain: dict[str, Any]) -> None:
    said = await _answer(domain, "维修要收材料费吗", "repair_cost")
    assert len(said) == 1 and "材料费" in said[0]


async def test_inside_a_form_the_form_keeps_its_own_apology(domain: dict[str, Any]) -> None:
    said = await _answer(
        domain, "换个阀门收了我两百块 这合理吗", "repair_cost", active_loop="repair_form"
    )
    assert APOLOGY not in said and OFFER not in said


async def test_the_offer_names_the_complaint_hours_as_people_write_them(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turn = user_turn("换个阀门收了我两百块 这合理吗", "faq", response_selector=_faq("repair_cost"))
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    offer = next(m for m in dispatcher.messages if m.get("response") == OFFER)
    assert offer["hours"] == "24"  # not 24.0
