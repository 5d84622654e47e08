"""`install()`: explicit (the tracker store calls it, importing changes nothing), switched by
`HEATING_RASA_PATCHES`, and refused on another Rasa release."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.forms import FormAction
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_runtime


def test_creating_the_tracker_store_installs_the_patches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.shared.core.domain import Domain

    from bot.rasa_runtime.tracker_store import CachingSQLTrackerStore

    for owner, name, _ in rasa_runtime.REPLACED:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    monkeypatch.delenv(rasa_runtime.SWITCH_ENV, raising=False)
    # what the Rasa server does with endpoints.yml's tracker_store section
    CachingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    for owner, name, replacement in rasa_runtime.REPLACED:
        assert getattr(owner, name) is replacement, name


#: Run in a fresh interpreter: what the patches would replace is Rasa's own code after importing
#: the runtime's table, and still the same objects after importing every module of `bot`; the
#: switch interval and Engine.IO's packet handling (the web channel's fix) are untouched too.
IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
from engineio.async_socket import AsyncSocket
interval, receive = sys.getswitchinterval(), AsyncSocket.receive
import bot
from bot import rasa_runtime
originals = {(o, n): getattr(o, n) for o, n, _ in rasa_runtime.REPLACED}
ours = [f"{o.__name__}.{n}" for (o, n), f in originals.items() if f.__module__.startswith("bot")]
for module in pkgutil.walk_packages(bot.__path__, "bot."):
    if module.name.endswith("__main__") or ".migrations" in module.name:
        continue
    importlib.import_module(module.name)
changed = [f"{o.__name__}.{n}" for (o, n), f in originals.items() if getattr(o, n) is not f]
changed += ["switch interval"] if sys.getswitchinterval() != interval else []
changed += ["AsyncSocket.receive"] if AsyncSocket.receive is not receive else []
print(ours + changed)
sys.exit(1 if ours or changed else 0)
"""


def test_importing_every_bot_module_changes_nothing_in_rasa() -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def _stand_ins(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[type, str], Any]:
    """Put a distinct stand-in where each patch goes (whatever earlier tests installed), so a
    test sees exactly what one `install` changed; monkeypatch puts everything back."""
    stand_ins: dict[tuple[type, str], Any] = {}
    for owner, name, _ in rasa_runtime.REPLACED:
        stand_ins[owner, name] = lambda *args, **kwargs: None
        monkeypatch.setattr(owner, name, stand_ins[owner, name])
    return stand_ins


@pytest.mark.parametrize(
    ("setting", "count"),
    [
        ("all", len(rasa_runtime.PATCHES)),
        ("none", 0),
        ("action_failure", 1),
        ("policy_window, tracker_copy", 2),
    ],
)
def test_the_switch_selects_the_patches(
    setting: str, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stand_ins(monkeypatch)
    monkeypatch.setattr(sys, "setswitchinterval", lambda seconds: None)
    monkeypatch.setenv(rasa_runtime.SWITCH_ENV, setting)
    installed = rasa_runtime.install()
    assert len(installed) == count
    for patch in rasa_runtime.PATCHES:
        for owner, name, replacement in patch.replaces:
            assert (getattr(owner, name) is replacement) is (patch.name in installed), name


def test_an_unknown_patch_name_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown patch action_failur; .*action_failure"):
        rasa_runtime.install("action_failur")


def test_another_rasa_release_is_refused_unless_the_patches_are_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stand_ins = _stand_ins(monkeypatch)
    with pytest.raises(RuntimeError, match="HEATING_RASA_PATCHES=none"):
        rasa_runtime.install("all", version="3.7.0")
    assert all(getattr(owner, name) is stand_ins[owner, name] for owner, name in stand_ins)
    assert rasa_runtime.install("none", version="3.7.0") == []


def test_every_patch_module_is_in_the_table_under_its_own_name() -> None:
    """A patch module left out of `PATCHES` would never be installed, and one whose name is not
    its module's could not be found from the switch."""
    package = Path(rasa_runtime.__file__).parent
    modules = {
        path.stem: importlib.import_module(f"bot.rasa_runtime.{path.stem}")
        for path in package.glob("*.py")
    }
    defined = {name: module.PATCH for name, module in modules.items() if hasattr(module, "PATCH")}
    assert {patch.name: patch for patch in rasa_runtime.PATCHES} == defined
    assert len(rasa_runtime.REPLACED) == len({(o, n) for o, n, _ in rasa_runtime.REPLACED})
    names = {(owner, name) for owner, name, _ in rasa_runtime.REPLACED}
    assert (DialogueStateTracker, "applied_events") in names
    assert (FormAction, "_temporary_tracker") in names
