"""The sped-up check of action server responses accepts and refuses exactly what Rasa's does."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot import rasa_speedups

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "phone", "value": "13812345678"}], "responses": []},
    {"responses": [{"text": "好的"}]},
]
INVALID: list[dict[str, Any]] = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 5}]},
    {"responses": ["not an object"]},
]


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> None:
    for owner, name, _ in rasa_speedups.PATCHES:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    rasa_speedups.install("all")


@pytest.mark.parametrize("result", VALID)
def test_valid_responses_pass_both_checks(result: dict[str, Any], patched: None) -> None:
    assert RemoteAction("action_x", None)._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_responses_fail_with_rasas_message(result: dict[str, Any], patched: None) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result(result)


def test_creating_the_tracker_store_installs_the_speedups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.shared.core.domain import Domain

    from bot.tracker_store import CachingSQLTrackerStore

    for owner, name, _ in rasa_speedups.PATCHES:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    monkeypatch.delenv(rasa_speedups.SWITCH_ENV, raising=False)
    # what the Rasa server does with endpoints.yml's tracker_store section
    CachingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    for owner, name, replacement in rasa_speedups.PATCHES:
        assert getattr(owner, name) is replacement, name


IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
import bot
from bot import rasa_speedups
originals = {(o, n): getattr(o, n) for o, n, _ in rasa_speedups.PATCHES}
for module in pkgutil.walk_packages(bot.__path__, "bot."):
    if module.name.endswith("__main__") or ".migrations" in module.name:
        continue
    importlib.import_module(module.name)
changed = [f"{o.__name__}.{n}" for (o, n), f in originals.items() if getattr(o, n) is not f]
print(changed)
sys.exit(1 if changed else 0)
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
    for owner, name, _ in rasa_speedups.PATCHES:
        stand_ins[owner, name] = lambda *args, **kwargs: None
        monkeypatch.setattr(owner, name, stand_ins[owner, name])
    return stand_ins


@pytest.mark.parametrize(
    ("setting", "count"),
    [("all", len(rasa_speedups.PATCHES)), ("none", 0), ("MessageProcessor._run_action", 1)],
)
def test_the_switch_selects_the_patches(
    setting: str, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stand_ins(monkeypatch)
    monkeypatch.setattr(sys, "setswitchinterval", lambda seconds: None)
    monkeypatch.setenv(rasa_speedups.SWITCH_ENV, setting)
    installed = rasa_speedups.install()
    assert len(installed) == count
    for owner, name, replacement in rasa_speedups.PATCHES:
        named = rasa_speedups.patch_name(owner, name) in installed
        assert (getattr(owner, name) is replacement) is named, name


def test_an_unknown_patch_name_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"MessageProcessor\._run_action"):
        rasa_speedups.install("MessageProcessor._run_acton")


def test_another_rasa_release_is_refused_unless_the_patches_are_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stand_ins = _stand_ins(monkeypatch)
    with pytest.raises(RuntimeError, match="HEATING_RASA_PATCHES=none"):
        rasa_speedups.install("all", version="3.7.0")
    assert all(getattr(owner, name) is stand_ins[owner, name] for owner, name in stand_ins)
    assert rasa_speedups.install("none", version="3.7.0") == []


def test_the_interpreter_switches_threads_every_millisecond(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Rasa server's SQLite session thread waits at most this long for the interpreter."""
    monkeypatch.setattr(sys, "setswitchinterval", lambda seconds: calls.append(seconds))
    calls: list[float] = []
    rasa_speedups.install("all")
    assert calls == [0.001]


def _conversation() -> DialogueStateTracker:
    """Verification, a form started and interrupted, a reverted turn, a session restart."""
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("查暖气费", {"name": "query_fee", "confidence": 1.0}),
        ActionExecuted("verify_form"),
        ActiveLoop("verify_form"),
        SlotSet("requested_slot", "account_no"),
        ActionExecuted("action_listen"),
        UserUttered("0102345678", {"name": "inform", "confidence": 1.0}),
        SlotSet("account_no", "0102345678"),
        ActionExecuted("verify_form"),
        ActiveLoop(None),
        ActionExecuted("action_listen"),
        UserUttered("暖气不热", {"name": "report_repair", "confidence": 1.0}),
        ActionExecuted("repair_form"),
        ActiveLoop("repair_form"),
        SlotSet("fault_type", "no_heat"),
        ActionExecuted("action_listen"),
        UserUttered("讲个笑话", {"name": "out_of_scope", "confidence": 1.0}),
        ActionExecuted("action_fallback"),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
        UserUttered("几号供暖", {"name": "faq", "confidence": 1.0}),
        ActionExecuted("action_answer_faq"),
        BotUttered("11月15日"),
    ]
    return DialogueStateTracker.from_events("wx-user", events, DOMAIN.slots)


