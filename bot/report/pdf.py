"""A printable PDF of the report, printed by Debian's chromium from the report's own HTML.

The HTML already has print rules (the standard's figures on the first page, sections kept whole),
so a browser's print engine lays out the Chinese text, tables and charts exactly as a manager sees
them on screen. Playwright drives the system's chromium, offline; no browser is downloaded. Where
there is no chromium the PDF is skipped with a message, and everything else is still written.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: Headless on a server without internet: no GPU, sandbox or background traffic.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class PdfUnavailable(RuntimeError):
    """No browser to print with here; the message says what to install."""


def chromium_path() -> Path | None:
    """`CHROMIUM_PATH`, else Debian's chromium on the PATH."""
    configured = os.environ.get("CHROMIUM_PATH", "").strip()
    found = configured or shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found and Path(found).is_file() else None


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print `html_path` (with its charts beside it) to an A4 `pdf_path`."""
    browser_file = chromium_path()
    if browser_file is None:
        raise PdfUnavailable("no chromium to print the PDF with: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise PdfUnavailable(f"playwright is not installed: {error}") from None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(browser_file), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            page = browser.new_page(locale="zh-CN")
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            page.pdf(
                path=str(pdf_path),
                format="A4",
                print_background=True,
                margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"},
            )
        finally:
            browser.close()
