"""The Rasa server's runtime: the project's tracker store and its changes to Rasa's internals.

Rasa 3.6 does work linear in the conversation on every turn, and some of its hot paths cost more
than the answer (docs/performance.md has the profiles and the figures). This package holds what
the Rasa server runs instead; nothing else of the project imports it (tests/unit/test_layers.py):

- `tracker_store`: `CachingSQLTrackerStore`, named in endpoints.yml, which keeps each sender's
  last saved tracker in memory. Rasa creates it once, before the first message, and its
  `__init__` calls `install()`: that is how `rasa run` (and `make run`, `make run-prod`) installs
  the patches.
- `tracker_window`: bounded views of a long conversation, for the patches below.
- one module per patch, each with a `PATCH` that names it, what it replaces and Rasa's own
  implementation as the reference its test in tests/unit/rasa_runtime/ compares with:

  - `response_check` (`RemoteAction._validate_action_result`): the schema compiled once;
  - `action_request` (`RemoteAction._action_call_format`, `EndpointConfig.request`): the
    request carries the last turns' events, its domain serialised once per model;
  - `policy_window` (`MessageProcessor._predict_next_with_tracker`): the policies predict on the
    last turns;
  - `session_check` (`MessageProcessor._update_tracker_session`): session expiry read from the
    last turns; the start-up heap frozen out of the garbage collector at the first message;
  - `tracker_copy` (`DialogueStateTracker.copy`): the state copied, not replayed;
  - `rule_matching` (`RulePolicy._get_possible_keys`): rules matched only as far back as the
    longest one reaches;
  - `graph_runner` (`DaskGraphRunner.run`): the model's graph run without dask;
  - `action_failure` (`RemoteAction.run`, `MessageProcessor._run_action`): a failed action call
    ends the turn with an apology and takes the message back;
  - `folded_history` (`DialogueStateTracker.applied_events`): the fold continued from the last
    turn;
  - `form_tracker` (`FormAction._temporary_tracker`): form validation's tracker as a copy;
  - `switch_interval` (no Rasa internal: the interpreter's switch interval): threads switch
    every 1 ms.

Only `action_failure` changes what a turn answers, and only when an action fails; the rest change
what a turn costs. `install()` is idempotent; importing any module of the project changes nothing
in Rasa. `HEATING_RASA_PATCHES=none` runs stock Rasa (or a comma list of the names above), and
Rasa releases other than `SUPPORTED_RASA` are refused.
"""

from __future__ import annotations

import logging
import os

import rasa

from bot.rasa_runtime import (
    action_failure,
    action_request,
    folded_history,
    form_tracker,
    graph_runner,
    policy_window,
    response_check,
    rule_matching,
    session_check,
    switch_interval,
    tracker_copy,
)
from bot.rasa_runtime.patch import Patch, Replacement

logger = logging.getLogger(__name__)

#: What `install()` can apply, each by its name.
PATCHES: tuple[Patch, ...] = (
    response_check.PATCH,
    action_request.PATCH,
    policy_window.PATCH,
    session_check.PATCH,
    tracker_copy.PATCH,
    rule_matching.PATCH,
    graph_runner.PATCH,
    action_failure.PATCH,
    folded_history.PATCH,
    form_tracker.PATCH,
    switch_interval.PATCH,
)
#: Every internal of Rasa the patches replace (tests put Rasa's back after installing).
REPLACED: tuple[Replacement, ...] = tuple(r for patch in PATCHES for r in patch.replaces)

#: The Rasa release every patch was written against and is compared with in the tests.
SUPPORTED_RASA = "3.6.21"
#: all (the default), none (stock Rasa behaviour and speed), or a comma list of patch names.
SWITCH_ENV = "HEATING_RASA_PATCHES"


def selected(setting: str | None) -> list[Patch]:
    """The patches `setting` names (`SWITCH_ENV`); an unknown name is an error that lists the
    known ones, so a typo never silently runs stock Rasa."""
    value = (setting or "all").strip()
    if value == "all":
        return list(PATCHES)
    if value == "none":
        return []
    wanted = {part.strip() for part in value.split(",") if part.strip()}
    known = {patch.name for patch in PATCHES}
    if unknown := wanted - known:
        raise ValueError(
            f"{SWITCH_ENV}: unknown patch {', '.join(sorted(unknown))}; "
            f"use all, none or a comma list of: {', '.join(sorted(known))}"
        )
    return [patch for patch in PATCHES if patch.name in wanted]


def install(setting: str | None = None, version: str | None = None) -> list[str]:
    """Install the patches `setting` selects (default: the `SWITCH_ENV` variable, else all)
    and return their names; installing again is harmless.

    Called by the Rasa server's tracker store when Rasa creates it (endpoints.yml), never on
    import. Refuses, with a message saying what to do, on a Rasa release other than the one the
    patches were written against: each replaces a Rasa internal that may have changed.
    """
    chosen = selected(os.environ.get(SWITCH_ENV) if setting is None else setting)
    if not chosen:
        logger.info("Rasa patches off (%s=none): stock Rasa behaviour", SWITCH_ENV)
        return []
    running = version or rasa.__version__
    if running != SUPPORTED_RASA:
        raise RuntimeError(
            f"The project's Rasa patches were written against Rasa {SUPPORTED_RASA}, and Rasa "
            f"{running} is installed. Set {SWITCH_ENV}=none to run stock Rasa, or re-run the "
            "comparison tests (tests/unit/rasa_runtime/) against this release before changing "
            "SUPPORTED_RASA."
        )
    for patch in chosen:
        patch.apply()
    names = [patch.name for patch in chosen]
    logger.info("Rasa patches installed: %s", ", ".join(names))
    return names
