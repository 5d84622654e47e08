"""The base of the pipeline's rule components, which have nothing to configure, train or load."""

from __future__ import annotations

from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

S = TypeVar("S", bound="StatelessComponent")


class StatelessComponent(GraphComponent):
    """A graph component Rasa builds with `create` and no arguments: rules over each message."""

    @classmethod
    def create(
        cls: type[S],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> S:
        """Nothing to configure or load."""
        return cls()
