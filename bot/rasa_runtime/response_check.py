"""Patch `response_check`: Rasa's check of an action server response, its schema compiled once.

Profiling the Rasa server under load (py-spy, docs/performance.md) showed a third of its main
thread in `jsonschema`: `RemoteAction._validate_action_result` calls `jsonschema.validate` on every
action server response, and `validate` checks the (constant) schema itself and builds a new
validator each time. Here the schema is compiled once (fastjsonschema); responses are validated
against the same schema, and an invalid one raises the same `ValidationError` with Rasa's
message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import fastjsonschema
from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from bot.rasa_runtime.patch import Patch


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


PATCH = Patch(
    "response_check", ((RemoteAction, "_validate_action_result", _validate_action_result),)
)
