"""Generated secrets and where the stack keeps them: a generated token never starts with "-" (on
a command line it reads as an option), the Rasa server's token is on no command line and in no
output, only in the environment and a 0600 file under a 0700 var/ (red team R3, R10)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import pytest

from bot.launcher import (
    Service,
    demo_agents,
    demo_stack,
    new_secret,
    private_dir,
    rasa_service,
    read_secret,
    spawn,
    write_secrets,
)


def test_a_generated_secret_never_starts_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["-dash-first", "ok-token"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda nbytes: next(drawn))
    assert new_secret(16) == "ok-token"


# ---- no secret on a command line or in the output (red team R3), var/ private (R10) ---------

TOKEN = "the-api-token-itself"


def _everywhere(services: list[Service]) -> str:
    return " ".join(" ".join(s.argv) for s in services)


def test_the_api_token_is_on_no_command_line_and_rasa_allows_no_other_origin(
    tmp_path: Path,
) -> None:
    stack = demo_stack(Path("m.tar.gz"), tmp_path, auth_token=TOKEN)
    assert TOKEN not in _everywhere(stack.services)
    assert stack.env["RASA_AUTH_TOKEN"] == TOKEN  # the Rasa server and console read it there
    rasa = next(s for s in stack.services if s.name == "Rasa server")
    assert rasa.argv[1:3] == ["-m", "bot.rasa_server"] and "--enable-api" in rasa.argv
    assert "--auth-token" not in rasa.argv and "--cors" not in rasa.argv
    without_api = rasa_service("Rasa server", Path("m.tar.gz"), 5005, Path("e.yml"))
    assert "--enable-api" not in without_api.argv


class _Ended:
    """A child process that has already ended (run_stack stops at once)."""

    pid = 0

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


def test_make_run_prints_where_the_secrets_are_never_the_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.launcher as launcher

    secrets_file = tmp_path / "var" / "secrets.env"
    monkeypatch.setattr(launcher, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(launcher, "SECRETS_FILE", secrets_file)
    monkeypatch.setenv("RASA_AUTH_TOKEN", TOKEN)
    monkeypatch.setattr(launcher, "demo_agents", lambda path: "  demo agents     …\n")
    monkeypatch.setattr(launcher.signal, "signal", lambda *args: None)

    def started(services: list[Service], env: dict[str, str], **_: object) -> None:
        assert env["RASA_AUTH_TOKEN"] == TOKEN
        for service in services:
            service.process = _Ended()  # type: ignore[assignment]

    monkeypatch.setattr(launcher, "start", started)
    launcher.run_stack(Path("m.tar.gz"))
    shown = capsys.readouterr()
    assert TOKEN not in shown.out + shown.err
    assert f"RASA_AUTH_TOKEN in {secrets_file}" in shown.out
    assert f"RASA_AUTH_TOKEN={TOKEN}" in secrets_file.read_text(encoding="utf-8")
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    assert secrets_file.parent.stat().st_mode & 0o777 == 0o700


def test_the_secrets_file_keeps_other_names_and_is_never_wider_than_0600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secrets.env"
    write_secrets(path, {"CONSOLE_DEMO_PASSWORD": "pw-1"})
    path.chmod(0o644)  # someone widened it
    write_secrets(path, {"RASA_AUTH_TOKEN": "t-2"})
    assert read_secret("CONSOLE_DEMO_PASSWORD", path) == "pw-1"
    assert read_secret("RASA_AUTH_TOKEN", path) == "t-2"
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_secret("RASA_AUTH_TOKEN", tmp_path / "missing.env") == ""


def test_the_demo_agents_password_goes_to_the_file_not_the_screen(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONSOLE_DEMO_PASSWORD", raising=False)
    path = tmp_path / "var" / "secrets.env"
    first = demo_agents(path)
    password = read_secret("CONSOLE_DEMO_PASSWORD", path)
    assert password and password not in first and str(path) in first
    again = demo_agents(path)  # the agents exist: the password stays where it was written
    assert read_secret("CONSOLE_DEMO_PASSWORD", path) == password and str(path) in again
    assert path.stat().st_mode & 0o777 == 0o600


def test_var_is_made_private_and_the_stack_writes_private_files(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    assert private_dir(var).stat().st_mode & 0o777 == 0o700
    child = Service("writer", [sys.executable, "-c", f"open({str(var / 'tracker.db')!r}, 'w')"], "")
    spawn(child, dict(os.environ))
    assert child.process is not None and child.process.wait(timeout=60) == 0
    assert (var / "tracker.db").stat().st_mode & 0o777 == 0o600  # Rasa's trackers, logs
