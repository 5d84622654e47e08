"""Writing the report: `report.html` with each figure's definition beside it, PNG plots next to
it (matplotlib, Agg backend, ASCII labels so no CJK font is needed) and `figures.csv`."""

from __future__ import annotations

import csv
import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.policy import DEADLINES
from bot.report.figures import flatten

NO_CONVERSATIONS = "no conversation data"

DEADLINE_NAMES = {
    "first_reply": "首次响应 first reply",
    "on_site": "上门 on site",
    "resolve": "办结 fix",
}
KIND_NAMES = {"BX": "报修", "TS": "投诉", "CW": "测温", "BT": "报停", "RG": "回电", "CB": "查表"}

#: What each figure means; shown in the HTML beside it and sent to the console.
DEFINITIONS: dict[str, str] = {
    "tickets": "统计期内创建的工单数（按创建时间、公司时区），按类型和渠道分列。",
    "deadlines": (
        "统计期内创建、带有该时限的工单，按 docs/service-standard.md 的判定（与时限巡检同一函数 "
        "bot.services.deadlines.outcome）：按时 = 首次满足时限的记录不晚于原承诺时间；超时 = "
        "满足得晚，或截至生成时仍未满足且已过时限；未到期的不计入。按时率 = 按时 ÷（按时 + 超时）。"
        "首次响应由客服回复或转为已派单/处理中满足，上门由 on_site 记录或转为处理中满足，办结由转为"
        "已办结满足；已取消且未满足的不评判。"
    ),
    "breaches": (
        "超时次数：每张工单每个时限最多计一次（满足得晚或过时未满足），按工单类型和时限分列。"
    ),
    "satisfaction": (
        "统计期内作答的回访评分（surveys.answered_at 在期内）。满意率 = 4 分和 5 分的份数 ÷ "
        "作答份数；并列出 1–5 分分布。发出数 = 期内发出的回访。"
    ),
    "conversations": (
        "来自 Rasa 对话存储（events 表）。会话 = 期内发过用户消息的 sender；自助解决率 = 期内既无"
        "转人工会话也无 RG 回电工单的会话 ÷ 会话数；转人工率 = 期内有转人工会话的会话 ÷ 会话数；"
        "兜底率 = 意图为 nlu_fallback、或其后（下一条用户消息之前）执行了 action_fallback 的用户"
        "消息 ÷ 用户消息数；热门意图 = 期内用户消息的意图计数（前 10）。"
    ),
    "handoff_wait": (
        "期内创建的转人工会话（handoff_sessions）；等待时间 = 创建到客服接入（picked_at）的分钟数，"
        "只计已接入的；未接入 = 排队超时转回电或未接入即结束的会话。"
    ),
    "complaints": "每千户投诉量 = 期内创建的投诉（TS）工单数 × 1000 ÷ 库中账户数。",
}


