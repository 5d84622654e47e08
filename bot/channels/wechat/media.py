"""Downloading a resident's photo from WeChat's temporary-media API (`/cgi-bin/media/get`).

A WeChat image message gives us only its `MediaId`; WeChat serves the image for 3 days, so the
scheduler keeps a copy (bot.services.photos) for the staff who review a reading later. What
comes back is checked before anything is kept: an image of a type a browser shows as an image
(checked by its first bytes too, since the console serves it with that type), of at most the
configured size (`WECHAT_MEDIA_MAX_BYTES`). WeChat answers an error with JSON
`{errcode, errmsg}`: 40007 means the id is unknown or its 3 days are over, a rejected access
token is refreshed once (as `WeChatApi._send` does).

The request URL carries the access token, so neither it nor an exception's text (which can
quote it) is ever logged or put into an error.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass

import aiohttp

from bot.channels.wechat.api import TOKEN_REJECTED, WeChatApi, WeChatApiError

logger = logging.getLogger(__name__)

MEDIA_PATH = "/cgi-bin/media/get"
#: WeChat's "invalid media_id": never issued, or older than its 3 days.
MEDIA_GONE = 40007
#: An error answer is a small JSON object; more than this is not one.
MAX_ERROR_BYTES = 64 * 1024
DEFAULT_TIMEOUT = 10.0

#: The image types kept, by their first bytes; the console serves these and nothing else (no
#: SVG: it can carry script).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)
IMAGE_TYPES = frozenset(kind for _, kind in _SIGNATURES) | {"image/jpg", "image/webp"}


class MediaGone(WeChatApiError):
    """WeChat no longer has (or never had) the media id: there is nothing left to fetch."""


class MediaRefused(WeChatApiError):
    """WeChat served something not kept: not an image, or larger than the cap. Final."""


@dataclass(frozen=True)
class Media:
    """A downloaded image: its bytes, its type (as its first bytes say) and their SHA-256."""

    content: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        """The hex digest staff can quote to show a photo was not changed after it was kept."""
        return hashlib.sha256(self.content).hexdigest()


def image_type(content: bytes) -> str | None:
    """The image type `content` starts like, or `None` when it is no image we keep."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for signature, kind in _SIGNATURES:
        if content.startswith(signature):
            return kind
    return None


def _media_type(header: str | None) -> str:
    """`image/jpeg; charset=…` → `image/jpeg`; missing → ``."""
    return (header or "").split(";", 1)[0].strip().lower()


def _error_of(raw: bytes) -> WeChatApiError:
    """The error a JSON (or text) answer carries; a JSON without errcode is still no image."""
    try:
        answer = json.loads(raw)
    except ValueError:
        return MediaRefused("media/get answered text that is not an image")
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if not isinstance(code, int) or code == 0:
        return MediaRefused("media/get answered JSON, not an image (not a photo's media id)")
    message = f"media/get refused: {code} {answer.get('errmsg', '')}".strip()
    return (MediaGone if code == MEDIA_GONE else WeChatApiError)(message, code)


class MediaDownloader:
    """Fetches temporary media of one Official Account through its `WeChatApi` (whose access
    token, shared through the store, it uses)."""

    def __init__(
        self, api: WeChatApi, max_bytes: int | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self._api = api
        self.max_bytes = api.config.media_max_bytes if max_bytes is None else max_bytes
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def download(self, media_id: str) -> Media:
        """The image behind `media_id`; raises `MediaGone`, `MediaRefused` (both final) or
        `WeChatApiError` (worth trying again later: no answer, a timeout, another errcode)."""
        token = await self._api.access_token()
        try:
            return await self._get(media_id, token)
        except WeChatApiError as exc:
            if exc.errcode not in TOKEN_REJECTED:
                raise
            logger.info("wechat access token rejected (%s); refreshing once", exc.errcode)
        token = await self._api.access_token(rejected=token)
        return await self._get(media_id, token)

    async def _get(self, media_id: str, token: str) -> Media:
        url = f"{self._api.config.api_base}{MEDIA_PATH}"
        params = {"access_token": token, "media_id": media_id}
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout) as http,
                http.get(url, params=params) as response,
            ):
                if response.status != 200:
                    raise WeChatApiError(f"media/get answered HTTP {response.status}")
                declared = _media_type(response.headers.get("Content-Type"))
                if declared in ("application/json", "text/plain", "text/json"):
                    raise _error_of(await self._read(response, MAX_ERROR_BYTES))
                if declared not in IMAGE_TYPES:
                    raise MediaRefused(
                        f"media/get served {declared or 'no content type'}, not an image"
                    )
                content = await self._read(response, self.max_bytes)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            # Not the exception's text: it can carry the URL, and the URL the access token.
            raise WeChatApiError(f"media/get failed: {type(exc).__name__}") from None
        sniffed = image_type(content)
        if sniffed is None:
            raise MediaRefused(f"media/get served {declared} whose bytes are no image")
        return Media(content, sniffed)

    async def _read(self, response: aiohttp.ClientResponse, limit: int) -> bytes:
        """The body, refused as soon as it is known to exceed `limit` bytes (by its declared
        length before reading, else while reading), so a huge answer is never held whole."""
        if response.content_length is not None and response.content_length > limit:
            raise MediaRefused(f"media/get body of {response.content_length} bytes over {limit}")
        body = bytearray()
        async for chunk in response.content.iter_chunked(64 * 1024):
            body += chunk
            if len(body) > limit:
                raise MediaRefused(f"media/get body over {limit} bytes")
        return bytes(body)
