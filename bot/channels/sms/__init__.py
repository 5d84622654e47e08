"""The SMS channel: upstream callbacks in, templated SMS out (docs/channels.md, "SMS").

`SmsInput` is the Rasa input channel (credentials.yml: `bot.channels.sms.SmsInput:`); notices go
out through `bot.channels.sms.notify`, the SMS sender of `bot.notify`.
"""

from bot.channels.sms.channel import SmsInput

__all__ = ["SmsInput"]
