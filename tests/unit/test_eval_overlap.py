"""bot.evaluation.overlap: exact duplicates, near-copies, and the indexed search being exact."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.evaluation.overlap import (
    bigram_jaccard,
    edit_distance,
    find_overlaps,
    normalised_edit_distance,
    overlap_key,
)
from bot.nlu.numbers import to_canonical

ROOT = Path(__file__).resolve().parents[2]


def test_overlap_key_drops_punctuation_space_and_case_keeps_words() -> None:
    assert overlap_key("转人工!!!") == "转人工"
    assert overlap_key("ting nuan le ma") == overlap_key("tingnuan le ma")
    assert overlap_key("OK") == "ok"
    assert overlap_key("你好👋") == "你好"


def test_a_wordless_message_keeps_its_symbols() -> None:
    # Otherwise 👌 (affirm) and ？？？ would both be the empty key, i.e. "equal".
    assert overlap_key("👌") == "👌"
    assert overlap_key("👌") != overlap_key("???")


def test_edit_distance() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance("暖气不热", "暖气不热") == 0
    assert edit_distance("abcdefgh", "zzzzzzzz", limit=2) == 3  # stops early: limit + 1
    assert normalised_edit_distance("暖气不热了", "暖气不热") == pytest.approx(0.2)


def test_bigram_jaccard_pads_the_edges() -> None:
    # ^你 你好 好$  vs  ^你 你好 好啊 啊$  → 2 / 5
    assert bigram_jaccard("你好", "你好啊") == pytest.approx(2 / 5)
    assert bigram_jaccard("abc", "abc") == 1.0


def test_exact_duplicate_after_pipeline_normalisation() -> None:
    train = [to_canonical("暖气不热"), to_canonical("我要投诉")]
    test = [to_canonical("暖氣不熱！"), to_canonical("今天停暖了吗")]
    found = find_overlaps(train, test)
    assert [(o.test_index, o.train_index, o.kind) for o in found] == [(0, 0, "exact")]


def test_near_copy_by_edit_distance() -> None:
    # 9 vs 8 characters, one insertion: 1/9 = 0.11 ≤ 0.15
    found = find_overlaps(["阳光花园暖气不热"], ["阳光花园暖气不热了"])
    assert len(found) == 1
    assert found[0].kind == "near"
    assert found[0].edit_distance == pytest.approx(1 / 9)


def test_near_copy_by_jaccard_catches_a_reordering() -> None:
    a = "我家暖气片不热了麻烦派人来看看"
    b = "阳光花园5号楼1单元302"
    found = find_overlaps([a + b], [b + a])
    assert len(found) == 1
    assert found[0].jaccard >= 0.8
    assert found[0].edit_distance > 0.15  # edit distance alone would miss it


@pytest.mark.parametrize(
    ("train", "test"),
    [
        ("你好", "您好"),  # one of two characters: 0.5
        ("明天上午", "明天下午"),  # different meaning, one of four characters
        ("暖气不热", "暖气不热了"),  # 1/5 = 0.2 and Jaccard 0.6: a short message, not a copy
        ("户号0102345678", "户号0203456789"),  # same template, different number
    ],
)
def test_short_or_different_messages_are_not_near_copies(train: str, test: str) -> None:
    assert find_overlaps([train], [test]) == []


def test_each_test_message_is_reported_once_with_its_closest_match() -> None:
    train = ["暖气片漏水了快来人", "暖气片漏水了快来", "完全不相关的一句话"]
    found = find_overlaps(train, ["暖气片漏水了快来人啊"])
    assert len(found) == 1
    assert found[0].train_index == 0


def _brute_force(train: list[str], test: list[str]) -> set[int]:
    hits = set()
    for t, text in enumerate(test):
        key = overlap_key(text)
        for other in train:
            other_key = overlap_key(other)
            if (
                key == other_key
                or bigram_jaccard(key, other_key) >= 0.8
                or normalised_edit_distance(key, other_key) <= 0.15
            ):
                hits.add(t)
                break
    return hits


def test_the_inverted_index_finds_exactly_what_all_pairs_finds() -> None:
    # A small alphabet makes repeated bigrams (人工人工人工) and near pairs common, which is where
    # a wrong pruning bound would lose matches.
    rng = random.Random(11)
    alphabet = "暖气不热人工漏水"

    def sentence() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))

    train = [sentence() for _ in range(150)]
    test = [sentence() for _ in range(60)]
    test += [s[:-1] + rng.choice(alphabet) for s in rng.sample(train, 30)]  # near copies
    expected = _brute_force(train, test)
    assert len(expected) >= 10  # the comparison is not vacuous
    assert {o.test_index for o in find_overlaps(train, test)} == expected

