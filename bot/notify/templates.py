"""Every notice text the assistant starts on its own, as templates with ids and bounded variables.

An SMS provider only sends texts it approved beforehand, as a template id plus variables, so
notices are never free text: each is one `Template` here. The SMS sender maps `Template.id` to the
provider's template and passes the variables; chat channels read the rendered text. Every
variable has a maximum length and is cut to it when rendered, so any rendered notice fits one SMS
(at most `SMS_TEXT_LIMIT` characters before the 【signature】 the provider adds; a test checks each
template at its longest). Notices are notifications, not marketing, so none carries the
promotional opt-out line (拒收请回复R); opting out by 退订/TD works on every channel anyway.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.base.clock import format_moment, local

SMS_TEXT_LIMIT = 64
"""One SMS is 70 characters with the signature; 64 leaves room for a 4-character 【签名】."""

ELLIPSIS = "…"


@dataclass(frozen=True)
class Template:
    """One notice text: a stable `id` for the SMS provider's mapping, and its variables' limits."""

    name: str
    id: str
    text: str
    limits: Mapping[str, int]

    @property
    def variables(self) -> tuple[str, ...]:
        """The `{placeholders}` of the text, in order of first appearance."""
        names: list[str] = []
        for _, name, _, _ in string.Formatter().parse(self.text):
            if name and name not in names:
                names.append(name)
        return tuple(names)

    @property
    def longest(self) -> int:
        """The length of the text with every variable at its limit."""
        return len(self.text.format_map({n: "字" * self.limits[n] for n in self.variables}))

    def render(self, **values: str) -> tuple[str, dict[str, str]]:
        """The text and the variables actually used (each cut to its limit)."""
        missing = set(self.variables) - set(values)
        if missing:
            raise KeyError(f"template {self.name} needs {', '.join(sorted(missing))}")
        fitted = {name: fit(str(values[name]), self.limits[name]) for name in self.variables}
        return self.text.format_map(fitted), fitted


def fit(value: str, limit: int) -> str:
    """`value` cut to `limit` characters, the last one an ellipsis when something was cut."""
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


def communities_text(names: Sequence[str], limit: int = 12) -> str:
    """阳光花园、幸福里 when it fits, else 阳光花园等3个小区 (the full list is on the hotline)."""
    joined = "、".join(names)
    if len(joined) <= limit or len(names) == 1:
        return joined
    suffix = f"等{len(names)}个小区"
    return fit(names[0], limit - len(suffix)) + suffix


def moment_text(moment: datetime) -> str:
    """`11月28日 08:00` in the company's zone (12 characters at most)."""
    return format_moment(moment)


def end_text(start: datetime, end: datetime) -> str:
    """The end of a stop: only the clock time when it ends the day it starts."""
    if local(start).date() == local(end).date():
        return f"{local(end):%H:%M}"
    return moment_text(end)


_MOMENT = 12
_COMMUNITIES = 12
_REASON = 10
_TICKET_NO = 14

TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "outage_planned",
            "N01",
            "{communities}{start}至{end}计划停热（{reason}），请提前做好防冻准备。",
            {"communities": _COMMUNITIES, "start": _MOMENT, "end": _MOMENT, "reason": _REASON},
        ),
        Template(
            "outage_emergency",
            "N02",
            "{communities}因{reason}抢修停热，预计{end}恢复，给您带来不便敬请谅解。",
            {"communities": _COMMUNITIES, "reason": _REASON, "end": _MOMENT},
        ),
        Template(
            "outage_updated",
            "N03",
            "停热时间调整：{communities}{start}至{end}停热（{reason}）。",
            {"communities": _COMMUNITIES, "start": _MOMENT, "end": _MOMENT, "reason": _REASON},
        ),
        Template(
            "outage_restored",
            "N04",
            "{communities}已恢复供热，感谢您的耐心等待。如仍不热请致电{hotline}。",
            {"communities": _COMMUNITIES, "hotline": 20},
        ),
        Template(
            "outage_cancelled",
            "N05",
            "{communities}原定{start}的计划停热已取消，供热照常。",
            {"communities": _COMMUNITIES, "start": _MOMENT},
        ),
        Template(
            "season_start",
            "N06",
            "{season}供暖季将于{start}开始供热，请打开暖气阀门，家中留人以便检查。",
            {"season": 9, "start": 6},
        ),
        Template(
            "bill_reminder",
            "N07",
            "户号{account}的{season}供暖季采暖费尚未缴清，请于{deadline}前缴纳，以免产生滞纳金。",
            {"account": 12, "season": 9, "deadline": 6},
        ),
        Template(
            "ticket_breach",
            "N08",
            "很抱歉，工单{ticket_no}未能按时{what}，已升级督办，预计{new_time}前{what}。",
            {"ticket_no": _TICKET_NO, "what": 4, "new_time": _MOMENT},
        ),
        Template(
            "survey_question",
            "N09",
            "工单{ticket_no}已办结，请为服务打分：回复1-5（5分最满意），可附意见。",
            {"ticket_no": _TICKET_NO},
        ),
        Template(
            "sampling_invitation",
            "N11",
            "户号{account}入选室温抽测，拟{window}上门测温，同意请回“同意”，否则回“不方便”。",
            {"account": 10, "window": 21},
        ),
        Template(
            "message_lost",
            "N10",
            "您{at}发来的消息因系统故障未能处理，请重新发送；急事请致电{hotline}。",
            {"at": _MOMENT, "hotline": 20},
        ),
    )
}


def template(name: str) -> Template:
    """The template called `name`; an unknown name is a programming error (`KeyError`)."""
    return TEMPLATES[name]
