"""Which knowledge-base topic a parsed message gets (bot/services/topics): answered, offered as
2–3 buttons, or left to its task intent."""

from __future__ import annotations

from typing import Any

import pytest

from bot.nlu.linear import response_selector_output
from bot.policy.knowledge import Retrieval
from bot.services.topics import (
    TopicChoice,
    choice_for_parse,
    choose_topic,
    clause_topics,
    reaches_knowledge_base,
    topic_ranking,
)

RETRIEVAL = Retrieval(answer_confidence=0.3, offer=3, offer_confidence=0.08)


def parse(intent: str, keys: list[tuple[str, float]], *ranking: str) -> dict[str, Any]:
    """A parse result as the pipeline writes it (the selector part from the classifier's own
    function); `ranking` lists the intents after the first, best first."""
    names = [intent, *ranking]
    return {
        "intent": {"name": intent, "confidence": 0.5},
        "intent_ranking": [{"name": n, "confidence": 0.5 / (i + 1)} for i, n in enumerate(names)],
        "response_selector": response_selector_output(
            "faq", [(f"faq/{k}", p) for k, p in keys], {}
        ),
    }


def test_a_sure_topic_is_answered() -> None:
    choice = choice_for_parse(
        parse("faq", [("radiator_bleeding", 0.8), ("radiator_noise", 0.1)]), RETRIEVAL
    )
    assert choice == TopicChoice(answer="radiator_bleeding")


def test_at_the_threshold_it_is_answered_just_below_it_is_offered() -> None:
    assert choose_topic([("invoice", 0.3), ("hotline", 0.2)], RETRIEVAL).answer == "invoice"
    assert choose_topic([("invoice", 0.29), ("hotline", 0.2)], RETRIEVAL).offer == (
        "invoice",
        "hotline",
    )


@pytest.mark.parametrize(
    ("third", "offered"),
    [(0.08, ("a", "b", "c")), (0.079, ("a", "b")), (0.0, ("a", "b"))],
)
def test_an_unsure_question_offers_two_topics_and_a_third_only_when_likely(
    third: float, offered: tuple[str, ...]
) -> None:
    ranking = [("a", 0.25), ("b", 0.2), ("c", third), ("d", 0.01)]
    assert choose_topic(ranking, RETRIEVAL) == TopicChoice(offer=offered)


def test_the_offer_never_exceeds_the_configured_count() -> None:
    two = Retrieval(answer_confidence=0.9, offer=2, offer_confidence=0.0)
    assert choose_topic([("a", 0.4), ("b", 0.3), ("c", 0.2)], two).offer == ("a", "b")


def test_no_ranking_means_no_topic() -> None:
    assert choose_topic([], RETRIEVAL) == TopicChoice()


@pytest.mark.parametrize(
    ("intent", "rest", "reaches"),
    [
        ("faq", (), True),
        ("nlu_fallback", ("faq", "report_repair"), True),
        ("nlu_fallback", ("report_repair", "faq"), False),
        ("report_repair", ("faq",), False),
        ("query_fee", ("faq",), False),
        ("out_of_scope", ("faq",), False),
    ],
)
def test_only_the_faq_family_reaches_the_knowledge_base(
    intent: str, rest: tuple[str, ...], reaches: bool
) -> None:
    message = parse(intent, [("repair_cost", 0.95)], *rest)
    assert reaches_knowledge_base(message) is reaches
    # a task intent keeps its flow even when a topic would be a sure match
    assert (choice_for_parse(message, RETRIEVAL) != TopicChoice()) is reaches


def test_the_ranking_is_read_from_the_selector_best_first() -> None:
    message = parse("faq", [("b", 0.2), ("a", 0.7)])
    assert topic_ranking(message) == [("a", 0.7), ("b", 0.2)]


def test_a_selector_without_ranking_is_taken_at_its_word() -> None:
    only_choice = {
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/invoice"}}}
    }
    assert topic_ranking(only_choice) == [("invoice", 1.0)]
    assert topic_ranking({}) == []


def test_the_questions_among_a_messages_clauses_are_its_topics() -> None:
    """Each clause the FAQ family is sure of, that asks something, and whose topic is sure enough
    to answer beside something else; each topic once, in the order asked."""

    def clause(text: str, topic: str, sure: float = 0.9, intent: str = "faq") -> dict[str, Any]:
        return {
            "text": text,
            "name": intent,
            "confidence": sure,
            "topic": topic,
            "topic_confidence": sure,
        }

    asked = {
        "clauses": [
            clause("过了12月31号交有滞纳金吗", "late_fee"),
            clause("电子发票在哪下载?", "invoice"),
            clause("发票怎么开", "invoice"),
            clause("今儿早上不知道怎么的就呲开了", "account_number_lookup", sure=0.51),
            clause("暖气上热下凉", "radiator_bleeding"),  # states, does not ask
            clause("哪天啊", "heating_season"),  # too short to ask anything new
            clause("我想查查暖气费", "fee_standard", intent="query_fee"),
        ]
    }
    assert clause_topics(asked, RETRIEVAL) == ["late_fee", "invoice"]
    assert clause_topics({"text": "发票怎么开"}, RETRIEVAL) == []
