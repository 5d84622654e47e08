"""The WeChat sender of notices (`bot.notify`): a push through the customer-service API.

The notifier writes the outbound log and counts the rate limit, so this sender pushes without
logging (`WeChatApi.push`). Outside the 48-hour / five-message window a notice cannot reach the
user now: it waits (the user's next message reopens the window) instead of failing.
"""

from __future__ import annotations

from datetime import timedelta

from bot.channels.wechat.api import WeChatApi, WeChatApiError, WindowClosed
from bot.channels.wechat.config import load_config
from bot.notify.senders import OutgoingNotice, Sender, SendResult

#: How long a notice waits before trying a closed window again.
WINDOW_RECHECK = timedelta(hours=1)


class WeChatNoticeSender:
    """Pushes notices as text (buttons already numbered by `OutgoingNotice.plain_text`)."""

    def __init__(self, api: WeChatApi) -> None:
        self._api = api

    async def send(self, notice: OutgoingNotice) -> SendResult:
        """One attempt: sent, waiting for the window, or a retryable failure."""
        try:
            await self._api.push(notice.recipient, notice.plain_text)
        except WindowClosed as exc:
            return SendResult.closed(str(exc), WINDOW_RECHECK)
        except WeChatApiError as exc:
            return SendResult.failed(str(exc))
        return SendResult.sent()


def notice_sender() -> Sender | None:
    """The registry's factory: `None` while the account is not configured (`WECHAT_TOKEN`)."""
    config = load_config()
    return None if config is None else WeChatNoticeSender(WeChatApi(config))
