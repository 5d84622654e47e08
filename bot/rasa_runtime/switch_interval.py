"""Patch `switch_interval`: the Rasa server's threads switch every 1 ms instead of 5 ms.

Not a Rasa internal: a process-wide interpreter setting, made by `install()` in the Rasa server
only (the one process that creates the project's tracker store).
"""

from __future__ import annotations

import sys

from bot.rasa_runtime.patch import Patch

#: How long a thread waiting for the interpreter lets the running one go on (Python's default is
#: 5 ms). The SQLite session thread (`bot.store.db.in_session`) needs the interpreter back after
#: every statement and commit while the event loop thread runs a turn: under the WeChat load
#: each ledger transaction waited up to 5 ms several times, on every message's path. The setting
#: applies on PostgreSQL too, where it was not measured.
SWITCH_INTERVAL_S = 0.001


def _switch_often() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_S)


PATCH = Patch("switch_interval", setting=_switch_often)
