"""Validating a policy's data with its models, and pydantic's first complaint in the file's words.

The editor of a policy file reads one message naming the dotted key, e.g. `refund.tiers[1].rate
must be between 0 and 1, got 1.5`. pydantic's own wording names one bound and not the value, and
knows no "did you mean": the translation reads the bounds from the field, the value from the input
and the known keys from the section's model.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError, parse_obj_as
from pydantic.fields import MAPPING_LIKE_SHAPES, ModelField
from pydantic.utils import ROOT_KEY

from bot.policy.model import PolicyFile
from bot.policy.values import Written, out_of_range, show


class Problem(ValueError):
    """What is wrong with a policy's data, as `<dotted key> <what>`; the loader adds the file."""


def validate(data: Any) -> PolicyFile:
    """Validate a whole file's data, raising `Problem` with the first thing wrong in it."""
    data = _text_keys(data)
    try:
        return parse_obj_as(PolicyFile, data)
    except ValidationError as error:
        raise Problem(_first_problem(error, data)) from None


def _text_keys(value: Any) -> Any:
    """The data with every key as text, as the messages name them (YAML may write `2026:`)."""
    if isinstance(value, Mapping):
        return {str(key): _text_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_text_keys(item) for item in value]
    return value


def _first_problem(error: ValidationError, data: Any) -> str:
    """pydantic's first error as `<dotted key> <what is wrong>`; `data` is what it validated."""
    first = error.errors()[0]
    loc = tuple(part for part in first["loc"] if part != ROOT_KEY)
    kind, ctx = first["type"], first.get("ctx", {})
    if kind == "value_error.policy":
        return f"{_where(loc, ctx['key'])} {ctx['message']}"
    if kind == "value_error.missing":
        return f"{_where(loc)} is missing"
    if kind == "value_error.extra":
        known = sorted(field.alias for field in _section_at(loc[:-1]).__fields__.values())
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        return f"{_where(loc)} is not a known key" + (
            f" (did you mean {close[0]!r}?)" if close else ""
        )
    field = _field_at(loc)
    value = _value_at(data, loc)
    item = bool(loc) and isinstance(loc[-1], int)
    return f"{_where(loc)} {_wrong(kind, ctx, field, value, item)}"


def _wrong(kind: str, ctx: dict[str, Any], field: ModelField | None, value: Any, item: bool) -> str:
    """What is wrong with `value` (an `item` of a list when so), by pydantic's error `kind`."""
    if field is not None and kind.startswith("value_error.number."):
        bounds = field.type_
        low_open = bounds.gt is not None
        low = bounds.gt if low_open else bounds.ge
        whole = issubclass(bounds, int)
        return out_of_range(low, bounds.le, value, low_open=low_open, whole=whole)
    if kind == "value_error.any_str.max_length":
        return f"must be at most {ctx['limit_value']} characters, got {len(value.strip())}"
    if kind == "value_error.any_str.min_length" and not item:
        return "must not be empty"
    return f"must be {_expects(field, item)}, got {show(value)}"


def _expects(field: ModelField | None, item: bool) -> str:
    """What a key must hold, as "must be …" says it: declared on the field, or by its type."""
    if field is None or field.shape in MAPPING_LIKE_SHAPES:
        return "a mapping of keys"
    declared = field.field_info.extra.get("expects")
    if declared:
        return str(declared)
    kind = field.type_
    if get_origin(kind) is Literal:
        return " or ".join(get_args(kind))
    if issubclass(kind, Written):
        return kind.expects
    if issubclass(kind, bool):
        return "true or false"
    if issubclass(kind, int):
        return "a whole number"
    if issubclass(kind, float):
        return "a number"
    if issubclass(kind, str):
        return "non-empty text" if item else "text"
    return "a mapping of keys"


def _field_at(loc: tuple[str | int, ...]) -> ModelField | None:
    """The field a location names (a list's or mapping's item field for its items)."""
    field = None
    for part in loc:
        if field is not None and field.sub_fields:  # a list's or mapping's item
            field = field.sub_fields[0]
        else:
            section = PolicyFile if field is None else field.type_
            field = {f.alias: f for f in section.__fields__.values()}[str(part)]
    return field


def _section_at(loc: tuple[str | int, ...]) -> type[BaseModel]:
    field = _field_at(loc)
    return PolicyFile if field is None else field.type_


def _value_at(data: Any, loc: tuple[str | int, ...]) -> Any:
    for part in loc:
        data = data[part]
    return data


def _where(loc: tuple[str | int, ...], key: str = "") -> str:
    """`refund.tiers[1].rate`: keys dotted, list items indexed; the whole file has no key."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    if key:
        path = f"{path}.{key}" if path else key
    return path or "the file"
