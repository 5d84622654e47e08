"""Patch `graph_runner`: the model's graph runs without dask's scheduler.

The same nodes with the same inputs, in an order worked out once per set of targets
(docs/performance.md).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

from bot.rasa_runtime.patch import Patch

#: Rasa's own implementation, the reference (tests compare against it).
RASA_GRAPH_RUN = DaskGraphRunner.run


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
        return RASA_GRAPH_RUN(self, inputs, targets)
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


PATCH = Patch("graph_runner", ((DaskGraphRunner, "run", _run_graph),))
