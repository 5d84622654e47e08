"""Generated secrets and the Rasa server's token (bot.launcher.new_secret): a token starting
with "-" stopped `python -m bot run` from starting (argparse read it as an option)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.launcher import new_secret, rasa_service


def test_a_generated_secret_never_starts_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["-dash-first", "ok-token"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda nbytes: next(drawn))
    assert new_secret(16) == "ok-token"


def test_a_configured_token_with_a_dash_is_refused_with_its_name() -> None:
    with pytest.raises(ConfigError, match="RASA_AUTH_TOKEN"):
        rasa_service("Rasa server", Path("m.tar.gz"), 5005, Path("e.yml"), auth_token="-abc")
    service = rasa_service("Rasa server", Path("m.tar.gz"), 5005, Path("e.yml"), auth_token="abc")
    assert service.argv[-2:] == ["--auth-token", "abc"]
