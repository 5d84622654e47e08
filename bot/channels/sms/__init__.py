"""The SMS channel: upstream callbacks in, templated SMS out (docs/channels.md, "SMS").

`SmsInput` is the Rasa input channel (credentials.yml: `bot.channels.sms.SmsInput:`);
`send_notice` is how notices reach a phone, refused for numbers that opted out.
"""

from bot.channels.sms.channel import SmsInput
from bot.channels.sms.outbox import send_notice

__all__ = ["SmsInput", "send_notice"]
