"""The Rasa server's threads switch every millisecond."""

from __future__ import annotations

import sys

import pytest

from bot import rasa_runtime


def test_the_interpreter_switches_threads_every_millisecond(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Rasa server's SQLite session thread waits at most this long for the interpreter."""
    monkeypatch.setattr(sys, "setswitchinterval", lambda seconds: calls.append(seconds))
    calls: list[float] = []
    rasa_runtime.install("switch_interval")
    assert calls == [0.001]
