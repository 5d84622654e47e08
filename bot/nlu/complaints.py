"""Complaint categories from the words of a complaint (a pure text function, like the fault words
of `bot.nlu.faults`): what the complaint is about decides who handles it. The complaint form
(`actions/service_requests.py`) fills its `complaint_category` slot with it.
"""

from __future__ import annotations

import re

CATEGORIES: tuple[str, ...] = ("服务态度", "维修不及时", "收费问题", "室温不达标", "其他")

#: Words that say what went wrong (weight 2) and words that only name what the complaint is
#: about (weight 1), per category. A complaint about a late repair often mentions money or the
#: cold in passing (白交钱了, 还不热), and one about money often mentions a repair; what went
#: wrong decides. 钱 and 修 alone are subjects, never the problem.
_PROBLEM, _SUBJECT = 2, 1


def _weighted(words: str, weight: int) -> dict[str, int]:
    """`{word: weight}` for the space-separated `words`."""
    return dict.fromkeys(words.split(), weight)


_WORDS: dict[str, dict[str, int]] = {
    "室温不达标": {
        **_weighted("不热 冰凉 冻 不达标 太低 温度低", _PROBLEM),
        **_weighted("室温 温度 暖气片", _SUBJECT),
    },
    "收费问题": {
        **_weighted("多收 乱收 收费不合理 扣款 滞纳金 太贵 退费 收钱 要钱 收了 材料费", _PROBLEM),
        **_weighted("收费 暖气费 采暖费 钱 账单 发票 缴费", _SUBJECT),
    },
    "维修不及时": {
        **_weighted("没来 不来 没人来 迟迟 拖 几天了 不及时 没修 修不好 等了", _PROBLEM),
        **_weighted("没人修 还没修 没人管 不上门", _PROBLEM),
        **_weighted("报修 维修 修理 师傅 上门", _SUBJECT),
    },
    "服务态度": {
        **_weighted(
            "态度 骂 凶 不耐烦 挂电话 推诿 脸色 不礼貌 吵 说话冲 口气冲 挂断 给我挂了 直接挂",
            _PROBLEM,
        ),
        **_weighted("服务", _SUBJECT),
    },
}


def category_scores(text: str) -> dict[str, int]:
    """Each category's weight of words found in `text` (a word counts once)."""
    return {
        category: sum(weight for word, weight in words.items() if word in text)
        for category, words in _WORDS.items()
    }


def complaint_category_of(text: str) -> str | None:
    """The category a complaint text most plausibly belongs to; `None` when no word says.

    A button answer is the category name itself. Otherwise the category with the most weight of
    words in the text (`category_scores`): a problem word outweighs a subject word, so
    报修三天没人来，白交钱了 is a late repair, not a billing question. A tie goes to the
    category listed first in `_WORDS` (temperature and billing words are specific; attitude
    words often appear beside them).
    """
    text = text.strip()
    if text in CATEGORIES:
        return text
    scores = category_scores(text)
    best = max(scores.values())
    if best == 0:
        return None
    return next(category for category, score in scores.items() if score == best)


def category_kept(value: object) -> str:
    """The category a ticket records for the slot's `value`: one of `CATEGORIES`, never the
    resident's sentence. A slot filled while a rule answered the message (爆管我能理解，可总得群发个
    短信吧 read as an outage question) skipped the form's validation and was read back and filed
    as the category itself; the words are the complaint's text, the category is from them."""
    return complaint_category_of(str(value or "")) or "其他"


#: The complaint's account said anew at the read-back (内容改成：…, 我投诉的是停暖不通知 不是室温).
_CONTENT_CHANGE = re.compile(
    r"(?:内容|事由|投诉(?:的)?内容|我(?:要)?投诉的是|我说的是|投诉的是)"
    r"(?:改成|改为|应该是|写成|换成|是|就是)?[:：]?\s*(?P<content>.+)"
)
#: Its category named anew (类别改成服务问题).
_CATEGORY_CHANGE = re.compile(
    r"类(?:别|型)(?:改成|改为|应该是|换成|选|是)[:：]?\s*(?P<category>[^，,。；;\s]+)"
)
#: What the new account is not (…不是室温): left off the account.
_NOT_THAT = re.compile(r"[，,。;；\s]*(?:不是|而不是|并不是).*$")
_EDGES = "，,。.；;：: "


def complaint_change(text: str | None) -> tuple[str | None, str | None]:
    """(category, account) a message at the complaint's read-back changes, each None when it
    does not: 类别改成服务问题，内容是停暖没有提前通知 → (服务态度, 停暖没有提前通知). A new
    account without a category named brings the category its words say (其他 when none).
    The players' pl-03 tried three times and saw the same list each time."""
    said = str(text or "").strip()
    category_match = _CATEGORY_CHANGE.search(said)
    content_match = _CONTENT_CHANGE.search(said)
    content = None
    if content_match:
        content = _NOT_THAT.sub("", content_match.group("content")).strip(_EDGES) or None
    category = None
    if category_match:
        category = complaint_category_of(category_match.group("category")) or "其他"
    elif content:
        category = complaint_category_of(content) or "其他"
    return category, content
