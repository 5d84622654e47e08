"""A local SMS gateway: takes `POST /sms/send` as the HTTP sender posts it, and records the sends.

Point `SMS_API_BASE` at `base_url`. `sends()` are the accepted bodies, oldest first (every request,
refused ones too, stays in `requests`); `fail(n)` makes the next `n` sends fail the way a real
gateway refuses one (HTTP 200 with an error code), to drive the channel's failure path.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from bot.channels.sms.sender import SEND_PATH
from bot.standins import Recorded, StandInServer

#: Aliyun's code for a number that hit its sending limit: what a refused send looks like.
REFUSED_CODE = "isv.BUSINESS_LIMIT_CONTROL"


class SmsGatewayStandIn(StandInServer):
    """The stand-in server with the send route; thread-safe like its base."""

    def __init__(self) -> None:
        super().__init__()
        self._failures = 0
        self._accepted: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._gate = threading.Lock()
        self.route("POST", SEND_PATH, self._send)

    def fail(self, times: int = 1) -> None:
        """Refuse the next `times` sends."""
        with self._gate:
            self._failures = times

    def sends(self, phone: str | None = None) -> list[dict[str, Any]]:
        """The bodies of the sends it accepted (to `phone` only, if given), oldest first."""
        with self._gate:
            return [b for b in self._accepted if phone is None or b.get("phone") == phone]

    def clear(self) -> None:
        """Forget the recorded requests and sends, and stop failing."""
        super().clear()
        with self._gate:
            self._accepted.clear()
            self._failures = 0

    def _send(self, request: Recorded) -> tuple[int, Any]:
        body = request.body
        if not isinstance(body, dict) or not {"phone", "template_id", "params"} <= set(body):
            return 400, {"code": "isv.INVALID_PARAMETERS"}
        with self._gate:
            if self._failures > 0:
                self._failures -= 1
                return 200, {"code": REFUSED_CODE, "message": "触发号码天级流控"}
            self._accepted.append(body)
            return 200, {"code": "OK", "biz_id": f"standin-{next(self._ids)}"}
