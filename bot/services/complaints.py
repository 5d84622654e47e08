"""Complaint categories: what the complaint is about decides who handles it."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = ("服务态度", "维修不及时", "收费问题", "室温不达标", "其他")

_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("室温不达标", ("室温", "温度", "不热", "冰凉", "冻", "不达标")),
    ("收费问题", ("收费", "暖气费", "钱", "账单", "多收", "滞纳金", "发票", "扣款")),
    (
        "维修不及时",
        ("没来", "不来", "没人来", "迟迟", "拖", "几天了", "不及时", "没修", "修不好", "等了"),
    ),
    ("服务态度", ("态度", "骂", "凶", "不耐烦", "挂电话", "推诿", "脸色", "不礼貌", "吵")),
)


def complaint_category_of(text: str) -> str | None:
    """The category a complaint text most plausibly belongs to; `None` when no word says.

    A button answer is the category name itself. Otherwise the first category (in the order above)
    with a keyword in the text wins: temperature and billing words are specific, attitude words
    often appear beside them.
    """
    text = text.strip()
    if text in CATEGORIES:
        return text
    for category, words in _KEYWORDS:
        if any(word in text for word in words):
            return category
    return None
