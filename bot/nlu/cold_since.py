"""A home cold since before tonight's stop (喂 我家暖气不热了 好几天了; 不是啊 我这都冷了三四天了):
the stop that began an hour ago cannot be why, so the repair is not talked out of (players'
class H). Pure text rules, tested in tests/unit/test_cold_since.py."""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

#: Cold for a day or more, as residents say it; a question about how long something will take
#: (要停几天, 得修几天) is not a statement of how long it has been cold, and 一大早就冰凉 is since
#: this morning (早就 there is 一早 + 就).
_FOR_DAYS = re.compile(
    r"(?<![要得会能停修等])(好|这|都)?几天|两三天|三四天|[两三四五六七八九十\d]+天(了|啦|都|没|不)|"
    r"一?个?多?(礼拜|星期)(了|啦|都|没|不|前)|一周(了|都|前)|半个?月|"
    r"(前|上)(几天|周|礼拜|个?星期)|昨(天|儿)(就|开始|晚上就|起)|(?<![大一清今])早就|老早|好久|好长时间|"
    r"不是今(天|儿)(才)?(冷|凉|不热)"
)


def cold_for_days(text: str | None) -> bool:
    """Whether `text` says the home has been cold for a day or more."""
    return bool(text) and _FOR_DAYS.search(to_canonical(str(text))) is not None