def test_tracker_copy_equals_rasas_replay_and_is_independent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tracker = _conversation()
    tracker.model_id = "model-1"
    replayed = tracker.travel_back_in_time(float("inf"))  # Rasa's copy(), whatever is patched
    for owner, name, _ in rasa_speedups.PATCHES:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    rasa_speedups.install("all")
    copied = tracker.copy()

    assert copied.current_state(EventVerbosity.ALL) == replayed.current_state(EventVerbosity.ALL)
    assert copied.active_loop == replayed.active_loop
    assert copied.latest_action == replayed.latest_action
    assert copied.model_id is None and replayed.model_id is None
    assert [s.has_been_set for s in copied.slots.values()] == [
        s.has_been_set for s in replayed.slots.values()
    ]

    before = tracker.current_state(EventVerbosity.ALL)
    copied.update(SlotSet("address", "幸福里3号楼"))
    copied.update(ActiveLoop(None))
    copied.update(ActionExecuted("action_listen"))
    assert tracker.current_state(EventVerbosity.ALL) == before
    assert tracker.active_loop_name == "repair_form"


def test_the_heap_is_frozen_once_at_the_first_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    monkeypatch.setattr(rasa_speedups, "_heap_frozen", False)
    try:
        rasa_speedups._freeze_heap_once()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        rasa_speedups._freeze_heap_once()
        # Not again: a second freeze would add every object made since. (The count may fall:
        # a frozen object that another test's thread frees leaves the permanent generation.)
        assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def _sdk_events() -> list[dict[str, Any]]:
    """One of every event an action server can return, as rasa_sdk builds them."""
    from rasa_sdk import events as sdk

    return [
        sdk.SlotSet("phone", "13812345678"),
        sdk.SlotSet("address", None),
        sdk.AllSlotsReset(),
        sdk.ActiveLoop("repair_form"),
        sdk.ActiveLoop(None),
        sdk.FollowupAction("action_listen"),
        sdk.UserUtteranceReverted(),
        sdk.ActionReverted(),
        sdk.ConversationPaused(),
        sdk.ConversationResumed(),
        sdk.Restarted(),
        sdk.SessionStarted(),
        sdk.BotUttered("您好", {"buttons": []}),
        sdk.UserUttered("暖气不热", {"intent": {"name": "report_repair", "confidence": 1.0}}),
        sdk.ActionExecuted("action_listen"),
        sdk.LoopInterrupted(True),
        sdk.ActionExecutionRejected("repair_form"),
        sdk.ReminderScheduled("EXTERNAL_x", datetime(2026, 11, 27, 10, 0)),
        sdk.ReminderCancelled(name="r1"),
    ]


def _broken(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**event, "timestamp": "yesterday"},
        {**event, "metadata": ["not", "an", "object"]},
        {**event, "event": "no_such_event"},
        {key: value for key, value in event.items() if key != "event"},
    ]


def test_compiled_check_agrees_with_jsonschema_on_every_event_kind(patched: None) -> None:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    reference = validator_for(schema)(schema)
    responses = [{"events": [event], "responses": [{"text": "x"}]} for event in _sdk_events()]
    responses += [{"events": [bad]} for event in _sdk_events() for bad in _broken(event)]
    responses += [{"events": _sdk_events()}, {"responses": [{"text": "a", "buttons": []}]}, {}]
    compiled = rasa_speedups._fast_action_response_check()
    for response in responses:
        expected = reference.is_valid(response)
        try:
            compiled(response)
            got = True
        except Exception:
            got = False
        assert got == expected, response
        if expected:
            assert RemoteAction("a", None)._validate_action_result(response) is True
        else:
            with pytest.raises(ValidationError, match="Failed to validate"):
                RemoteAction("a", None)._validate_action_result(response)
    assert sum(reference.is_valid(r) for r in responses) >= len(_sdk_events())


