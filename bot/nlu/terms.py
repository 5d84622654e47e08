"""One spelling per domain word for the classifier's features: synonyms, typos, dialect, pinyin.

Residents name the same thing many ways: 暖气片 / 散热器 / 暖器片, 暖气费 / 采暖费 / 取暖费 /
供暖费 / 热费, 户号 / 用户编号 / 缴费号, 支付宝 / zfb, 发票 / fp, 报停 / bt, 啥时候 / 嘛时候 /
多会儿, 租户 / 租客 / 房客, 委托书 / 授权书. The linear classifier (bot.nlu.linear) learns each
spelling only from the training messages that happen to use it, so a topic asked with the one
spelling its examples lack went to the topic whose examples had it (交暖器费的票 → payment, not
the invoice). Folding every spelling to one word before the n-grams are counted lets every example
of a topic teach all of its spellings at once.

Only the classifier's features see this form: the message text, the entities, the rules in
bot/nlu and the actions keep what the resident wrote. `canonical_terms` is applied to the text
(character n-grams) and to each token (word features) alike, at training and at parse time.

Deliberately not folded:
* 电暖器 / 取暖器 / 电暖气: appliances, out of scope, not the radiator (暖器 only as a typo of
  暖气 where no 电 / 取 precedes it);
* pinyin or letters inside a longer Latin word (app, ok): an abbreviation stands alone;
* 户口 (household register) is no account number, 房产 stays beside 房本.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

__all__ = ["CANONICAL_TERMS", "LATIN_ABBREVIATIONS", "canonical_terms", "canonical_tokens"]

#: canonical word → the other spellings residents use (Chinese, matched anywhere).
CANONICAL_TERMS: Mapping[str, Sequence[str]] = {
    "暖气片": ("散热器", "暖器片", "暖汽片", "气片子", "暖气片子", "暖片"),
    "暖气费": (
        "采暖费", "取暖费", "供暖费", "供热费", "暖器费", "暖汽费", "采暖费用", "取暖费用",
        "暖气费用", "供暖费用", "热力费", "暖费",
    ),
    "户号": ("用户编号", "用户号", "户头号", "缴费号", "客户编号", "客户号", "供热户号", "账户号"),
    "暖气": ("暖器", "暖汽", "暖乞", "暖起"),
    "发票": ("发漂", "发飘", "收据发票"),
    "支付宝": ("阿里支付", "支付包"),
    "微信": ("威信", "v信", "V信", "薇信", "vx", "wx"),
    "房产证": ("房本", "房产正", "房照", "不动产证", "房屋产权证", "产权证"),
    "分集水器": ("分水器", "集分水器", "分集水", "集水器"),
    "什么时候": ("啥时候", "嘛时候", "多会儿", "多咱", "几时", "啥时间", "什么时间"),
    "什么": ("啥子", "嘛子", "啥", "甚么", "什么样"),
    "怎么": ("咋个", "咋样", "怎样", "咋", "如何", "怎么样", "怎么个"),
    "哪里": ("哪旮旯", "哪嘎达", "哪疙瘩", "哪块儿", "哪儿", "哪块", "啥地方", "什么地方"),
    "我": ("俺", "偶"),
    "滞纳金": ("滞纳费", "违约金", "罚金"),
    "营业厅": ("营业网点", "服务网点", "服务大厅", "办事大厅", "缴费大厅"),
    "租户": ("租客", "房客", "租房户", "承租人", "租房的"),
    "委托书": ("授权书", "委托函", "授权委托书"),
    # the input method's homophones of 报停 (bot.nlu.requests._STOP_TYPO; not 包停, 包停车)
    "报停": ("报挺", "报亭", "报庭", "报婷", "抱停"),
    "地暖": ("地热",),
}

#: Latin abbreviations and pinyin (standing alone) → the word they stand for.
LATIN_ABBREVIATIONS: Mapping[str, str] = {
    "zfb": "支付宝",
    "zhifubao": "支付宝",
    "weixin": "微信",
    "vx": "微信",
    "wx": "微信",
    "jf": "缴费",
    "jiaofei": "缴费",
    "fp": "发票",
    "fapiao": "发票",
    "bt": "报停",
    "baoting": "报停",
    "gn": "供暖",
    "gongnuan": "供暖",
    "nuanqi": "暖气",
    "nq": "暖气",
    "nuanqipian": "暖气片",
    "nuanqifei": "暖气费",
    "huhao": "户号",
    "hh": "户号",
    "guohu": "过户",
    "znj": "滞纳金",
    "zhinajin": "滞纳金",
    "yyt": "营业厅",
    "kf": "客服",
    "kefu": "客服",
    "dh": "电话",
    "dianhua": "电话",
    "wy": "物业",
    "bx": "报修",
    "baoxiu": "报修",
    "cw": "测温",
    "sfz": "身份证",
    "tingnuan": "停暖",
    "kaishuan": "开栓",
    "dinuan": "地暖",
    "fangqi": "放气",
    "famen": "阀门",
    # pinyin of words that decide a topic (重复缴费: duplicate_payment; 注水试压: the
    # pre-season check); without them a pinyin question went by its other words
    "chongfu": "重复",
    "tuikuan": "退款",
    "tuifei": "退费",
    "daozhang": "到账",
    "qianfei": "欠费",
    "zhushui": "注水",
    "shiya": "试压",
    "cewen": "测温",
}

#: Words the Chinese replacements must leave alone (appliances, other meanings).
_KEEP = ("电暖器", "取暖器", "电暖气", "暖起来", "暖和起来", "啥啥", "户号码")


@functools.lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation, longest spelling first, protected words first of all."""
    replacements: dict[str, str] = {}
    for canonical, spellings in CANONICAL_TERMS.items():
        for spelling in spellings:
            replacements.setdefault(spelling.lower(), canonical)
    for keep in _KEEP:
        replacements[keep] = keep
    chinese = sorted(replacements, key=len, reverse=True)
    latin = sorted(LATIN_ABBREVIATIONS, key=len, reverse=True)
    for word in latin:
        replacements.setdefault(word, LATIN_ABBREVIATIONS[word])
    pattern = re.compile(
        "|".join(
            [re.escape(word) for word in chinese if not word.isascii()]
            + [rf"(?<![a-z]){re.escape(word)}(?![a-z])" for word in latin]
            + [rf"(?<![a-z]){re.escape(word)}(?![a-z])" for word in chinese if word.isascii()]
        )
    )
    return pattern, replacements


def canonical_terms(text: str) -> str:
    """`text` with every known spelling of a domain word replaced by its canonical word."""
    pattern, replacements = _pattern()
    return pattern.sub(lambda match: replacements[match.group(0)], text.lower())


def canonical_tokens(tokens: Sequence[str]) -> list[str]:
    """Each token in its canonical spelling (a token holding a spelling gets it replaced)."""
    return [canonical_terms(token) for token in tokens]
