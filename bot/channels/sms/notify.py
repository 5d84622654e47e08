"""The SMS sender of notices (`bot.notify`): a notice's template and variables to the gateway.

The notifier already checked the suppression list, counts the rate limit and writes the outbound
log; this sender only maps the notice's template to the provider's approved one and sends it. A
notice template the operator has not mapped (`SMS_TEMPLATE_FILE`) goes out through the generic
`{content}` template with the rendered text.
"""

from __future__ import annotations

from bot.channels.sms.config import TemplateIds, load_sms_settings
from bot.channels.sms.sender import SendError, SmsSender, sender_for
from bot.channels.sms.templates import SmsMessage
from bot.notify.senders import OutgoingNotice, Sender, SendResult


class SmsNoticeSender:
    """Sends notices through an `SmsSender` with the operator's template ids."""

    def __init__(self, sender: SmsSender, templates: TemplateIds) -> None:
        self._sender = sender
        self._templates = templates

    def message(self, notice: OutgoingNotice) -> SmsMessage:
        """The provider template and variables of `notice` (the generic one when unmapped)."""
        text = notice.plain_text
        provider_id = self._templates.responses.get(notice.template_id)
        if provider_id is None:
            return SmsMessage(self._templates.generic, {"content": text}, text)
        return SmsMessage(provider_id, dict(notice.variables), text)

    async def send(self, notice: OutgoingNotice) -> SendResult:
        """One attempt; a gateway refusal or outage is a retryable failure."""
        try:
            await self._sender.send(notice.recipient, self.message(notice))
        except SendError as exc:
            return SendResult.failed(exc.reason)
        return SendResult.sent()


def notice_sender() -> Sender | None:
    """The registry's factory: `None` while no gateway is configured (`SMS_API_BASE`)."""
    settings = load_sms_settings()
    if settings.api_base is None:
        return None
    return SmsNoticeSender(sender_for(settings), settings.templates)
