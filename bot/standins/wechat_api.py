"""A stand-in for WeChat's API (`api.weixin.qq.com`): stable_token, customer-service send and
temporary media (`media/get`, the photos residents send).

Behaves like WeChat where the channel depends on it: one stable token at a time (a forced refresh
replaces it, and the old one is then refused with 40001), wrong credentials refused, sends checked
for their token and shape. `fail_next` scripts WeChat's errors (45015 outside the window, 40001 an
expired token …) for the failure paths; `delivered` holds what users would have received.
`add_media` puts an image (or anything else) behind a media id; an unknown id answers 40007, as
WeChat does once the media's 3 days are over.

    python -m bot.standins.wechat_api      # run it alone, e.g. with `make run`'s WECHAT_API_BASE
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from bot.standins import RawAnswer, Recorded, StandInServer

TOKEN_PATH = "/cgi-bin/stable_token"
SEND_PATH = "/cgi-bin/message/custom/send"
MEDIA_PATH = "/cgi-bin/media/get"
TOKEN_LIFETIME = 7200

_ERRMSG = {
    40001: "invalid credential, access_token is invalid or not latest",
    40007: "invalid media_id",
    40013: "invalid appid",
    40125: "invalid appsecret",
    44002: "empty post data",
    45015: "response out of time limit or subscription is canceled",
    47001: "data format error",
}


def _error(code: int) -> dict[str, Any]:
    return {"errcode": code, "errmsg": _ERRMSG.get(code, "scripted error")}


class WeChatApiStandIn(StandInServer):
    """WeChat's token and customer-service routes for one Official Account."""

    def __init__(self, app_id: str, app_secret: str) -> None:
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.delivered: list[dict[str, Any]] = []
        self._state = threading.Lock()
        self._serial = itertools.count(1)
        self._token: str | None = None
        self._scripted: dict[str, list[int]] = {TOKEN_PATH: [], SEND_PATH: [], MEDIA_PATH: []}
        self._media: dict[str, tuple[RawAnswer, float]] = {}
        self.route("POST", TOKEN_PATH, self._stable_token)
        self.route("POST", SEND_PATH, self._custom_send)
        self.route("GET", MEDIA_PATH, self._media_get)

    def add_media(
        self,
        media_id: str,
        content: bytes,
        content_type: str = "image/jpeg",
        *,
        declare_length: bool = True,
        delay: float = 0.0,
    ) -> None:
        """Serve `content` as `media_id` (after `delay` seconds: a slow WeChat)."""
        with self._state:
            self._media[media_id] = (RawAnswer(content, content_type, declare_length), delay)

    def fail_next(self, path: str, errcode: int, times: int = 1) -> None:
        """Answer the next `times` requests on `path` with `errcode` instead of serving them."""
        with self._state:
            self._scripted[path].extend([errcode] * times)

    def reset(self) -> None:
        """Forget requests, deliveries, scripted errors and the current token (between tests)."""
        self.clear()
        with self._state:
            self.delivered.clear()
            self._token = None
            self._media.clear()
            for errors in self._scripted.values():
                errors.clear()

    def texts_to(self, openid: str) -> list[str]:
        """The texts delivered to `openid`, oldest first."""
        with self._state:
            return [d["text"]["content"] for d in self.delivered if d.get("touser") == openid]

    def _scripted_error(self, path: str) -> dict[str, Any] | None:
        with self._state:
            return _error(self._scripted[path].pop(0)) if self._scripted[path] else None

    def _stable_token(self, request: Recorded) -> tuple[int, Any]:
        scripted = self._scripted_error(TOKEN_PATH)
        if scripted:
            return 200, scripted
        body = request.body if isinstance(request.body, dict) else {}
        if body.get("grant_type") != "client_credential" or body.get("appid") != self.app_id:
            return 200, _error(40013)
        if body.get("secret") != self.app_secret:
            return 200, _error(40125)
        with self._state:
            if self._token is None or body.get("force_refresh") is True:
                self._token = f"standin-token-{next(self._serial)}-{int(time.time())}"
            return 200, {"access_token": self._token, "expires_in": TOKEN_LIFETIME}

    def _custom_send(self, request: Recorded) -> tuple[int, Any]:
        scripted = self._scripted_error(SEND_PATH)
        if scripted:
            return 200, scripted
        with self._state:
            if not self._token or request.query.get("access_token") != self._token:
                return 200, _error(40001)
        body = request.body
        if not isinstance(body, dict) or not body:
            return 200, _error(44002)
        text = body.get("text")
        if (
            not body.get("touser")
            or body.get("msgtype") != "text"
            or not isinstance(text, dict)
            or not str(text.get("content") or "")
        ):
            return 200, _error(47001)
        with self._state:
            self.delivered.append(body)
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _media_get(self, request: Recorded) -> tuple[int, Any]:
        scripted = self._scripted_error(MEDIA_PATH)
        if scripted:
            return 200, scripted
        with self._state:
            if not self._token or request.query.get("access_token") != self._token:
                return 200, _error(40001)
            served = self._media.get(request.query.get("media_id", ""))
        if served is None:
            return 200, _error(40007)
        answer, delay = served
        if delay:
            time.sleep(delay)
        return 200, answer


def main() -> None:
    """Serve until Ctrl-C with the account from WECHAT_APP_ID / WECHAT_APP_SECRET."""
    import os

    stand_in = WeChatApiStandIn(
        os.environ.get("WECHAT_APP_ID", "wx-standin"),
        os.environ.get("WECHAT_APP_SECRET", "standin-secret"),
    ).start()
    print(f"WeChat API stand-in at {stand_in.base_url} (WECHAT_API_BASE); Ctrl-C stops it")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stand_in.stop()


if __name__ == "__main__":
    main()
