"""The WeChat channel's configuration and its menu keys."""

from __future__ import annotations

import pytest

from bot.channels.wechat.config import DEFAULT_API_BASE, load_config
from bot.channels.wechat.menu import MENU, menu_definition, payload_for_click
from bot.config import ConfigError

AES = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
FULL = {"WECHAT_TOKEN": "tok", "WECHAT_APP_ID": "wxapp", "WECHAT_APP_SECRET": "s3cret-value"}


def test_no_token_means_the_channel_is_off() -> None:
    assert load_config(None, {}) is None
    assert load_config({}, {"WECHAT_APP_ID": "wxapp"}) is None


def test_complete_environment_with_defaults() -> None:
    config = load_config(None, FULL)
    assert config is not None
    assert (config.token, config.app_id, config.aes_key) == ("tok", "wxapp", None)
    assert config.api_base == DEFAULT_API_BASE and config.reply_budget == 4.0
    assert (config.replay_window, config.replay_store) == (300.0, None)  # memory
    assert config.media_max_bytes == 5 * 1024 * 1024
    assert "s3cret-value" not in repr(config)


def test_the_photo_size_cap_is_configurable() -> None:
    config = load_config({"media_max_bytes": 2097152}, FULL)
    assert config is not None and config.media_max_bytes == 2 * 1024 * 1024
    config = load_config(None, {**FULL, "WECHAT_MEDIA_MAX_BYTES": "1048576"})
    assert config is not None and config.media_max_bytes == 1024 * 1024


def test_the_replay_window_and_store_are_configurable() -> None:
    config = load_config(
        {"replay_store": "redis://redis:6379/3"}, {**FULL, "WECHAT_REPLAY_WINDOW": "120"}
    )
    assert config is not None
    assert (config.replay_window, config.replay_store) == (120.0, "redis://redis:6379/3")


def test_credentials_override_the_environment() -> None:
    config = load_config(
        {
            "token": "other",
            "encoding_aes_key": AES,
            "api_base": "http://127.0.0.1:9/",
            "reply_budget": 2,
        },
        FULL,
    )
    assert config is not None
    assert config.token == "other" and config.aes_key is not None and len(config.aes_key) == 32
    assert config.api_base == "http://127.0.0.1:9" and config.reply_budget == 2.0


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WECHAT_TOKEN": "tok", "WECHAT_APP_SECRET": "x"}, "WECHAT_APP_ID"),
        ({"WECHAT_TOKEN": "tok", "WECHAT_APP_ID": "wxapp"}, "WECHAT_APP_SECRET"),
        ({**FULL, "WECHAT_ENCODING_AES_KEY": "tooshort"}, "WECHAT_ENCODING_AES_KEY"),
        ({**FULL, "WECHAT_ENCODING_AES_KEY": "*" * 43}, "WECHAT_ENCODING_AES_KEY"),
        ({**FULL, "WECHAT_API_BASE": "ftp://x"}, "WECHAT_API_BASE"),
        ({**FULL, "WECHAT_REPLY_BUDGET": "5"}, "WECHAT_REPLY_BUDGET"),
        ({**FULL, "WECHAT_REPLY_BUDGET": "soon"}, "WECHAT_REPLY_BUDGET"),
        ({**FULL, "WECHAT_REPLAY_WINDOW": "10"}, "WECHAT_REPLAY_WINDOW"),
        ({**FULL, "WECHAT_REPLAY_WINDOW": "86400"}, "WECHAT_REPLAY_WINDOW"),
        ({**FULL, "WECHAT_REPLAY_WINDOW": "later"}, "WECHAT_REPLAY_WINDOW"),
        ({**FULL, "WECHAT_REPLAY_STORE": "memcached://x"}, "WECHAT_REPLAY_STORE"),
        ({**FULL, "WECHAT_MEDIA_MAX_BYTES": "5MB"}, "WECHAT_MEDIA_MAX_BYTES"),
        ({**FULL, "WECHAT_MEDIA_MAX_BYTES": "1000"}, "WECHAT_MEDIA_MAX_BYTES"),
        ({**FULL, "WECHAT_MEDIA_MAX_BYTES": str(100 * 1024 * 1024)}, "WECHAT_MEDIA_MAX_BYTES"),
    ],
)
def test_partial_or_bad_configuration_names_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named) as raised:
        load_config(None, env)
    assert "s3cret-value" not in str(raised.value)


def test_unknown_credentials_keys_are_refused() -> None:
    with pytest.raises(ConfigError, match="appsecret"):
        load_config({"appsecret": "x"}, FULL)


@pytest.mark.parametrize(
    ("key", "payload"),
    [
        ("QUERY_FEE", "/query_fee"),
        ("REPORT_REPAIR", "/report_repair"),
        ("QUERY_OUTAGE", "/query_outage"),
        ("REQUEST_HUMAN", "/request_human"),
        (" query_fee ", "/query_fee"),
        ("SOMETHING_ELSE", None),
    ],
)
def test_menu_keys_map_to_intents(key: str, payload: str | None) -> None:
    assert payload_for_click(key) == payload


def test_menu_definition_uses_the_mapped_keys() -> None:
    buttons = menu_definition()["button"]
    assert [b["name"] for b in buttons] == ["查费", "报修", "停热", "人工"]
    assert all(b["type"] == "click" and payload_for_click(b["key"]) for b in buttons)
    assert len({item.key for item in MENU}) == len(MENU)
