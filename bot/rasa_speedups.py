"""Speed-ups of Rasa 3.6's server code: what a turn costs, not what it answers.

Profiling the Rasa server under load (py-spy, docs/performance.md) showed a third of its main
thread in `jsonschema`: `RemoteAction._validate_action_result` calls `jsonschema.validate` on every
action server response, and `validate` checks the (constant) schema itself and builds a new
validator each time. Here the schema is compiled once (fastjsonschema); responses are validated
against the same schema, and an invalid one raises the same `ValidationError` with Rasa's
message.

The policies and the action server get bounded views of a long conversation
(`bot.tracker_window`), the session-expiry check reads the last turns, and
`DialogueStateTracker.copy()` (run before every action: Rasa replays every event of the session
into a new tracker) copies the state instead of rebuilding it, so a turn costs about the same at
message 300 as at message 1. RulePolicy stops matching rules where none reaches. The start-up
heap is frozen out of the garbage collector, and threads switch every 1 ms instead of 5 ms, so the
SQLite session thread's ledger work does not wait on the event loop's turn. The model's graph runs
without dask's scheduler (the same nodes with the same inputs, in an order worked out once), and
the domain sent with every action call is serialised once per model.

One patch changes what a turn answers, and only when an action fails: Rasa 3.6 logs a failed call
to the action server (refused, timed out, 5xx, a body that is not the expected JSON), drops the
action's events and predicts on, so the user got nothing and a form half-took the message.
Here the turn ends with `utter_service_unavailable` (the policy's hotline for urgent matters) and
the user's message is taken back, so the conversation is where it was before it (`_run_action`).

`install()` is idempotent and runs when the Rasa server creates its tracker store
(`bot.tracker_store.CachingSQLTrackerStore`, named in endpoints.yml): importing any project module
changes nothing in Rasa. `HEATING_RASA_PATCHES=none` runs stock Rasa (or a comma list of patch
names, `MessageProcessor._run_action`, …), and Rasa releases other than `SUPPORTED_RASA` are
refused.
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import json
import logging
import os
import sys
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

import fastjsonschema
import rasa
from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import (
    Action,
    ActionExecutionRejection,
    RemoteAction,
    create_bot_utterance,
)
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL, UTTER_PREFIX
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import folded_history, tracker_window
from bot.policy import load_policy

logger = logging.getLogger(__name__)

_RASA_PREDICT = MessageProcessor._predict_next_with_tracker
_RASA_CALL_FORMAT = RemoteAction._action_call_format
_RASA_UPDATE_SESSION = MessageProcessor._update_tracker_session
_RASA_GET_POSSIBLE_KEYS = RulePolicy._get_possible_keys
_RASA_GRAPH_RUN = DaskGraphRunner.run
_RASA_REQUEST = EndpointConfig.request
_RASA_RUN_ACTION = MessageProcessor._run_action
_RASA_REMOTE_RUN = RemoteAction.run


@lru_cache(maxsize=1)
def _action_response_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@lru_cache(maxsize=1)
def _fast_action_response_check() -> Callable[[Any], Any]:
    """Rasa's response schema compiled to Python code (fastjsonschema), built once."""
    return fastjsonschema.compile(RemoteAction.action_response_format_spec())


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's check of an action server response, compiled once.

    A valid response passes the compiled check (its `oneOf` over ~20 event types made
    jsonschema's interpreter a tenth of the server's time under load); anything the compiled
    check refuses is checked again by jsonschema, so an invalid response raises exactly Rasa's
    `ValidationError` with Rasa's message.
    """
    try:
        _fast_action_response_check()(result)
        return True
    except fastjsonschema.JsonSchemaException:
        pass
    try:
        _action_response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def _get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[Any]) -> set[str]:
    """Rasa's rule matching, looked at only as far back as the longest rule, and remembered.

    Rasa checks every rule against every state of the conversation, newest first; a rule is
    applicable at any turn further back than its own length, so only the last `longest` states
    (3 here, against ~20 in the policies' view) decide the answer. The answer is a function of
    those states alone, and the same few recur in every conversation, so it is kept per lookup
    table and states (bounded). Tests compare both with Rasa's answers.
    """
    longest = _longest_rule(self, lookup)
    recent = states[-longest:] if longest else []
    if id(lookup) not in _RULE_MATCHES and len(_RULE_MATCHES) >= _TABLE_LIMIT:
        _RULE_MATCHES.clear()  # tables of models replaced at run time
    cache = _RULE_MATCHES.setdefault(id(lookup), {})
    key = _frozen(recent)
    found = cache.get(key)
    if found is None or found[0] is not lookup or found[1] != len(lookup):
        possible = set(lookup)
        for turn, state in enumerate(reversed(recent)):
            if not possible:
                break
            possible = {rule for rule in possible if self._is_rule_applicable(rule, turn, state)}
        if len(cache) >= _RULE_MATCH_LIMIT:
            cache.clear()
        found = (lookup, len(lookup), frozenset(possible))
        cache[key] = found
    return set(found[2])


#: (id of a lookup table) → (frozen recent states) → (the table and its size when matched, the
#: rules that matched); training pops rules from a table, which its size tells
_RULE_MATCHES: dict[int, dict[Any, tuple[dict[str, str], int, frozenset[str]]]] = {}
_RULE_MATCH_LIMIT = 4096
_TABLE_LIMIT = 16  # a model has 3 tables RulePolicy matches against
#: (id of a lookup table) → (the table, its size, how many turns its longest rule spans)
_LONGEST: dict[int, tuple[dict[str, str], int, int]] = {}


def _longest_rule(policy: RulePolicy, lookup: dict[str, str]) -> int:
    """How many turns the longest rule of `lookup` spans (remembered per table)."""
    known = _LONGEST.get(id(lookup))
    if known is None or known[0] is not lookup or known[1] != len(lookup):
        length = max((len(policy._rule_key_to_state(key)) for key in lookup), default=0)
        if len(_LONGEST) >= _TABLE_LIMIT:
            _LONGEST.clear()
        known = (lookup, len(lookup), length)
        _LONGEST[id(lookup)] = known
    return known[2]


def _frozen(value: Any) -> Any:
    """A hashable copy of a state (dicts, lists and tuples of plain values), kinds kept apart."""
    if isinstance(value, dict):
        return ("d", tuple(sorted((k, _frozen(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("l" if isinstance(value, list) else "t", tuple(_frozen(v) for v in value))
    return value


def _predict_next_with_tracker(
    self: MessageProcessor, tracker: DialogueStateTracker
) -> PolicyPrediction:
    """Rasa's next-action prediction, on the last turns of the conversation only."""
    if tracker.followup_action:
        return _RASA_PREDICT(self, tracker)
    return _RASA_PREDICT(self, tracker_window.policy_view(tracker))


def _action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> dict[str, Any]:
    """Rasa's action server request, with the events of the last turns only; its domain part
    is serialised once per domain (`_ActionCall`)."""
    body = _ActionCall(_RASA_CALL_FORMAT(self, tracker_window.ActionServerView(tracker), domain))
    if "domain" in body:
        body["domain"] = _serialised_domain(domain)[0]
    return body


class _ActionCall(dict[str, Any]):
    """An action server request body that `_request` sends as JSON text built from a cached
    serialisation of its domain: the domain (28 kB of JSON here) went through `json.dumps` on
    every action call, 6 % of the Rasa server's main thread under the WeChat load. The text
    parses to the same object as `json.dumps` of the dict (the domain comes last). It assumes
    what Rasa 3.6 does: a loaded Domain's `as_dict()` never changes (a new model is a new Domain
    object) and nothing edits a request body's domain in place."""

    def encoded(self) -> bytes:
        """The body as JSON, the domain's text reused while it is the cached domain dict."""
        domain = self.get("domain")
        cached = _domain_cache[0] if _domain_cache else None
        if domain is None or cached is None or domain is not cached[1] or len(self) < 2:
            return json.dumps(self).encode()
        rest = json.dumps({key: value for key, value in self.items() if key != "domain"})
        return f'{rest[:-1]}, "domain": {cached[2]}}}'.encode()


#: The last domain sent: (the Domain, its `as_dict()`, that dict as JSON text).
_domain_cache: list[tuple[Domain, dict[str, Any], str]] = []


def _serialised_domain(domain: Domain) -> tuple[dict[str, Any], str]:
    """`domain.as_dict()` and its JSON text, computed once per Domain object (a new model
    brings a new one)."""
    if not _domain_cache or _domain_cache[0][0] is not domain:
        as_dict = domain.as_dict()
        _domain_cache[:] = [(domain, as_dict, json.dumps(as_dict))]
    return _domain_cache[0][1], _domain_cache[0][2]


async def _request(
    self: EndpointConfig,
    method: str = "post",
    subpath: str | None = None,
    content_type: str | None = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Any:
    """Rasa's `EndpointConfig.request`; an `_ActionCall` body goes out as its `encoded()` text
    under the same JSON content type."""
    body = kwargs.get("json")
    if isinstance(body, _ActionCall) and content_type:
        del kwargs["json"]
        kwargs["data"] = body.encoded()
    return await _RASA_REQUEST(self, method, subpath, content_type, compress, **kwargs)


def _copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """Rasa's `copy()` without replaying the events: the same state, copied.

    Rasa's version is `init_copy()` plus `update()` for every event, and a tracker's state is by
    contract exactly what replaying its events gives, so copying that state is equivalent. What
    `update()` mutates is copied (events, slots, active loop, latest action); the event objects
    are shared, as the replay shares them. Like `init_copy()`, the copy has no model id.
    """
    duplicate = copy.copy(self)
    duplicate.events = self._create_events(list(self.events))
    duplicate.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
    duplicate.active_loop = dataclasses.replace(self.active_loop) if self.active_loop else None
    duplicate.latest_action = dict(self.latest_action) if self.latest_action else {}
    duplicate.model_id = None
    duplicate.assistant_id = None
    return duplicate


_heap_frozen = False


def _freeze_heap_once() -> None:
    """Move everything alive after start-up (Rasa, the model, the libraries) out of the GC's view.

    Python's full collections walk every tracked object; the server holds millions after loading
    Rasa, scikit-learn and TensorFlow's modules, so each full collection stalled every
    conversation in flight. Frozen objects are never collected (they live as long as the server
    anyway); what turns allocate is collected as before. Runs at the first message, when the
    model is loaded.
    """
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.collect()
        gc.freeze()


async def _update_tracker_session(
    self: MessageProcessor,
    tracker: DialogueStateTracker,
    output_channel: OutputChannel,
    metadata: dict | None = None,
) -> None:
    """Rasa's session check, answered from the last turns when the user wrote recently.

    Rasa starts a new session when the tracker has no applied events or the last applied user
    message is older than the session expiry, reading `applied_events()` of the whole tracker
    twice. When the user's last message in the last two turns is recent and no form is active,
    the session goes on; anything else is left to Rasa's own check.
    """
    _freeze_heap_once()
    recent = tracker_window.recent_turns(tracker)
    if (
        recent is not tracker
        # during a form Rasa measures from the message that started it (its turns fold back)
        and not tracker.active_loop_name
        and recent.get_last_event_for(UserUttered) is not None
        and not self._has_session_expired(recent)
    ):
        return
    await _RASA_UPDATE_SESSION(self, tracker, output_channel, metadata)


@dataclasses.dataclass(frozen=True)
class _Plan:
    """The nodes one graph run needs, each after the nodes it needs, with their inputs' names."""

    names: frozenset[str]
    steps: tuple[tuple[str, tuple[str, ...]], ...]


def _plan(schema: GraphSchema, targets: tuple[str, ...]) -> _Plan:
    minimal = schema.minimal_graph_schema(list(targets))
    steps: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in minimal.nodes:
            return
        seen.add(name)
        needs = tuple(minimal.nodes[name].needs.values())
        for need in needs:
            visit(need)
        steps.append((name, needs))

    for target in targets:
        visit(target)
    return _Plan(frozenset(minimal.nodes), tuple(steps))


def _run_graph(
    self: DaskGraphRunner,
    inputs: dict[str, Any] | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """`DaskGraphRunner.run` without dask: the same nodes called with the same inputs.

    Rasa runs the prediction graph through dask's local scheduler twice a message (NLU, then
    each policy prediction): per run it cut the minimal graph out of the schema again, built a
    dask graph and let dask order and track a dozen tasks, a third of what the run cost, on one
    thread anyway. The order of a run's nodes is worked out once per set of targets; an input
    replaces the node of its name (Rasa's placeholders), as in Rasa. A run without targets
    (training, fingerprinting) stays Rasa's: dask frees each output once its dependents ran,
    which matters for training data, not for one message.
    """
    if not targets:
        return _RASA_GRAPH_RUN(self, inputs, targets)
    run_targets = tuple(targets)
    plans: dict[tuple[str, ...], _Plan] = self.__dict__.setdefault("_heating_plans", {})
    plan = plans.get(run_targets)
    if plan is None:
        plan = plans[run_targets] = _plan(self._graph_schema, run_targets)
    results: dict[str, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and (value in plan.names or value in results):
            raise GraphRunError(
                f"Input value '{value}' clashes with a node name. Make sure that none of the "
                f"input names passed to the `run` method are the same as node names in the "
                f"graph schema."
            )
        results[name] = (name, value)
    try:
        for name, needs in plan.steps:
            if name not in results:
                node = self._instantiated_nodes[name]
                # a missing input reaches the node as its name, as from dask (the node
                # then raises Rasa's "Missing input" error)
                results[name] = node(*(results.get(need, need) for need in needs))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
    return dict(results[target] for target in run_targets)


#: What the bot says when an action fails (domain.yml; `{hotline}` is the policy's hotline).
APOLOGY = "utter_service_unavailable"
#: The `policy` the apology's `ActionExecuted` names, so a reader of the tracker sees why it ran.
FAILURE_POLICY = "action_failure"
#: Names of the action server calls that failed while the processor runs one action; `None`
#: outside `_run_action`.
_failed_calls: ContextVar[list[str] | None] = ContextVar("failed_calls", default=None)


async def _run_remote_action(
    self: RemoteAction,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> list[Event]:
    """Rasa's call to the action server; a failure is noted for `_run_action`, then raised as
    before. A rejection (a form that could not use the message) is an answer, not a failure.

    A form calls its validation action from inside its own run, so the failure is noted where
    the call is made rather than where the processor sees the form fail."""
    try:
        return await _RASA_REMOTE_RUN(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception:
        failed = _failed_calls.get()
        if failed is not None:
            failed.append(self.name())
        raise


async def _run_action(
    self: MessageProcessor,
    action: Action,
    tracker: DialogueStateTracker,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    prediction: PolicyPrediction,
) -> bool:
    """Rasa's `_run_action`; when a call to the action server failed, the turn ends politely.

    Rasa logs the failure, keeps the failed action with no events and predicts on: the user
    got no answer, and a form whose validation failed kept the message's slot values unchecked.
    Instead the user is told (`APOLOGY`), the message is taken back when nothing of this turn ran
    on the action server before (`_undoable`), and the bot listens: the next message finds the
    conversation, a form at its question included, as it was before the failed one.

    The entry Rasa logged for the failed action (it did nothing) is dropped first, before
    anything is saved: a form's entry would otherwise be folded into the form's first run when
    Rasa replays the conversation (`applied_events`), and taking the message back would then
    take the whole form back with it. The apology's entry names the action that failed.
    """
    failed: list[str] = []
    logged = len(tracker.events)
    token = _failed_calls.set(failed)
    try:
        go_on = await _RASA_RUN_ACTION(self, action, tracker, output_channel, nlg, prediction)
    finally:
        _failed_calls.reset(token)
    if not failed:
        return go_on
    while len(tracker.events) > logged:
        tracker.events.pop()
    apology = ActionExecuted(
        APOLOGY, policy=FAILURE_POLICY, confidence=1.0, metadata={"failed_action": action.name()}
    )
    events: list[Event] = [apology]
    message = await nlg.generate(
        APOLOGY, tracker, output_channel.name(), hotline=load_policy().company.hotline
    )
    if message:
        message["utter_action"] = APOLOGY
        events.append(create_bot_utterance(message))
    if _undoable(tracker, self.domain):
        events.append(UserUtteranceReverted())
    events.append(ActionExecuted(ACTION_LISTEN_NAME, policy=FAILURE_POLICY, confidence=1.0))
    tracker.update_with_events(events, self.domain)
    await self.execute_side_effects(events, tracker, output_channel)
    return False


def _undoable(tracker: DialogueStateTracker, domain: Domain) -> bool:
    """Whether the user's message of this turn can be taken back after an action failed.

    Only while nothing of the turn ran on the action server before: what an earlier action did
    there (a ticket opened, a hand-off queued) is real, and taking the message back would have it
    done again when the user sends it again. A turn without a user message (an action run through
    the HTTP API) or whose message is already taken back has nothing to undo.
    """
    # what runs on the action server: custom actions and forms (their validation), not the
    # responses the domain lists among its actions (Rasa's `action_for_name_or_text`)
    remote = {a for a in domain.user_actions_and_forms if not a.startswith(UTTER_PREFIX)}
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, (UserUtteranceReverted, Restarted, SessionStarted)):
            return False
        if isinstance(event, ActionExecuted) and (
            event.action_name == ACTION_LISTEN_NAME or event.action_name in remote
        ):
            return False
    return False


#: What `install()` replaces: (class, attribute, replacement).
PATCHES: tuple[tuple[type, str, Any], ...] = (
    (RemoteAction, "_validate_action_result", _validate_action_result),
    (RemoteAction, "_action_call_format", _action_call_format),
    (MessageProcessor, "_predict_next_with_tracker", _predict_next_with_tracker),
    (MessageProcessor, "_update_tracker_session", _update_tracker_session),
    (DialogueStateTracker, "copy", _copy_tracker),
    (RulePolicy, "_get_possible_keys", _get_possible_keys),
    (DaskGraphRunner, "run", _run_graph),
    (EndpointConfig, "request", _request),
    (RemoteAction, "run", _run_remote_action),
    (MessageProcessor, "_run_action", _run_action),
    *folded_history.PATCHES,
)


#: How long a thread waiting for the interpreter lets the running one go on (Python's default is
#: 5 ms). The SQLite session thread (`bot.store.db.in_session`) needs the interpreter back after
#: every statement and commit while the event loop thread runs a turn: under the WeChat load
#: each ledger transaction waited up to 5 ms several times, on every message's path. The setting
#: is process-wide (the Rasa server only: this module is loaded through its tracker store) and
#: applies on PostgreSQL too, where it was not measured.
SWITCH_INTERVAL_S = 0.001


#: The Rasa release every patch was written against and is compared with in the tests.
SUPPORTED_RASA = "3.6.21"
#: all (the default), none (stock Rasa behaviour and speed), or a comma list of `patch_name`s.
SWITCH_ENV = "HEATING_RASA_PATCHES"


def patch_name(owner: type, name: str) -> str:
    """A patch as the switch names it: `MessageProcessor._run_action`."""
    return f"{owner.__name__}.{name}"


def selected(setting: str | None) -> list[tuple[type, str, Any]]:
    """The patches `setting` names (`SWITCH_ENV`); an unknown name is an error that lists the
    known ones, so a typo never silently runs stock Rasa."""
    value = (setting or "all").strip()
    if value == "all":
        return list(PATCHES)
    if value == "none":
        return []
    wanted = {part.strip() for part in value.split(",") if part.strip()}
    known = {patch_name(owner, name) for owner, name, _ in PATCHES}
    if unknown := wanted - known:
        raise ValueError(
            f"{SWITCH_ENV}: unknown patch {', '.join(sorted(unknown))}; "
            f"use all, none or a comma list of: {', '.join(sorted(known))}"
        )
    return [patch for patch in PATCHES if patch_name(patch[0], patch[1]) in wanted]


def install(setting: str | None = None, version: str | None = None) -> list[str]:
    """Install the speed-ups `setting` selects (default: the `SWITCH_ENV` variable, else all)
    and return their names; installing again is harmless.

    Called by the Rasa server's tracker store when Rasa creates it (endpoints.yml), never on
    import. Refuses, with a message saying what to do, on a Rasa release other than the one the
    patches were written against: each replaces a Rasa internal that may have changed.
    """
    chosen = selected(os.environ.get(SWITCH_ENV) if setting is None else setting)
    if not chosen:
        logger.info("Rasa speed-ups off (%s=none): stock Rasa behaviour", SWITCH_ENV)
        return []
    running = version or rasa.__version__
    if running != SUPPORTED_RASA:
        raise RuntimeError(
            f"The project's Rasa speed-ups were written against Rasa {SUPPORTED_RASA}, and Rasa "
            f"{running} is installed. Set {SWITCH_ENV}=none to run stock Rasa, or re-run the "
            "comparison tests (tests/unit/test_rasa_speedups.py, test_folded_history.py, "
            "test_tracker_window.py) against this release before changing SUPPORTED_RASA."
        )
    for owner, name, replacement in chosen:
        setattr(owner, name, replacement)
    if len(chosen) == len(PATCHES):
        sys.setswitchinterval(SWITCH_INTERVAL_S)
    names = [patch_name(owner, name) for owner, name, _ in chosen]
    logger.info("Rasa speed-ups installed: %s", ", ".join(names))
    return names