def test_rule_matching_stops_early_with_rasas_answers() -> None:
    """The patched `_get_possible_keys` gives Rasa's set for conversations longer and shorter
    than the rules, including rules that start a conversation and states that match none."""
    import itertools
    import json

    from rasa.core.policies.rule_policy import RulePolicy

    listen = {"prev_action": {"action_name": "action_listen"}}
    start: dict[str, Any] = {}
    greet = {"user": {"intent": "greet"}, **listen}
    repair = {"user": {"intent": "report_repair"}, **listen}
    form = {"prev_action": {"action_name": "repair_form"}, "active_loop": {"name": "repair_form"}}
    utter = {"prev_action": {"action_name": "utter_greet"}, "user": {"intent": "greet"}}
    rules = [[greet], [repair], [start, greet], [repair, form], [greet, utter, listen], [form]]
    lookup = {json.dumps(rule, sort_keys=True): f"action_{i}" for i, rule in enumerate(rules)}
    policy = RulePolicy.__new__(RulePolicy)  # the matching needs no trained state
    pool = [start, greet, repair, form, utter, listen]
    for _ in range(2):  # the second time from the remembered answers
        for length in range(0, 5):
            for states in itertools.product(pool, repeat=length):
                conversation = [dict(s) for s in states]
                expected = rasa_speedups._RASA_GET_POSSIBLE_KEYS(policy, lookup, conversation)
                assert rasa_speedups._get_possible_keys(policy, lookup, conversation) == expected
    # a rule removed from the table in place (as training does), or a longer one added, is not
    # answered from memory
    removed = next(iter(lookup))
    del lookup[removed]
    conversation = [greet]
    assert rasa_speedups._get_possible_keys(policy, lookup, conversation) == (
        rasa_speedups._RASA_GET_POSSIBLE_KEYS(policy, lookup, conversation)
    )
    conversation = [repair, utter, listen, greet]
    rasa_speedups._get_possible_keys(policy, lookup, conversation)
    lookup[json.dumps([form, utter, listen, greet], sort_keys=True)] = "action_long"
    assert rasa_speedups._get_possible_keys(policy, lookup, conversation) == (
        rasa_speedups._RASA_GET_POSSIBLE_KEYS(policy, lookup, conversation)
    )


def test_action_requests_carry_the_same_json_with_the_domain_serialised_once(
    patched: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The action server receives what Rasa's `json.dumps` of the request would give, as JSON;
    the domain's text is made once per Domain object."""
    import asyncio
    import json

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    received: list[tuple[str, Any]] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append((request.content_type, await request.json()))
        return web.json_response({"events": [], "responses": []})

    from types import SimpleNamespace

    dumped: list[Any] = []
    real_dumps = json.dumps

    def counting(obj: Any, **kwargs: Any) -> str:
        dumped.append(obj)
        return real_dumps(obj, **kwargs)

    monkeypatch.setattr(rasa_speedups, "json", SimpleNamespace(dumps=counting, loads=json.loads))
    tracker = DialogueStateTracker.from_events(
        "wx-user", [UserUttered("暖气不热", {"name": "report_repair"})], DOMAIN.slots
    )
    other_domain = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))

    async def run() -> list[dict[str, Any]]:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        action = RemoteAction("validate_repair_form", endpoint)
        bodies = []
        try:
            for domain in (DOMAIN, DOMAIN, other_domain):
                body = action._action_call_format(tracker, domain)
                bodies.append(json.loads(real_dumps(body)))  # what Rasa would have sent
                await endpoint.request(json=body, method="post")
        finally:
            await runner.cleanup()
        return bodies

    expected = asyncio.run(run())
    assert [r[0] for r in received] == ["application/json"] * 3
    assert [r[1] for r in received] == expected
    assert expected[0]["domain"]["forms"] and expected[0]["tracker"]["sender_id"] == "wx-user"
    # the domain's text made once per Domain object; each request spliced it to the rest
    assert sum(1 for obj in dumped if "forms" in obj) == 2
    assert [sorted(obj) for obj in dumped if "tracker" in obj] == [
        ["next_action", "sender_id", "tracker", "version"]
    ] * 3


def _turn(*events: Any) -> DialogueStateTracker:
    """A conversation whose last turn holds `events` (after an earlier, finished turn)."""
    history = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("你好", {"name": "greet"}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
    ]
    return DialogueStateTracker.from_events("u", [*history, *events], DOMAIN.slots)


def test_a_failed_turn_is_taken_back_only_while_the_action_server_did_nothing_in_it() -> None:
    """After a failed action (its own log entry already dropped), the user's message is taken
    back unless an earlier action of the turn ran on the action server: what that one did is
    real, and resending the message would do it twice."""
    message = UserUttered("阳光花园5号楼1单元302", {"name": "inform"})
    undoable = rasa_speedups._undoable
    assert undoable(_turn(message, ActionExecuted("action_extract_slots")), DOMAIN)
    assert undoable(_turn(message, ActionExecuted("utter_ask_address")), DOMAIN)
    assert not undoable(_turn(message, ActionExecuted("action_query_outage")), DOMAIN)
    assert not undoable(_turn(message, ActionExecuted("repair_form")), DOMAIN)
    # no user message in this turn (an action run through the HTTP API), or already taken back
    assert not undoable(_turn(), DOMAIN)
    assert not undoable(
        _turn(message, ActionExecuted("action_fallback"), UserUtteranceReverted()), DOMAIN
    )
