"""Writing the report as a manager reads it: `report.html` (the standard's figures against their
targets first, each figure with its definition beside it, charts next to it) and `figures.csv`.

Everything a person reads is Chinese: kinds, channels and deadlines by their names
(`bot.labels`), times in the company's zone. A section with nothing to show says so in words.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.base.untrusted import spreadsheet_cell
from bot.labels import CHANNEL_NAMES, DEADLINE_NAMES, KIND_NAMES, TICKET_STATUS_NAMES, intent_name
from bot.report.compose import flatten
from bot.report.definitions import FIGURE_NAMES
from bot.report.standard import HEADLINE

NO_CONVERSATIONS = "本期没有机器人对话记录（对话存储不可用或期内无人留言）。"


def pct(value: float | None) -> str:
    """0.4 → 40.0%; nothing to divide by → —."""
    return "—" if value is None else f"{value * 100:.1f}%"


def number(value: Any) -> str:
    return "—" if value is None else str(value)


def local_time(moment: str | None, zone_of: str) -> str:
    """An ISO time shown as 11-20 08:00 in the zone of `zone_of` (the period's start)."""
    if moment is None:
        return "—"
    zone = datetime.fromisoformat(zone_of).tzinfo
    return datetime.fromisoformat(moment).astimezone(zone).strftime("%m-%d %H:%M")


def verdict(met: bool | None) -> tuple[str, str]:
    """The CSS class and word for a figure against its target."""
    if met is None:
        return "none", "无数据"
    return ("good", "达标") if met else ("bad", "未达标")


def write_csv(report: dict[str, Any], path: Path) -> None:
    """`figure,key,value` rows, UTF-8 with a BOM so Excel opens the Chinese correctly; text that
    Excel would run as a formula (a resident's comment, a community's name) is kept text
    (`spreadsheet_cell`)."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["figure", "key", "value"])
        writer.writerow(["period", "from", report["period"]["from"]])
        writer.writerow(["period", "to", report["period"]["to"]])
        for figure, key, value in flatten(report):
            row = [figure, key, "" if value is None else value]
            writer.writerow([spreadsheet_cell(cell) for cell in row])


# ---- HTML pieces --------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value))


def table(head: Iterable[str], rows: Iterable[Iterable[Any]], numeric_from: int = 1) -> str:
    """A table; columns from `numeric_from` on are right-aligned."""
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='n'>{_e(c)}</td>" if i >= numeric_from else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{header}</tr>{body}</table>"


def empty(text: str) -> str:
    return f"<p class='empty'>{_e(text)}</p>"


def chart(name: str, alt: str, charts: list[str], otherwise: str) -> str:
    """The chart's image, or the sentence that says why there is none."""
    if name in charts:
        return f"<img src='{_e(name)}' alt='{_e(alt)}'>"
    return empty(otherwise)


def section(key: str, title: str, body: str, definitions: Mapping[str, str]) -> str:
    return (
        f"<section id='{key}'><h2>{_e(title)}</h2>"
        f"<p class='def'>口径：{_e(definitions[key])}</p>{body}</section>"
    )


def _detail(name: str, report: dict[str, Any]) -> str:
    """The counts behind a first-page figure, in words."""
    figure = report[name]
    if name == "answer_rate":
        return (
            f"转人工 {figure['handoffs']} 次，{figure['within_seconds']} 秒内接入 "
            f"{figure['answered']} 次，未接通 {figure['not_answered']} 次"
        )
    if name == "room_temperature_rate":
        return (
            f"室温读数 {figure['readings']} 个，不低于 {figure['minimum_c']:g}°C 的 "
            f"{figure['compliant']} 个"
        )
    if name == "satisfaction":
        return f"回访作答 {figure['rated']} 份，满意 {figure['satisfied']} 份"
    if name == "first_contact_resolution":
        return (
            f"已办结 {figure['finished']} 张，一次解决 {figure['solved']} 张，"
            f"重复报单 {figure['repeated']} 张，低分 {figure['low_rated']} 张"
        )
    return f"已评判的时限 {figure['judged']} 个，按时 {figure['met']} 个"


def first_page(report: dict[str, Any], definitions: Mapping[str, str]) -> str:
    """The standard's figures as tiles: value, target, green when reached, red when not."""
    tiles = []
    for name in HEADLINE:
        figure = report["standard"][name]
        css, word = verdict(figure["met"])
        tiles.append(
            f"<div class='tile {css}' id='tile-{name}'><div class='name'>{_e(FIGURE_NAMES[name])}"
            f"</div><div class='value'>{_e(pct(figure['value']))}</div>"
            f"<div class='target'>目标 ≥ {_e(pct(figure['target']))} · <b>{word}</b></div>"
            f"<div class='detail'>{_e(_detail(name, report))}</div>"
            f"<p class='def'>{_e(definitions[name])}</p></div>"
        )
    return (
        "<section id='standard' class='first'><h2>服务标准指标</h2>"
        f"<div class='tiles'>{''.join(tiles)}</div></section>"
    )


def _trend(report: dict[str, Any], charts: list[str], defs: Mapping[str, str]) -> str:
    rows = [
        (d["day"], d["tickets"], d["breaches"], d["readings"], d["compliant"])
        for d in report["by_day"]
    ]
    body = chart("trend.png", "每日工单与超时", charts, "本期没有受理工单，也没有超时。")
    body += (
        "<details><summary>逐日明细</summary>"
        + table(("日期", "受理工单", "超时次数", "室温读数", "达标读数"), rows)
        + "</details>"
    )
    return section("by_day", "每日趋势", body, defs)


def _communities(report: dict[str, Any], charts: list[str], defs: Mapping[str, str]) -> str:
    rows = report["communities"]
    if not rows:
        return section("communities", "各小区", empty("本期没有工单，也没有室温读数。"), defs)
    body = table(
        ("小区", "工单", "超时", "测温工单", "室温读数", "达标读数", "室温达标率"),
        (
            (r["community"], r["tickets"], r["breaches"], r["cw_tickets"], r["readings"],
             r["compliant"], pct(r["rate"]))
            for r in rows
        ),
    )  # fmt: skip
    body += chart("communities.png", "各小区工单、超时与室温达标率", charts, "")
    return section("communities", "各小区", body, defs)


def _tickets(report: dict[str, Any], charts: list[str], defs: Mapping[str, str]) -> str:
    tickets = report["tickets"]
    if not tickets["total"]:
        return section("tickets", "工单量", empty("本期没有受理工单。"), defs)
    body = table(("合计", "工单"), [("全部工单", tickets["total"])])
    body += table(
        ("类型", "工单"), ((KIND_NAMES.get(k, k), v) for k, v in tickets["by_kind"].items())
    )
    body += table(
        ("渠道", "工单"),
        ((CHANNEL_NAMES.get(k, k), v) for k, v in tickets["by_channel"].items()),
    )
    body += chart("tickets.png", "工单按类型和渠道", charts, "")
    return section("tickets", "工单量", body, defs)


def _deadlines(report: dict[str, Any], charts: list[str], defs: Mapping[str, str]) -> str:
    rows = (
        (DEADLINE_NAMES.get(d, d), pct(v["on_time_rate"]), v["met"], v["late"], v["breach"],
         v["pending"])
        for d, v in report["deadlines"].items()
    )  # fmt: skip
    body = table(("时限", "按时率", "按时", "超时完成", "逾期未完成", "未到期"), rows)
    body += chart("deadlines.png", "各时限按时率", charts, "本期没有可评判的时限。")
    breaches = report["breaches"]
    late = table(
        ("工单类型", "超时"),
        ((KIND_NAMES.get(k, k), v) for k, v in breaches["by_kind"].items()),
    ) + table(
        ("时限", "超时"),
        ((DEADLINE_NAMES.get(k, k), v) for k, v in breaches["by_deadline"].items()),
    )
    return section("deadlines", "时限", body, defs) + section(
        "breaches", f"超时（共 {breaches['total']} 次）", late, defs
    )


def _slowest(report: dict[str, Any], defs: Mapping[str, str]) -> str:
    rows = report["slowest"]
    if not rows:
        return section("slowest", "耗时最长的工单", empty("本期没有受理工单。"), defs)
    start = report["period"]["from"]
    body = table(
        ("工单号", "类型", "小区", "受理", "办结", "状态", "耗时（小时）"),
        (
            (r["ticket_no"], KIND_NAMES.get(r["kind"], r["kind"]), r["community"],
             local_time(r["created_at"], start),
             local_time(r["done_at"], start) if r["done_at"] else "未办结",
             TICKET_STATUS_NAMES.get(r["status"], r["status"]), r["hours"])
            for r in rows
        ),
        numeric_from=6,
    )  # fmt: skip
    return section("slowest", "耗时最长的工单", body, defs)


def _surveys(report: dict[str, Any], charts: list[str], defs: Mapping[str, str]) -> str:
    sat = report["satisfaction"]
    body = table(
        ("回访", "数量"),
        [("发出", sat["asked"]), ("作答", sat["rated"]), ("满意", sat["satisfied"]),
         ("客户满意度", pct(sat["rate"]))],
    )  # fmt: skip
    body += chart("ratings.png", "回访评分分布", charts, "本期没有回访作答。")
    low = report["low_ratings"]
    start = report["period"]["from"]
    if low["comments"]:
        quotes = "".join(
            f"<blockquote><p>{_e(c['comment'])}</p><footer>{_e(c['rating'])} 分 · 工单 "
            f"{_e(c['ticket_no'])} · {_e(local_time(c['answered_at'], start))}</footer>"
            "</blockquote>"
            for c in low["comments"]
        )
    else:
        quotes = empty("本期没有附带留言的低分回访。")
    lows = (
        f"<p>本期评 {low['low_rating_max']} 分及以下的回访 {low['low']} 份，"
        f"其中 {len(low['comments'])} 份附有留言：</p>{quotes}"
    )
    return section("satisfaction", "回访满意度", body, defs) + section(
        "low_ratings", "低分回访原话", lows, defs
    )


def _service(report: dict[str, Any], charts: list[str], defs: Mapping[str, str]) -> str:
    talks = report["conversations"]
    if talks is None:
        body = empty(NO_CONVERSATIONS)
    else:
        body = table(
            ("对话", ""),
            [("对话数", talks["conversations"]), ("自助解决率", pct(talks["self_service_rate"])),
             ("转人工率", pct(talks["handoff_rate"])), ("居民消息数", talks["user_turns"]),
             ("未听懂率", pct(talks["fallback_rate"]))],
        ) + table(
            ("意图", "次数", "占比"),
            ((intent_name(t["intent"]), t["count"], pct(t["share"])) for t in talks["top_intents"]),
        )  # fmt: skip
        body += chart("intents.png", "居民消息最多的意图", charts, "")
    wait = report["handoff_wait"]
    waiting = (
        table(
            ("转人工等待", ""),
            [
                ("转人工", wait["sessions"]),
                ("已接入", wait["picked"]),
                ("未接入", wait["not_picked"]),
                ("平均（分钟）", number(wait["mean_minutes"])),
                ("中位（分钟）", number(wait["median_minutes"])),
                ("最长（分钟）", number(wait["max_minutes"])),
            ],
        )
        if wait["sessions"]
        else empty("本期没有转人工的对话。")
    )
    complaints = report["complaints"]
    per = table(
        ("投诉", ""),
        [
            ("每千户投诉", number(complaints["per_1000"])),
            ("投诉工单", complaints["complaints"]),
            ("用户户数", complaints["accounts"]),
        ],
    )
    return (
        section("conversations", "机器人对话", body, defs)
        + section("handoff_wait", "转人工等待", waiting, defs)
        + section("complaints", "每千户投诉", per, defs)
    )


def render_html(report: dict[str, Any], charts: list[str], definitions: Mapping[str, str]) -> str:
    """The whole page; every value escaped, charts referenced by file name."""
    period = report["period"]
    title = f"供热服务质量报表 {period['first_day']} 至 {period['last_day']}"
    made = local_time(report["as_of"], period["from"])
    parts = [
        first_page(report, definitions),
        _trend(report, charts, definitions),
        _communities(report, charts, definitions),
        _tickets(report, charts, definitions),
        _deadlines(report, charts, definitions),
        _slowest(report, definitions),
        _surveys(report, charts, definitions),
        _service(report, charts, definitions),
    ]
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class='def'>统计期 {_e(period['first_day'])} 0:00 至 "
        f"{_e(period['last_day'])} 24:00（公司所在时区）；时限按 {_e(made)} 生成报表时的情况"
        "判定。各指标口径见其下方说明。</p>" + "".join(parts) + "</body></html>"
    )


