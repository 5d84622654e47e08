"""The WeChat channel's settings: from the environment, optionally overridden in credentials.yml.

Rasa's `${VAR}` expansion in credentials.yml fails hard when a variable is unset, which would stop
every deployment that does not use WeChat; so the channel reads the environment itself. No token
means WeChat is not used here (the channel stays mounted but answers 503); a token without the rest
is a mistake, and the server refuses to start with a message naming what is missing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.channels.wechat.protocol import decode_aes_key
from bot.channels.wechat.replay import DEFAULT_WINDOW
from bot.config import ConfigError

DEFAULT_API_BASE = "https://api.weixin.qq.com"
DEFAULT_REPLY_BUDGET = 4.0  # seconds; WeChat gives up after 5 and retries
#: The largest photo kept from WeChat's media API (bytes): a phone photo WeChat has compressed
#: is well under 1 MB; a few MB leave room without letting one body fill the store.
DEFAULT_MEDIA_MAX_BYTES = 5 * 1024 * 1024
#: Below 64 KiB even a small dial photo would be refused; above 20 MiB one row would be huge.
MEDIA_MAX_BYTES_RANGE = (64 * 1024, 20 * 1024 * 1024)

# credentials.yml key → environment variable.
_KEYS = {
    "token": "WECHAT_TOKEN",
    "app_id": "WECHAT_APP_ID",
    "app_secret": "WECHAT_APP_SECRET",
    "encoding_aes_key": "WECHAT_ENCODING_AES_KEY",
    "api_base": "WECHAT_API_BASE",
    "reply_budget": "WECHAT_REPLY_BUDGET",
    "replay_window": "WECHAT_REPLAY_WINDOW",
    "replay_store": "WECHAT_REPLAY_STORE",
    "media_max_bytes": "WECHAT_MEDIA_MAX_BYTES",
}
#: WeChat retries within ~15 s; below 30 s a slow clock would refuse them, above an hour an old
#: captured URL would stay usable too long.
_REPLAY_WINDOW_RANGE = (30.0, 3600.0)


@dataclass(frozen=True)
class WeChatConfig:
    """A complete, validated configuration of one Official Account."""

    token: str
    app_id: str
    app_secret: str = field(repr=False)
    aes_key: bytes | None = field(default=None, repr=False)
    api_base: str = DEFAULT_API_BASE
    reply_budget: float = DEFAULT_REPLY_BUDGET
    replay_window: float = DEFAULT_WINDOW
    replay_store: str | None = field(default=None, repr=False)  # redis://…; None: memory
    media_max_bytes: int = DEFAULT_MEDIA_MAX_BYTES


def load_config(
    credentials: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> WeChatConfig | None:
    """The configuration, or `None` when WECHAT_TOKEN is unset (the channel is off).

    Raises `ConfigError` naming the variable when the account is only partly configured or a
    value is malformed. Error messages never contain a secret's value.
    """
    env = os.environ if environ is None else environ
    given = dict(credentials or {})
    unknown = sorted(set(given) - set(_KEYS))
    if unknown:
        raise ConfigError(f"unknown WeChat credentials keys: {', '.join(unknown)}")
    values = {
        key: str(given[key] if given.get(key) is not None else env.get(var, "")).strip()
        for key, var in _KEYS.items()
    }
    if not values["token"]:
        return None
    for key in ("app_id", "app_secret"):
        if not values[key]:
            raise ConfigError(
                f"{_KEYS[key]} must be set when WECHAT_TOKEN is (the customer-service API needs it)"
            )
    aes_key = None
    if values["encoding_aes_key"]:
        try:
            aes_key = decode_aes_key(values["encoding_aes_key"])
        except ValueError as exc:
            raise ConfigError(f"WECHAT_ENCODING_AES_KEY is malformed: {exc}") from None
    api_base = values["api_base"] or DEFAULT_API_BASE
    if not api_base.startswith(("https://", "http://")):
        raise ConfigError(f"WECHAT_API_BASE must be an http(s) URL, got {api_base!r}")
    try:
        budget = float(values["reply_budget"] or DEFAULT_REPLY_BUDGET)
    except ValueError:
        budget = -1.0
    if not 0 < budget < 5:
        raise ConfigError(
            "WECHAT_REPLY_BUDGET must be a number of seconds above 0 and below 5 "
            f"(WeChat's deadline), got {values['reply_budget']!r}"
        )
    low, high = _REPLAY_WINDOW_RANGE
    try:
        window = float(values["replay_window"] or DEFAULT_WINDOW)
    except ValueError:
        window = -1.0
    if not low <= window <= high:
        raise ConfigError(
            f"WECHAT_REPLAY_WINDOW must be a number of seconds from {low:.0f} to {high:.0f}, "
            f"got {values['replay_window']!r}"
        )
    store = values["replay_store"] or None
    if store is not None and not store.startswith(("redis://", "rediss://")):
        raise ConfigError(
            "WECHAT_REPLAY_STORE must be a redis:// URL (unset: this process's memory)"
        )
    return WeChatConfig(
        token=values["token"],
        app_id=values["app_id"],
        app_secret=values["app_secret"],
        aes_key=aes_key,
        api_base=api_base.rstrip("/"),
        reply_budget=budget,
        replay_window=window,
        replay_store=store,
        media_max_bytes=_media_max_bytes(values["media_max_bytes"]),
    )


def _media_max_bytes(text: str) -> int:
    """WECHAT_MEDIA_MAX_BYTES as a whole number of bytes in range (unset: the default)."""
    low, high = MEDIA_MAX_BYTES_RANGE
    try:
        value = int(text) if text else DEFAULT_MEDIA_MAX_BYTES
    except ValueError:
        value = -1
    if not low <= value <= high:
        raise ConfigError(
            f"WECHAT_MEDIA_MAX_BYTES must be a whole number of bytes from {low} (64 KiB) to "
            f"{high // (1024 * 1024)} MiB (the largest photo kept from WeChat), got {text!r}"
        )
    return value
