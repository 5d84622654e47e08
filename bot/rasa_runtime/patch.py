"""What one change to the Rasa server is, so `install()` and the switch handle every one alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: (class, attribute, replacement): one internal of Rasa replaced.
Replacement = tuple[type, str, Any]


@dataclass(frozen=True)
class Patch:
    """One change, as `HEATING_RASA_PATCHES` names it (its module's name).

    Most replace one Rasa internal, some two that only work together (a request and the sender
    that encodes it); one replaces nothing and sets a process-wide value instead (`setting`).
    """

    name: str
    replaces: tuple[Replacement, ...] = ()
    setting: Callable[[], None] | None = None

    def apply(self) -> None:
        """Put the replacements in place and make the setting; doing it again is harmless."""
        for owner, attribute, replacement in self.replaces:
            setattr(owner, attribute, replacement)
        if self.setting is not None:
            self.setting()
