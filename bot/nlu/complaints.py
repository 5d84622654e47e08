"""Complaint categories from the words of a complaint (a pure text function, like the fault words
of `bot.nlu.faults`): what the complaint is about decides who handles it. The complaint form
(`actions/service_requests.py`) fills its `complaint_category` slot with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.nlu.addressspans import find_address_spans
from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import to_canonical
from bot.nlu.requests import asks_when_heat_returns
from bot.nlu.stop_follow_ups import claims_losses

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
        # a worker asking for a bribe (给红包, 好处费, 请吃饭) is conduct, not a late repair
        **_weighted("红包 好处费 辛苦费 茶水费 索要 吃拿卡要 请吃饭 给烟 要烟 塞钱", _PROBLEM),
        **_weighted("服务", _SUBJECT),
    },
}


def category_scores(text: str) -> dict[str, int]:
    """Each category's weight of words found in `text` (a word counts once). A cold home said in
    any words the fault reader knows (交了钱暖气还是凉的, 屋里冰冰凉, 没暖气) is a problem word of
    the room temperature once, when none of its own words is: 交了钱 … 凉的 was filed as a
    billing complaint (players' class F)."""
    scores = {
        category: sum(weight for word, weight in words.items() if word in text)
        for category, words in _WORDS.items()
    }
    if scores["室温不达标"] < _PROBLEM and fault_type_of(text) == "no_heat":
        scores["室温不达标"] += _PROBLEM
    return scores


def _problem_weight(text: str, category: str) -> int:
    """The weight of `category`'s problem words (not its subject words) in `text`."""
    return sum(
        weight for word, weight in _WORDS[category].items() if weight == _PROBLEM and word in text
    )


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
    if claims_losses(text):
        # 停暖把店里的酸奶冻坏了 要赔偿: a claim for goods, not the room temperature (its 冻 is
        # the goods'); none of the categories but 其他 (player findings 5, p5-031)
        return "其他"
    scores = category_scores(text)
    best = max(scores.values())
    if best == 0:
        return None
    tied = [category for category, score in scores.items() if score == best]
    # a tie between what went wrong and what is only named goes to what went wrong: 维修师傅态度
    # 特别差 is the attitude (态度), not a late repair (维修 and 师傅 only name the repair)
    return max(tied, key=lambda category: _problem_weight(text, category) > 0)


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
#: The words a resident names each category by at the read-back (是服务态度, 算收费的问题).
_CATEGORY_ALIASES = {
    "服务态度": "服务态度 态度 服务",
    "维修不及时": "维修不及时 维修太慢 修得太慢 修得慢 维修 报修 不及时",
    "收费问题": "收费问题 乱收费 收费 费用 多收钱",
    "室温不达标": "室温不达标 温度不达标 室温 温度 不达标 不热",
    "其他": "其他 其它",
}
_ALIAS_CATEGORY = {
    alias: category for category, words in _CATEGORY_ALIASES.items() for alias in words.split()
}
#: A category named last as the one meant (…是服务态度, 应该算态度问题, 属于收费的事).
_CATEGORY_MEANT = re.compile(
    r"(?:应该|应|而|就|得|算|属于|归|选|改成|改为|换成|是)+[:：]?\s*"
    r"(?P<category>" + "|".join(sorted(_ALIAS_CATEGORY, key=len, reverse=True)) + r")"
    r"(?:的)?(?:问题|类|方面|的事|那一?类|这一?类)?(?:吧|啊|呀|呢|才对)?[。.!！~～\s]*$"
)
#: Words that make a category named at the read-back a correction (不是, 不对, 选错了, 类别):
#: without them 对 是收费问题 agrees to the list.
_CORRECTING = re.compile(r"不是|不对|错|类别|类型|分类|归类|应该|而是|属于|改成|改为|换成")


def _category_meant(said: str) -> str | None:
    """The category a read-back answer puts right in words (不是收费问题 是服务态度, 分类错了 算态度
    问题, 选错了 是维修不及时): only with a word of correction, and never the one named as wrong
    (是服务态度 不是收费 names 收费 last, after 不是)."""
    found = _CATEGORY_MEANT.search(said)
    if found is None or not _CORRECTING.search(said):
        return None
    if found.start() > 0 and said[found.start() - 1] in "不没":
        return None
    return _ALIAS_CATEGORY[found.group("category")]


#: What the new account is not (…不是室温): left off the account.
_NOT_THAT = re.compile(r"[，,。;；\s]*(?:不是|而不是|并不是).*$")
_EDGES = "，,。.；;：: "


def complaint_change(text: str | None) -> tuple[str | None, str | None]:
    """(category, account) a message at the complaint's read-back changes, each None when it
    does not: 类别改成服务问题，内容是停暖没有提前通知 → (服务态度, 停暖没有提前通知). A new
    account without a category named brings the category its words say (其他 when none). A
    category put right in other words (不是收费问题 是服务态度) is the change too: it was
    ignored until the resident typed 要修改 (players' findings 3, p3-084).
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
    else:
        category = _category_meant(to_canonical(said))
    return category, content


#: A phone or account number: no words of the complaint.
_NUMBER = re.compile(r"(?<![0-9])[0-9]{7,}(?![0-9])")
#: Words that say nothing of what happened once the address is taken out (我家在, 地址是, 电话).
_FILLER = re.compile(
    r"我家在|我家住|我住在|我住|家住|住在|地址是|地址|电话是|电话|手机号?是?|联系方式|我家|是|在"
    # the words that take a part back (东风新村4号楼1单元 不对 是3单元502): no more of the story
    r"|哦?不对|说错了|写错了|更正"
)


def complaint_words(text: str | None, communities: Iterable[str] = ()) -> str:
    """The words of a message that tell the complaint, without the address and numbers in it:
    和平里2号楼3单元602，暖气一直不热，打电话也没人管 → 暖气一直不热，打电话也没人管; "" for a
    message that is only an address or a phone (和平里10号楼2单元101). A complaint's account keeps
    these and never the bare address: the content staff received was the resident's address
    (players' class F). Clauses without an address or number stay as the resident wrote them
    (三天, full-width commas: staff read their words, not the canonical text); only a clause that
    holds an address or a number is cut, in canonical text. A message with neither is returned
    as sent."""
    known = list(communities)
    kept: list[str] = []
    cut = False
    for clause in _CLAUSES.split((text or "").strip()):
        canonical = to_canonical(clause)
        spans = find_address_spans(canonical, known)
        rest = canonical
        for span in reversed(spans):
            rest = f"{rest[: span.start]} {rest[span.end :]}"
        pieces = [piece for piece in _PIECES.split(_NUMBER.sub(" ", rest)) if _tells(piece)]
        if not pieces:
            cut = cut or bool(spans)
            continue
        if _NUMBER.search(canonical) or any(re.search(r"\d", span.text) for span in spans):
            cut = True
            kept.extend(pieces)  # the flat and the phone go to their own fields
        else:
            kept.append(clause.strip())  # 你们东风新村那个收费的: a place in the story stays
    if not cut:
        return (text or "").strip() if kept else ""
    return "，".join(kept)


#: Where a message falls into clauses, each kept as written when it holds no address or number.
_CLAUSES = re.compile(r"[,，。;；、\n]+")
#: Where a message falls into pieces: spaces and the punctuation between clauses.
_PIECES = re.compile(r"[\s,，。;；、]+")


def _tells(piece: str) -> bool:
    """Whether a piece of a message says something beyond where and how to call (住在, 电话是)."""
    bare = _FILLER.sub("", re.sub(r"[:：!！?？.]", "", piece))
    return sum(ch.isalnum() for ch in bare) >= 2


#: A grievance a stop does not answer: not being told of it (没通知, 也不说一声, 没贴公告).
_NOT_TOLD = re.compile(r"通知|告知|说一声|打招呼|提前说|公告|短信")


def stop_answers_complaint(text: str | None) -> bool:
    """Whether a complaint is only that the home has no heat (冰凉, 暖气到底啥时候来, 还管不管了):
    where heating is stopped, the stop and its restore time answer it, and the resident is asked
    whether to complain still. A complaint of something the stop does not answer (nobody was
    told, the staff's conduct, money) is filed as asked."""
    canonical = to_canonical(str(text or ""))
    if _NOT_TOLD.search(canonical) or claims_losses(canonical):
        return False  # nobody told, or goods the cold spoilt (冻坏的货你们赔不赔): not the stop's
    if any(_problem_weight(canonical, other) for other in ("服务态度", "收费问题")):
        return False
    return fault_type_of(canonical) == "no_heat" or asks_when_heat_returns(canonical)


#: The words that ask to complain and at whom (我要投诉你们, 想反映一下, 举报), punctuation and
#: spaces: what is left of a request to complain is the matter it names, if any.
_ASKING_TO_COMPLAIN = re.compile(
    r"(?:我|俺|咱)?(?:就|还)?(?:要|想|得|必须|非要|一定要)?(?:投诉|举报|反映|投个诉)(?:一下|下)?"
    r"|(?:你们|您们|恁们|你们家)(?:公司|热力公司|热力)?(?:的)?|[!！。.,，~～?？\s]"
)
#: A word of what went wrong, for a matter without a category's word (通知不到位, 师傅没来).
_WENT_WRONG = re.compile(r"不|没|差|乱|慢|晚|错|拖|骂|太|凶|坏|漏|冷|凉|贵|推诿|敷衍|糊弄")
#: Words that say the resident does not know whom or how (不知道找谁, 不懂): no matter.
_UNSURE = re.compile(r"不知道|不晓得|不清楚|不懂|不会")


def complaint_matter(text: str | None) -> str | None:
    """The matter a request to complain names (我要投诉你们通知不到位 → 通知不到位,
    投诉维修师傅没来, 投诉你们客服态度差): it is the complaint's account, and asking 哪方面 after
    it ignores what was said (hail t hat-024). None when it names none: 我要投诉, 我想投诉你们公司,
    投诉你们的客服 (who, not what), 我要投诉 不知道找谁."""
    canonical = to_canonical(str(text or ""))
    rest = _ASKING_TO_COMPLAIN.sub("", canonical)
    if len(rest) < 3 or _UNSURE.search(rest):
        return None
    if complaint_category_of(rest) is None and not _WENT_WRONG.search(rest):
        return None
    return rest


#: A demand to know what the company will do about it (给我个说法, 给个交代, 你们除了道歉还能干什么,
#: 光道歉有什么用, 到底怎么处理).
_DEMANDS = re.compile(
    r"给(?:我|俺|咱|我们)?(?:一)?个?(?:说法|交代|答复|解释|结果)|"
    r"(?:除了|光|只会|就会|就知道|只知道)(?:说)?道歉|道歉有(?:什么|啥|个)?用|"
    r"(?:怎么|咋|如何)(?:给我)?(?:处理|解决|赔偿?|补偿)|(?:还)?能干(?:什么|啥|点啥)"
)


def demands_an_answer(text: str | None) -> bool:
    """Whether `text` demands to know what happens about the complaint (你们除了道歉还能干什么？
    给我个说法): at the read-back the answer is what follows the filing (the deadlines), not
    "好的，记下了" and the whole list again (hail t hat-022)."""
    return bool(text) and _DEMANDS.search(to_canonical(str(text))) is not None
