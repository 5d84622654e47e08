"""The console's pages and their scripts: static files on fixed routes, never cached stale.

No part of a URL becomes a path: each file has its own route, so `/static/../app.py` is simply
not found. The pages have no inline script (the Content-Security-Policy forbids it); the
scripts render every text with `textContent`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

STATIC_DIR = Path(__file__).parent.parent / "static"

#: The only files served, each on its own fixed route: no part of a URL becomes a path.
PAGES: dict[str, tuple[str, str]] = {
    "/": ("console.html", "text/html; charset=utf-8"),
    "/login": ("login.html", "text/html; charset=utf-8"),
    "/static/console.js": ("console.js", "text/javascript; charset=utf-8"),
    "/static/login.js": ("login.js", "text/javascript; charset=utf-8"),
    "/static/console.css": ("console.css", "text/css; charset=utf-8"),
}

pages = Blueprint("pages")
Handler = Callable[[Request], Coroutine[Any, Any, HTTPResponse]]


def _serve(filename: str, content_type: str) -> Handler:
    async def serve(request: Request) -> HTTPResponse:
        return await response.file(
            STATIC_DIR / filename, mime_type=content_type, headers={"Cache-Control": "no-cache"}
        )

    return serve


for _path, (_filename, _content_type) in PAGES.items():
    pages.add_route(
        _serve(_filename, _content_type),
        _path,
        methods=["GET"],
        name=_filename.replace(".", "_"),
        ctx_public=True,
    )
