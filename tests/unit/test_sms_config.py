"""SMS settings from the environment: defaults, and a message naming each bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.sms.config import (
    DEFAULT_GENERIC_TEMPLATE,
    TemplateIds,
    load_sms_settings,
)
from bot.config import ConfigError

SECRET = "0123456789abcdef"
ENABLED = {"SMS_CALLBACK_SECRET": SECRET, "SMS_API_BASE": "http://127.0.0.1:9/"}


def test_without_a_secret_the_channel_is_disabled_with_defaults() -> None:
    settings = load_sms_settings({})
    assert settings.secret is None
    # the active policy's company signature (beijing.yml: 示例热力)
    assert settings.signature == "【示例热力】" and settings.sign_name == "示例热力"
    assert settings.gateway == "http" and settings.api_base is None
    assert settings.templates == TemplateIds(DEFAULT_GENERIC_TEMPLATE, {})


def test_an_enabled_channel() -> None:
    settings = load_sms_settings({**ENABLED, "SMS_SIGNATURE": "城热集团", "SMS_GATEWAY": "HTTP"})
    assert settings.secret == SECRET
    assert settings.api_base == "http://127.0.0.1:9"
    assert settings.signature == "【城热集团】" and settings.sign_name == "城热集团"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SMS_CALLBACK_SECRET": "short"}, "SMS_CALLBACK_SECRET"),
        ({"SMS_CALLBACK_SECRET": SECRET}, "SMS_API_BASE"),
        ({**ENABLED, "SMS_API_BASE": "ftp://gateway"}, "SMS_API_BASE"),
        ({**ENABLED, "SMS_API_BASE": "gateway.example"}, "SMS_API_BASE"),
        ({**ENABLED, "SMS_SIGNATURE": "【热】"}, "SMS_SIGNATURE"),
        ({**ENABLED, "SMS_SIGNATURE": "【" + "热" * 13 + "】"}, "SMS_SIGNATURE"),
        ({**ENABLED, "SMS_GATEWAY": "aliyun"}, "SMS_GATEWAY"),
        ({**ENABLED, "SMS_TEMPLATE_FILE": "/nonexistent/sms.yml"}, "SMS_TEMPLATE_FILE"),
    ],
)
def test_a_bad_value_names_its_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_sms_settings(env)


def test_the_template_file(tmp_path: Path) -> None:
    path = tmp_path / "sms.yml"
    path.write_text("generic: SMS_9\nresponses:\n  utter_greet: SMS_1\n", encoding="utf-8")
    settings = load_sms_settings({**ENABLED, "SMS_TEMPLATE_FILE": str(path)})
    assert settings.templates == TemplateIds("SMS_9", {"utter_greet": "SMS_1"})


@pytest.mark.parametrize(
    "content",
    ["- a list\n", "generic: [1]\n", "responses:\n  utter_greet: 5\n", "extra: 1\n", "a: [\n"],
)
def test_a_malformed_template_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "sms.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match="SMS_TEMPLATE_FILE"):
        load_sms_settings({**ENABLED, "SMS_TEMPLATE_FILE": str(path)})