def _fmt(value: Any) -> str:
    return "—" if value is None else str(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def write_csv(report: dict[str, Any], path: Path) -> None:
    """`figure,key,value` rows, UTF-8 with a BOM so Excel opens the Chinese correctly."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["figure", "key", "value"])
        writer.writerow(["period", "from", report["period"]["from"]])
        writer.writerow(["period", "to", report["period"]["to"]])
        for figure, key, value in flatten(report):
            writer.writerow([figure, key, "" if value is None else value])


# ---- plots --------------------------------------------------------------------------------------


def _bar(
    ax: Any,
    labels: list[str],
    values: list[float],
    title: str,
    texts: list[str] | None = None,
) -> None:
    """Bars with their value written on top (`texts`, default the value itself)."""
    from matplotlib.ticker import MaxNLocator

    bars = ax.bar(labels, values, color="#b45309")
    ax.set_title(title)
    if texts is None:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    for bar, shown in zip(bars, texts or [f"{v:g}" for v in values], strict=True):
        ax.annotate(
            shown,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=9,
        )


def write_plots(report: dict[str, Any], out: Path) -> list[str]:
    """The PNG files (names relative to `out`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    written: list[str] = []

    def save(figure: Any, name: str) -> None:
        figure.tight_layout()
        figure.savefig(out / name, dpi=100)
        plt.close(figure)
        written.append(name)

    tickets = report["tickets"]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    by_kind = tickets["by_kind"]
    _bar(left, list(by_kind), list(by_kind.values()), "Tickets by kind")
    by_channel = tickets["by_channel"] or {"(none)": 0}
    _bar(right, list(by_channel), list(by_channel.values()), "Tickets by channel")
    save(figure, "tickets.png")

    deadlines = report["deadlines"]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    rates = [deadlines[d]["on_time_rate"] for d in DEADLINES]
    _bar(
        left,
        list(DEADLINES),
        [100 * r if r is not None else 0 for r in rates],
        "On-time rate (%)",
        [f"{100 * r:.1f}%" if r is not None else "n/a" for r in rates],
    )
    left.set_ylim(0, 110)
    breaches = report["breaches"]["by_kind"]
    _bar(right, list(breaches), list(breaches.values()), "Breaches by ticket kind")
    save(figure, "deadlines.png")

    satisfaction = report["satisfaction"]
    figure, ax = plt.subplots(figsize=(5, 3.8))
    distribution = satisfaction["distribution"]
    title = f"Ratings (satisfied {_pct(satisfaction['rate'])})"
    _bar(ax, list(distribution), list(distribution.values()), title)
    ax.set_xlabel("rating")
    save(figure, "ratings.png")

    talks = report["conversations"]
    if talks is not None and talks["top_intents"]:
        figure, ax = plt.subplots(figsize=(7, 4))
        top = list(reversed(talks["top_intents"]))
        ax.barh([t["intent"] for t in top], [t["count"] for t in top], color="#b45309")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(
            f"Top intents (self-service {_pct(talks['self_service_rate'])}, "
            f"fallback {_pct(talks['fallback_rate'])})"
        )
        save(figure, "intents.png")
    return written


# ---- HTML ---------------------------------------------------------------------------------------


def _table(rows: list[tuple[str, str]], head: tuple[str, str] = ("", "")) -> str:
    cells = "".join(
        f"<tr><td>{html.escape(a)}</td><td class='n'>{html.escape(b)}</td></tr>" for a, b in rows
    )
    heading = (
        f"<tr><th>{html.escape(head[0])}</th><th>{html.escape(head[1])}</th></tr>"
        if any(head)
        else ""
    )
    return f"<table>{heading}{cells}</table>"


def _section(key: str, title: str, body: str, plots: Mapping[str, str] | None = None) -> str:
    images = "".join(
        f"<img src='{html.escape(name)}' alt='{html.escape(alt)}'>"
        for name, alt in (plots or {}).items()
    )
    definition = html.escape(DEFINITIONS[key])
    return (
        f"<section id='{key}'><h2>{html.escape(title)}</h2>"
        f"<p class='def'>定义：{definition}</p>{body}{images}</section>"
    )


def render_html(report: dict[str, Any], plots: list[str]) -> str:
    """The whole page; numbers escaped, images referenced by file name."""

    def plot(name: str, alt: str) -> dict[str, str]:
        return {name: alt} if name in plots else {}

    tickets = report["tickets"]
    parts = [
        _section(
            "tickets",
            "工单量 Tickets",
            _table([("合计", str(tickets["total"]))])
            + _table(
                [(f"{k} {KIND_NAMES.get(k, '')}", str(v)) for k, v in tickets["by_kind"].items()],
                ("类型", "工单数"),
            )
            + _table([(k, str(v)) for k, v in tickets["by_channel"].items()], ("渠道", "工单数")),
            plot("tickets.png", "tickets by kind and channel"),
        )
    ]
    deadline_rows = "".join(
        "<tr><td>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}</td>"
        "<td class='n'>{}</td><td class='n'>{}</td></tr>".format(
            html.escape(DEADLINE_NAMES[d]),
            _pct(v["on_time_rate"]),
            v["met"],
            v["late"],
            v["breach"],
            v["pending"],
        )
        for d, v in report["deadlines"].items()
    )
    parts.append(
        _section(
            "deadlines",
            "时限达标 On-time rates",
            "<table><tr><th>时限</th><th>按时率</th><th>按时</th><th>满足但超时</th>"
            f"<th>过时未满足</th><th>未到期</th></tr>{deadline_rows}</table>",
            plot("deadlines.png", "on-time rates and breaches"),
        )
    )
    breaches = report["breaches"]
    parts.append(
        _section(
            "breaches",
            "超时 Breaches",
            _table([("合计", str(breaches["total"]))])
            + _table([(k, str(v)) for k, v in breaches["by_kind"].items()], ("工单类型", "超时"))
            + _table(
                [(DEADLINE_NAMES[k], str(v)) for k, v in breaches["by_deadline"].items()],
                ("时限", "超时"),
            ),
        )
    )
    sat = report["satisfaction"]
    parts.append(
        _section(
            "satisfaction",
            "满意度 Satisfaction",
            _table(
                [
                    ("满意率 (≥4)", _pct(sat["rate"])),
                    ("作答", str(sat["rated"])),
                    ("发出", str(sat["asked"])),
                ]
            )
            + _table(
                [(f"{k} 分", str(v)) for k, v in sat["distribution"].items()], ("评分", "份数")
            ),
            plot("ratings.png", "rating distribution"),
        )
    )
    talks = report["conversations"]
    if talks is None:
        body = f"<p class='none'>{NO_CONVERSATIONS}（无对话数据）</p>"
    else:
        body = _table(
            [
                ("会话数", str(talks["conversations"])),
                ("自助解决率", _pct(talks["self_service_rate"])),
                ("转人工率", _pct(talks["handoff_rate"])),
                ("用户消息数", str(talks["user_turns"])),
                ("兜底率", _pct(talks["fallback_rate"])),
            ]
        ) + _table(
            [(t["intent"], f"{t['count']} ({_pct(t['share'])})") for t in talks["top_intents"]],
            ("意图", "次数"),
        )
    parts.append(
        _section("conversations", "机器人会话 Conversations", body, plot("intents.png", "intents"))
    )
    wait = report["handoff_wait"]
    parts.append(
        _section(
            "handoff_wait",
            "转人工等待 Hand-off waiting",
            _table(
                [
                    ("转人工会话", str(wait["sessions"])),
                    ("已接入", str(wait["picked"])),
                    ("未接入", str(wait["not_picked"])),
                    ("平均等待（分钟）", _fmt(wait["mean_minutes"])),
                    ("中位等待（分钟）", _fmt(wait["median_minutes"])),
                    ("最长等待（分钟）", _fmt(wait["max_minutes"])),
                ]
            ),
        )
    )
    complaints = report["complaints"]
    parts.append(
        _section(
            "complaints",
            "每千户投诉 Complaints per 1,000 accounts",
            _table(
                [
                    ("每千户投诉", _fmt(complaints["per_1000"])),
                    ("投诉工单", str(complaints["complaints"])),
                    ("账户数", str(complaints["accounts"])),
                ]
            ),
        )
    )
    period = report["period"]
    title = f"服务质量报表 {period['first_day']} – {period['last_day']}"
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='def'>统计期 {html.escape(period['from'])} 至 "
        f"{html.escape(period['to'])}（不含）；超时按 {html.escape(report['as_of'])} 判定。</p>"
        + "".join(parts)
        + "</body></html>"
    )


_STYLE = (
    "body{font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;"
    "margin:24px;color:#1f2937;max-width:1100px}h1{color:#7c2d12}h2{color:#7c2d12;"
    "border-bottom:1px solid #e5e7eb}.def{color:#4b5563;font-size:13px}table{border-collapse:"
    "collapse;margin:8px 16px 8px 0;display:inline-table;vertical-align:top}td,th{border:1px solid"
    " #e5e7eb;padding:3px 10px}.n{text-align:right}img{display:block;max-width:100%;margin:8px 0}"
    ".none{color:#9ca3af}"
)


def write_report(report: dict[str, Any], out: Path) -> dict[str, Path]:
    """Write `report.html`, `figures.csv` and the plots into `out`; returns the main paths."""
    out.mkdir(parents=True, exist_ok=True)
    plots = write_plots(report, out)
    html_path, csv_path = out / "report.html", out / "figures.csv"
    html_path.write_text(render_html(report, plots), encoding="utf-8")
    write_csv(report, csv_path)
    return {"html": html_path, "csv": csv_path, **{name: out / name for name in plots}}
