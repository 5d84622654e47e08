"""R3b: a message understood as a whole — an acknowledgement before a question, a question
beside a request, "no visit, just asking", a cold radiator's "why", a preamble."""

from __future__ import annotations

import pytest

from bot.nlu.clauses import clause_spans, is_question
from bot.nlu.preambles import announces_question
from bot.nlu.requests import asks_why_home_is_cold, only_asking_how
from bot.nlu.topic_cues import fits_words
from bot.services.topics import how_to_apply_topic


def _clauses(text: str) -> list[str]:
    return [text[start:end] for start, end in clause_spans(text)]


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("好嘞 那电子票在哪下载", ["好嘞", "那电子票在哪下载"]),
        ("嗯嗯 明白了 那过了期限交有罚款吗", ["嗯嗯 明白了", "那过了期限交有罚款吗"]),
        ("谢谢啊那啥时候能到账", ["谢谢啊", "那啥时候能到账"]),
        # no acknowledgement: the words go on
        ("好冷啊 暖气不热", ["好冷啊 暖气不热"]),
        ("可以开收据吗", ["可以开收据吗"]),
    ],
)
def test_an_acknowledgement_is_a_clause_of_its_own(text: str, clauses: list[str]) -> None:
    assert _clauses(text) == clauses


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("不够温度的话钱能退不", True),
        ("这钱是业主出还是住的人出啊", True),
        ("热不热你们管吗", True),
        ("暖气还是很冷", False),
        ("我家暖气一点都不热", False),
    ],
)
def test_questions_without_a_question_word(text: str, asks: bool) -> None:
    assert is_question(text) is asks


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("暖气片半夜咔咔的", True),
        ("管子里哗啦哗啦的是漏了吗", True),
        ("暖气从早上就凉了 怎么回事", False),
        ("屋里暖气冰凉 咋回事啊", False),
    ],
)
def test_the_noise_topic_needs_a_sound(text: str, fits: bool) -> None:
    assert fits_words("radiator_noise", text) is fits
    assert fits_words("faq/invoice", text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("6号楼暖气从中午开始就冰凉 咋回事", True),
        ("家里的暖气片突然不热了 这是为啥", True),
        ("暖气咔咔响 咋回事", False),
        ("暖气不热 派人来看看", False),
        # 怎么/咋 before the cold itself (played: 幸福里的暖气怎么不热了 got topic buttons)
        ("幸福里的暖气怎么不热了", True),
        ("和平里这边暖气咋这么凉啊", True),
        ("俺家屋里怎么又冷了 昨天还好好的", True),
        ("暖气片今儿个咋一点都不热呢", True),
        ("暖气不热怎么办", False),  # asks what to do: the answer, not why
        ("暖气怎么上面热下面凉", False),  # part cold: air, the bleeding topic
    ],
)
def test_a_cold_home_asked_why(text: str, why: bool) -> None:
    assert asks_why_home_is_cold(text) is why


@pytest.mark.parametrize(
    ("text", "only_asking"),
    [
        ("暖气片上凉下热 放气咋弄 不用来人 我自己整", True),
        ("地暖有几个屋不热 只是想问问怎么调", True),
        ("暖气不热 怎么还不派人", False),  # impatience, not a decline
        ("不用派人了", False),  # asks nothing
    ],
)
def test_no_visit_just_asking_how(text: str, only_asking: bool) -> None:
    assert only_asking_how(text) is only_asking


@pytest.mark.parametrize(
    ("text", "preamble"),
    [
        ("闺女 俺问个事儿", True),
        ("您好，请问一下", True),
        ("师傅 跟你打听点事", True),
        ("有个问题想请教", True),
        ("我问一下暖气费交了没有", False),
        ("你好 我想问问报停怎么办", False),
    ],
)
def test_a_preamble_asks_nothing_yet(text: str, preamble: bool) -> None:
    assert announces_question(text) is preamble


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("你好 我想问问报停怎么办", "stop_heating_documents"),
        ("今年不住了 暖气申请停供要啥手续", "stop_heating_documents"),
        ("报停了", None),
        ("发票怎么开", None),
    ],
)
def test_how_to_apply_for_a_request(text: str, topic: str | None) -> None:
    assert how_to_apply_topic(text) == topic
