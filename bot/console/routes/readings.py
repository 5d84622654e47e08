"""The residents' own readings under review, and the photo each was sent with.

Any logged-in agent may look (the login check of `session.require_login` guards both routes).
A photo is served only through the reading that names it (`/api/readings/meter/<id>/photo`,
`/api/readings/sample/<id>/photo`), with the type its bytes were checked to be
(bot.channels.wechat.media): there is no route by media id, so no other media can be listed
or guessed.
"""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.api import ApiError, actor_of
from bot.console.readings import readings_for_review
from bot.store.db import in_read_session
from bot.store.errors import NotFound
from bot.store.photos import photo_of

readings = Blueprint("readings")


@readings.get("/api/readings")
async def review_list(request: Request) -> HTTPResponse:
    """Meter readings (waiting for review first) and households' room readings, with photos."""
    return response.json(await in_read_session(readings_for_review, actor_of(request)))


@readings.get("/api/readings/<kind:str>/<reading_id:int>/photo")
async def reading_photo(request: Request, kind: str, reading_id: int) -> HTTPResponse:
    """The kept photo of one reading, as an image; 404 when it has none (yet)."""
    try:
        photo = await in_read_session(photo_of, kind, reading_id)
    except NotFound:
        raise ApiError(404, "该读数没有已保存的照片") from None
    return response.raw(
        photo.content,
        content_type=photo.content_type,
        headers={"Content-Disposition": "inline", "X-Content-SHA256": photo.sha256},
    )
