"""Downloading a resident's photo from WeChat's temporary media, against the WeChat stand-in
(a real HTTP server on a loopback port), the access token shared through the store."""

from __future__ import annotations

import hashlib
import logging

import pytest

from bot.channels.wechat.api import WeChatApi, WeChatApiError
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.media import (
    MediaDownloader,
    MediaGone,
    MediaRefused,
    image_type,
)
from bot.standins.wechat_api import MEDIA_PATH, TOKEN_PATH, WeChatApiStandIn

APP_ID, SECRET = "wxmediatest", "media-secret"
#: The first bytes of real image files, padded: what the type check reads.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 500
CAP = 64 * 1024


def _downloader(wechat: WeChatApiStandIn, timeout: float = 5.0) -> MediaDownloader:
    config = WeChatConfig(token="t", app_id=APP_ID, app_secret=SECRET, api_base=wechat.base_url)
    return MediaDownloader(WeChatApi(config), max_bytes=CAP, timeout=timeout)


def _tokens_used(wechat: WeChatApiStandIn) -> list[str]:
    return [r.query["access_token"] for r in wechat.received(MEDIA_PATH)]


async def test_an_image_comes_back_with_its_type_and_digest(wechat: WeChatApiStandIn) -> None:
    wechat.add_media("MEDIA_dial", JPEG, "image/jpeg")
    wechat.add_media("MEDIA_thermo", PNG, "image/png")
    download = _downloader(wechat)

    dial = await download.download("MEDIA_dial")
    thermometer = await download.download("MEDIA_thermo")

    assert (dial.content, dial.content_type) == (JPEG, "image/jpeg")
    assert dial.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert (thermometer.content, thermometer.content_type) == (PNG, "image/png")
    assert [r.query["media_id"] for r in wechat.received(MEDIA_PATH)] == [
        "MEDIA_dial",
        "MEDIA_thermo",
    ]
    assert len(wechat.received(TOKEN_PATH)) == 1  # one token, shared by both downloads


async def test_an_unknown_or_expired_media_id_is_gone(wechat: WeChatApiStandIn) -> None:
    with pytest.raises(MediaGone) as raised:
        await _downloader(wechat).download("MEDIA_older_than_3_days")

    assert raised.value.errcode == 40007


async def test_another_wechat_error_is_worth_retrying(wechat: WeChatApiStandIn) -> None:
    wechat.add_media("MEDIA_dial", JPEG)
    wechat.fail_next(MEDIA_PATH, 45009)  # WeChat's daily quota reached

    with pytest.raises(WeChatApiError) as raised:
        await _downloader(wechat).download("MEDIA_dial")

    assert raised.value.errcode == 45009
    assert not isinstance(raised.value, (MediaGone, MediaRefused))


async def test_a_rejected_token_is_refreshed_once(wechat: WeChatApiStandIn) -> None:
    wechat.add_media("MEDIA_dial", JPEG)
    download = _downloader(wechat)
    wechat.fail_next(MEDIA_PATH, 40001)

    media = await download.download("MEDIA_dial")

    assert media.content == JPEG
    token_calls = wechat.received(TOKEN_PATH)
    assert [c.body["force_refresh"] for c in token_calls] == [False, True]
    old, new = _tokens_used(wechat)
    assert old != new


async def test_a_token_rejected_twice_fails(wechat: WeChatApiStandIn) -> None:
    wechat.add_media("MEDIA_dial", JPEG)
    wechat.fail_next(MEDIA_PATH, 42001, times=2)

    with pytest.raises(WeChatApiError) as raised:
        await _downloader(wechat).download("MEDIA_dial")

    assert raised.value.errcode == 42001
    assert len(wechat.received(MEDIA_PATH)) == 2


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, "video/mp4"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>", "image/svg+xml"),
        (b"<html><script>steal()</script></html>", "image/jpeg"),  # bytes no image
        (b'{"video_url": "http://example.invalid/v.mp4"}', "application/json"),
        (JPEG, "application/octet-stream"),
    ],
    ids=["video", "svg", "html-as-jpeg", "json-no-errcode", "octet-stream"],
)
async def test_what_is_not_an_image_is_refused(
    wechat: WeChatApiStandIn, content: bytes, content_type: str
) -> None:
    wechat.add_media("MEDIA_x", content, content_type)

    with pytest.raises(MediaRefused):
        await _downloader(wechat).download("MEDIA_x")


@pytest.mark.parametrize("declare_length", [True, False])
async def test_an_image_over_the_cap_is_refused(
    wechat: WeChatApiStandIn, declare_length: bool
) -> None:
    """Refused by its declared length, or while reading when no length is declared."""
    wechat.add_media("MEDIA_big", JPEG + b"\x00" * CAP, declare_length=declare_length)
    wechat.add_media("MEDIA_fits", (JPEG + b"\x00" * CAP)[:CAP], declare_length=declare_length)
    download = _downloader(wechat)

    with pytest.raises(MediaRefused, match="over"):
        await download.download("MEDIA_big")
    assert len((await download.download("MEDIA_fits")).content) == CAP


async def test_a_slow_answer_times_out_and_is_worth_retrying(wechat: WeChatApiStandIn) -> None:
    wechat.add_media("MEDIA_slow", JPEG, delay=1.5)

    with pytest.raises(WeChatApiError, match="TimeoutError") as raised:
        await _downloader(wechat, timeout=0.3).download("MEDIA_slow")

    assert not isinstance(raised.value, (MediaGone, MediaRefused))


async def test_the_access_token_is_never_in_an_error_or_the_log(
    wechat: WeChatApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wechat.add_media("MEDIA_slow", JPEG, delay=1.0)
    wechat.fail_next(MEDIA_PATH, 40001)
    errors: list[str] = []
    for media_id, timeout in (("MEDIA_slow", 0.2), ("MEDIA_none", 5.0)):
        with pytest.raises(WeChatApiError) as raised:
            await _downloader(wechat, timeout=timeout).download(media_id)
        errors.append(repr(raised.value) + str(raised.value.__cause__))

    tokens = set(_tokens_used(wechat))
    assert tokens
    for token in tokens:
        assert all(token not in text for text in errors)
        assert token not in caplog.text
    assert "access_token=" not in caplog.text and "access_token=" not in "".join(errors)


def test_image_types_are_read_from_the_first_bytes() -> None:
    assert image_type(JPEG) == "image/jpeg"
    assert image_type(PNG) == "image/png"
    assert image_type(b"GIF89a....") == "image/gif"
    assert image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_type(b"<svg") is None and image_type(b"") is None
