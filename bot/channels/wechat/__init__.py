"""The WeChat Official Account channel (credentials.yml: `bot.channels.wechat.WeChatInput:`)."""

from bot.channels.wechat.channel import WeChatInput, WeChatOutput

__all__ = ["WeChatInput", "WeChatOutput"]
