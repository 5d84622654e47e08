"""Fixtures of the runtime's tests: Rasa with every patch installed, and put back after."""

from __future__ import annotations

import pytest

from bot import rasa_runtime


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every patch installed, whatever an earlier test left; Rasa's own put back after."""
    for owner, name, _ in rasa_runtime.REPLACED:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    rasa_runtime.install("all")
