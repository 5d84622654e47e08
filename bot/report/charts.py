"""The report's charts as PNG files, titled and labelled in Chinese with a CJK font.

matplotlib's own fonts have no Chinese glyphs, so the first font fontconfig lists for Chinese
(WenQuanYi Micro Hei on Debian, `fonts-wqy-microhei`) is registered from the disk; nothing is
downloaded. A chart with nothing to show is not drawn at all (its function returns `None`) and
the page says so in words instead of showing empty axes.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from bot.labels import CHANNEL_NAMES, DEADLINE_NAMES, KIND_NAMES, intent_name

logger = logging.getLogger(__name__)

BAR = "#b45309"
LATE = "#b91c1c"
GOOD = "#15803d"
TARGET = "#1d4ed8"
#: Communities drawn in the community chart (the table lists them all).
MOST_COMMUNITIES = 15


def cjk_font_file() -> Path | None:
    """The file of a font that covers Chinese, WenQuanYi preferred, or `None` if there is none."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(
        (Path(line.split(":", 1)[0].strip()) for line in listed.splitlines() if line.strip()),
        key=lambda path: ("wqy" not in path.name.lower(), str(path)),
    )
    return next((path for path in files if path.is_file()), None)


@cache
def _pyplot() -> Any:
    """pyplot on the Agg backend with the CJK font as the default sans-serif (once a process)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font = cjk_font_file()
    if font is None:
        logger.warning(
            "no Chinese font found (apt-get install fonts-wqy-microhei): labels show as boxes"
        )
    else:
        font_manager.fontManager.addfont(str(font))
        name = font_manager.FontProperties(fname=str(font)).get_name()
        matplotlib.rcParams["font.family"] = "sans-serif"
        matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return plt


def _bars(ax: Any, labels: list[str], values: list[float], title: str, texts: list[str]) -> None:
    """Bars with their value written on top."""
    bars = ax.bar(labels, values, color=BAR)
    ax.set_title(title)
    for bar, shown in zip(bars, texts, strict=True):
        ax.annotate(
            shown,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=9,
        )


def _counts(ax: Any, labels: list[str], values: list[int], title: str) -> None:
    from matplotlib.ticker import MaxNLocator

    _bars(ax, labels, [float(v) for v in values], title, [str(v) for v in values])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def tickets_chart(report: dict[str, Any], path: Path) -> bool:
    """Tickets by kind and by channel; not drawn when the period has no ticket."""
    tickets = report["tickets"]
    if not tickets["total"]:
        return False
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    by_kind = tickets["by_kind"]
    _counts(left, [KIND_NAMES.get(k, k) for k in by_kind], list(by_kind.values()), "按类型")
    by_channel = tickets["by_channel"]
    labels = [CHANNEL_NAMES.get(c, c) for c in by_channel]
    _counts(right, labels, list(by_channel.values()), "按渠道")
    return _save(plt, figure, path)


def trend_chart(report: dict[str, Any], path: Path) -> bool:
    """Tickets and missed deadlines per day; not drawn when no day has either."""
    days = report["by_day"]
    if not any(d["tickets"] or d["breaches"] for d in days):
        return False
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    figure, ax = plt.subplots(figsize=(10, 3.6))
    labels = [d["day"][5:] for d in days]  # 11-03
    ax.bar(labels, [d["tickets"] for d in days], color=BAR, label="受理工单")
    ax.plot(labels, [d["breaches"] for d in days], color=LATE, marker="o", label="超时次数")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("每日工单与超时")
    ax.legend(loc="upper left")
    step = max(1, len(labels) // 15)
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels(labels[::step], rotation=45, ha="right")
    return _save(plt, figure, path)


def deadlines_chart(report: dict[str, Any], path: Path) -> bool:
    """On-time rate per deadline against the target; not drawn when nothing was judged."""
    deadlines = report["deadlines"]
    judged = {d: v for d, v in deadlines.items() if v["on_time_rate"] is not None}
    if not judged:
        return False
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=(6, 3.6))
    rates = [100 * v["on_time_rate"] for v in judged.values()]
    labels = [DEADLINE_NAMES.get(d, d) for d in judged]
    _bars(ax, labels, rates, "各时限按时率（%）", [f"{r:.1f}%" for r in rates])
    target = 100 * report["standard"]["deadline_compliance"]["target"]
    ax.axhline(target, color=TARGET, linestyle="--", label=f"目标 {target:g}%")
    ax.set_ylim(0, 110)
    ax.legend(loc="lower right")
    return _save(plt, figure, path)


def communities_chart(report: dict[str, Any], path: Path) -> bool:
    """Tickets and missed deadlines of the busiest communities, and 室温达标率 where there are
    readings; not drawn when there is no community row."""
    rows = report["communities"][:MOST_COMMUNITIES]
    if not rows:
        return False
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    measured = [r for r in rows if r["rate"] is not None]
    columns = 2 if measured else 1
    figure, axes = plt.subplots(1, columns, figsize=(10, 0.4 * len(rows) + 1.6), squeeze=False)
    left = axes[0][0]
    names = [r["community"] for r in reversed(rows)]
    height = 0.4
    positions = range(len(names))
    left.barh([p + height / 2 for p in positions], [r["tickets"] for r in reversed(rows)],
              height, color=BAR, label="工单")  # fmt: skip
    left.barh([p - height / 2 for p in positions], [r["breaches"] for r in reversed(rows)],
              height, color=LATE, label="超时")  # fmt: skip
    left.set_yticks(list(positions))
    left.set_yticklabels(names)
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_title("各小区工单与超时")
    left.legend(loc="lower right")
    if measured:
        right = axes[0][1]
        shown = list(reversed(measured))
        target = report["standard"]["room_temperature_rate"]["target"]
        colours = [GOOD if r["rate"] >= target else LATE for r in shown]
        values = [100 * r["rate"] for r in shown]
        bars = right.barh([r["community"] for r in shown], values, color=colours)
        for bar, value in zip(bars, values, strict=True):
            right.annotate(
                f"{value:.1f}%",
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
        right.axvline(100 * target, color=TARGET, linestyle="--", label=f"目标 {100 * target:g}%")
        right.set_xlim(0, 115)
        right.set_title("各小区室温达标率（%）")
        right.legend(loc="lower right")
    return _save(plt, figure, path)


def ratings_chart(report: dict[str, Any], path: Path) -> bool:
    """The 1–5 rating distribution; not drawn when nobody rated."""
    satisfaction = report["satisfaction"]
    if not satisfaction["rated"]:
        return False
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=(5, 3.6))
    distribution = satisfaction["distribution"]
    _counts(ax, [f"{k}分" for k in distribution], list(distribution.values()), "回访评分分布")
    return _save(plt, figure, path)


def intents_chart(report: dict[str, Any], path: Path) -> bool:
    """The most frequent intents; not drawn without conversation data."""
    talks = report["conversations"]
    if talks is None or not talks["top_intents"]:
        return False
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    figure, ax = plt.subplots(figsize=(7, 4))
    top = list(reversed(talks["top_intents"]))
    ax.barh([intent_name(t["intent"]) for t in top], [t["count"] for t in top], color=BAR)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("居民消息最多的意图")
    return _save(plt, figure, path)


def _save(plt: Any, figure: Any, path: Path) -> bool:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


#: Every chart: its file name and the function that draws it.
CHARTS: dict[str, Callable[[dict[str, Any], Path], bool]] = {
    "trend.png": trend_chart,
    "tickets.png": tickets_chart,
    "deadlines.png": deadlines_chart,
    "communities.png": communities_chart,
    "ratings.png": ratings_chart,
    "intents.png": intents_chart,
}


def write_charts(report: dict[str, Any], out: Path) -> list[str]:
    """Draw every chart that has something to show into `out`; the names of the files written."""
    return [name for name, draw in CHARTS.items() if draw(report, out / name)]
