"""Writing every file of the report into one folder: the HTML with its charts, the CSV and the
Excel workbook (the PDF is printed from the HTML by `bot.report.pdf`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.report.charts import write_charts
from bot.report.excel import write_workbook
from bot.report.render import render_html, write_csv


def write_report(
    report: dict[str, Any], out: Path, definitions: Mapping[str, str]
) -> dict[str, Path]:
    """Write `report.html`, its charts, `figures.csv` and `report.xlsx` into `out`; returns every
    path written, keyed `html`, `csv`, `xlsx` and the charts' file names."""
    out.mkdir(parents=True, exist_ok=True)
    charts = write_charts(report, out)
    paths = {"html": out / "report.html", "csv": out / "figures.csv", "xlsx": out / "report.xlsx"}
    paths["html"].write_text(render_html(report, charts, definitions), encoding="utf-8")
    write_csv(report, paths["csv"])
    write_workbook(report, definitions, paths["xlsx"])
    return {**paths, **{name: out / name for name in charts}}
