"""The clauses of a message that asks several things (bot.nlu.clauses)."""

from __future__ import annotations

import pytest

from bot.nlu.clauses import clause_intents, clause_spans, is_question, starts_new_matter


def _clauses(text: str) -> list[str]:
    return [text[start:end] for start, end in clause_spans(text)]


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        (
            "今年几号开始烧到几号停?在哪交钱 微信能交不",
            ["今年几号开始烧到几号停?", "在哪交钱 微信能交不"],
        ),
        (
            "问下 1、过了12月31号交有滞纳金吗 2、电子发票在哪下载",
            ["问下", "1、过了12月31号交有滞纳金吗", "2、电子发票在哪下载"],
        ),
        (
            # an item marker with a point is no sentence end (the item was cut off from "1")
            "两个事:1.书房暖气片冰凉,别处还行;2.营业厅周六上班吗?",
            ["两个事", "1.书房暖气片冰凉,别处还行", "2.营业厅周六上班吗?"],
        ),
        ("以后别发停暖短信了,另外电子发票在哪开?", ["以后别发停暖短信了", "另外电子发票在哪开?"]),
        ("查下暖气费交没交 要是晚交了有滞纳金吗", ["查下暖气费交没交", "要是晚交了有滞纳金吗"]),
        # a greeting is a clause of its own; short words glue into one clause
        ("您好 打扰您了 我想查查暖气费", ["您好 打扰您了", "我想查查暖气费"]),
        ("你好 我想 看看 暖气 钱 多少", ["你好", "我想 看看 暖气 钱 多少"]),
        ("暖气不热。", ["暖气不热"]),
        ("阳光花园5号楼1单元302", ["阳光花园5号楼1单元302"]),
    ],
)
def test_a_message_is_cut_where_another_matter_starts(text: str, clauses: list[str]) -> None:
    assert _clauses(text) == clauses


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("要是晚交了有滞纳金吗", True),
        ("另外电子发票在哪开", True),
        ("在哪交钱 微信能交不", True),
        ("基础热费还得交?", True),
        ("暖气不热 上热下凉", False),
        ("另外去年的发票我还没拿到", False),
        ("一个月好几百暖气费白交了", False),
        ("十几度 冻得睡不着", False),
        ("几点能来", True),
        ("屋里就15度 能退钱不", True),
        ("可以先来人不", True),
    ],
)
def test_a_question_is_told_from_a_statement(text: str, asks: bool) -> None:
    assert is_question(text) is asks


def test_only_the_clauses_the_classifier_is_sure_of_count() -> None:
    parse = {
        "clauses": [
            {"text": "你好", "name": "greet", "confidence": 0.9},
            {"text": "我想查查暖气费", "name": "query_fee", "confidence": 0.74},
            {"text": "顺便", "name": "report_repair", "confidence": 0.2},
            {"text": "看看欠多少", "name": "query_fee", "confidence": 0.8},
        ]
    }
    assert clause_intents(parse) == ["greet", "query_fee"]
    assert clause_intents({"text": "暖气不热"}) == []


@pytest.mark.parametrize(
    ("clause", "new"),
    [
        ("另外发票怎么开", True),
        ("顺便问下过户要带什么", True),
        ("2、电子发票在哪下载", True),
        ("需要报修吗", False),
        ("能给退点钱不?", False),
    ],
)
def test_a_clause_that_opens_another_matter(clause: str, new: bool) -> None:
    assert starts_new_matter(clause) is new
