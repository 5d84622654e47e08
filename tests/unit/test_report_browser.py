"""The report's HTML in a real browser (Debian's chromium through Playwright, as the widget test
launches it): the Chinese renders with a CJK font, the charts load, the first page's tiles are
green and red, nothing spills sideways, and the printed PDF has the same text.

The screenshot is kept as results/report-browser.png (and the PDF as results/report-browser.pdf)
for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from bot.config import PROJECT_ROOT
from bot.report.definitions import definitions
from bot.report.files import write_report
from bot.report.pdf import CHROMIUM_ARGS, chromium_path, print_pdf
from tests.unit.test_report import COMMENT, POLICY
from tests.unit.test_report_files import november  # noqa: F401  (the seeded month's report)

RESULTS = PROJECT_ROOT / "results"
CHROMIUM = chromium_path()


def test_the_report_reads_well_in_chromium(
    november: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium: apt-get install chromium (bootstrap.sh does as root)")
    files = write_report(november, tmp_path, definitions(POLICY))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            look_at(browser, files["html"])
        finally:
            browser.close()
    pdf = tmp_path / "report.pdf"
    print_pdf(files["html"], pdf)  # its own browser, once this one is closed
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 50_000
    shutil.copy(pdf, RESULTS / "report-browser.pdf")


def look_at(browser: Browser, html: Path) -> None:
    """Check the page as a manager sees it at 1280 px, and keep a full-page screenshot."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(html.as_uri(), wait_until="load")
    # Every chart loaded, and the page is no wider than the window.
    sizes = page.eval_on_selector_all("img", "images => images.map(i => i.naturalWidth)")
    assert len(sizes) == 5 and all(width > 300 for width in sizes)  # no tracker: no intents
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The Chinese is drawn with WenQuanYi, not boxes: a CJK string is as wide as in that font.
    assert page.evaluate("document.fonts.check('16px \"WenQuanYi Micro Hei\"', '人工接通率')")
    width = page.evaluate(
        """() => { const c = document.createElement('canvas').getContext('2d');
                   c.font = '16px "WenQuanYi Micro Hei"';
                   return c.measureText('室温达标率').width; }"""
    )
    assert 75 <= width <= 85  # five full-width glyphs of 16 px
    # Red for a figure below its target, green for one that reached it.
    colour = "el => getComputedStyle(el).borderTopColor"
    assert page.eval_on_selector("#tile-answer_rate", colour) == "rgb(185, 28, 28)"
    assert page.eval_on_selector("#tile-satisfaction", colour) == "rgb(21, 128, 61)"
    assert COMMENT in page.inner_text("#low_ratings")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "report-browser.png"), full_page=True)
    page.close()