STYLE = (
    "body{font-family:'WenQuanYi Micro Hei','PingFang SC','Microsoft YaHei','Noto Sans CJK SC',"
    "sans-serif;margin:24px auto;color:#1f2937;max-width:1100px;padding:0 16px}"
    "h1{color:#7c2d12;font-size:26px}h2{color:#7c2d12;border-bottom:1px solid #e5e7eb;"
    "font-size:20px;margin-top:28px}.def{color:#4b5563;font-size:13px;line-height:1.6}"
    "table{border-collapse:collapse;margin:8px 16px 8px 0;display:inline-table;"
    "vertical-align:top}td,th{border:1px solid #e5e7eb;padding:4px 10px;font-size:14px}"
    "th{background:#fef3c7}.n{text-align:right}img{display:block;max-width:100%;margin:8px 0}"
    ".empty{color:#6b7280;font-size:15px;padding:12px;background:#f9fafb;border:1px dashed "
    "#d1d5db}.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));"
    "gap:12px}.tile{border:2px solid #d1d5db;border-radius:8px;padding:12px}"
    ".tile .name{font-size:16px;font-weight:bold}.tile .value{font-size:34px;margin:4px 0}"
    ".tile .target,.tile .detail{font-size:13px}.tile .def{font-size:12px}"
    ".good{border-color:#15803d;background:#f0fdf4}.good .value,.good b{color:#15803d}"
    ".bad{border-color:#b91c1c;background:#fef2f2}.bad .value,.bad b{color:#b91c1c}"
    ".none{background:#f9fafb}.none .value{color:#6b7280}"
    "blockquote{margin:8px 0;padding:8px 12px;border-left:4px solid #b91c1c;background:#fff7ed}"
    "blockquote p{margin:0 0 4px;font-size:15px}blockquote footer{color:#6b7280;font-size:12px}"
    "details{margin:8px 0}@media print{body{margin:0;max-width:none}.first{break-after:page}"
    "section{break-inside:avoid-page}details{display:none}}"
)
