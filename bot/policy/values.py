"""How a policy file writes one value, as pydantic types, and the base of its sections.

A company's editor writes the file by hand, so values are read as YAML typed them and nothing is
coerced: pydantic would read a quoted "8" or `true` as a number and round 2.5 to 2, where the
editor most likely made a typo. Values with a format of their own (month-days, phone numbers,
dates, https addresses) are types whose refusal says what was expected; a refusal is a `Refused`
error, which `bot.policy.validation` turns into the message the editor reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    ConstrainedFloat,
    ConstrainedInt,
    ConstrainedStr,
    Extra,
    Field,
    PydanticValueError,
    errors,
    validator,
)
from pydantic.fields import MAPPING_LIKE_SHAPES, SHAPE_LIST, ModelField

from bot.policy.model import MonthDay

MAX_HOURS = 720.0
"""30 days: any service deadline longer than this is certainly a typo."""

_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_PHONE = re.compile(r"^[0-9][0-9-]{2,19}$")
_HTTPS_URL = re.compile(r"^https://[^\s<>\"']+$")

S = TypeVar("S", bound="Section")


class Refused(PydanticValueError):
    """A value refused in the file's words; `key` names it below where the check ran ("" = there).

    Root validators check several keys at once, so they say which one is wrong.
    """

    code = "policy"
    msg_template = "{message}"

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message=message, key=key)


def show(value: Any) -> str:
    """A value as the message quotes it: YAML's null and collections by name, the rest by repr."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def fmt(value: float, whole: bool = False) -> str:
    """A number as the file would write it (`0.3`, `720`), whole numbers exactly."""
    return str(value) if whole else f"{value:g}"


def out_of_range(low: float, high: float, value: float, *, low_open: bool, whole: bool) -> str:
    """The message of a number outside its bounds (`low` excluded when `low_open`)."""
    bounds = f"{fmt(low, whole)} and {'at most ' if low_open else ''}{fmt(high, whole)}"
    return f"must be {'greater than' if low_open else 'between'} {bounds}, got {fmt(value, whole)}"


# ---- value types the file writes in its own way --------------------------------------------------


class Written:
    """A value with a format of its own; `expects` says it, in the refusal and in translation."""

    expects: ClassVar[str]

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], Any]]:
        yield cls.check

    @classmethod
    def check(cls, value: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def refuse(cls, value: Any) -> Refused:
        return Refused(f"must be {cls.expects}, got {show(value)}")


class MonthDayText(Written):
    """A month-day in quotes, `"11-15"`; validates to a `MonthDay`. 02-29 is refused because a
    day that does not exist every year cannot anchor a rule."""

    expects = 'a month-day in quotes like "11-15"'

    @classmethod
    def check(cls, value: Any) -> MonthDay:
        match = _MONTH_DAY.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            raise cls.refuse(value)
        month, day = int(match.group(1)), int(match.group(2))
        if (month, day) == (2, 29):
            raise Refused("must not be 02-29: that day does not exist every year")
        try:
            date(2001, month, day)
        except ValueError:
            raise Refused(f"is not a real day of the year: {value!r}") from None
        return MonthDay(month, day)


class PhoneText(Written):
    """A phone number as customers dial it, quoted: unquoted 096069 would lose its 0 in YAML."""

    expects = 'a phone number in quotes like "96069"'

    @classmethod
    def check(cls, value: Any) -> str:
        if not isinstance(value, str) or not _PHONE.match(value.strip()):
            raise cls.refuse(value)
        return value.strip()


class HttpsUrl(Written):
    """An https:// address (a payment page customers are sent to)."""

    expects = "an https:// address or null"

    @classmethod
    def check(cls, value: Any) -> str:
        if not isinstance(value, str) or not _HTTPS_URL.match(value.strip()):
            raise cls.refuse(value)
        return value.strip()


class YamlDate(Written):
    """A date: YAML's own (unquoted 2026-10-01) or an ISO text; a date-time is refused."""

    expects = "a date like 2026-10-01"

    @classmethod
    def check(cls, value: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise cls.refuse(value)


class Hours(ConstrainedFloat):
    """A service deadline in hours: more than 0, at most `MAX_HOURS`."""

    gt = 0
    le = MAX_HOURS


class Share(ConstrainedFloat):
    """A fraction, 0.30 = 30 %."""

    ge = 0
    le = 1


class StopDays(ConstrainedInt):
    """Days of notice before a planned stop."""

    ge = 0
    le = 60


class ChannelName(ConstrainedStr):
    """One payment channel, as the answer lists it."""

    strict = True
    min_length = 1
    max_length = 60


class DocumentName(ConstrainedStr):
    """One document a 过户 needs."""

    strict = True
    min_length = 1
    max_length = 30


def text_field(max_length: int, *, allow_empty: bool = False) -> Any:
    """A required text of at most `max_length` characters once stripped (empty only if allowed)."""
    return Field(..., min_length=0 if allow_empty else 1, max_length=max_length)


def number_field(low: float, high: float, *, low_open: bool = False) -> Any:
    """A required number from `low` (excluded when `low_open`) to `high`, both included else."""
    return Field(..., gt=low, le=high) if low_open else Field(..., ge=low, le=high)


class Section(BaseModel):
    """One mapping of the file. `builds` is the frozen dataclass of `bot.policy.model` it becomes,
    field for field (lists become tuples, mappings read-only)."""

    builds: ClassVar[Callable[..., Any]]

    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True

    @classmethod
    def validate(cls: type[S], value: Any) -> S:
        """Only a mapping is a section (pydantic would also read a list of pairs as one)."""
        if not isinstance(value, Mapping):
            raise errors.DictError()
        return super().validate(value)

    @validator("*", pre=True)
    def _container_as_written(cls, value: Any, field: ModelField) -> Any:
        """A list or mapping as YAML writes one: pydantic would read "" as an empty mapping."""
        if field.shape in MAPPING_LIKE_SHAPES and not isinstance(value, Mapping | None):
            raise errors.DictError()
        if field.shape == SHAPE_LIST and not isinstance(value, list | None):
            raise errors.ListError()
        return value

    @validator("*", pre=True, each_item=True)
    def _as_written(cls, value: Any, field: ModelField) -> Any:
        """Numbers and flags as YAML typed them: pydantic would read "8" and true as numbers."""
        kind = field.type_
        if value is None or not isinstance(kind, type):
            return value
        if issubclass(kind, bool):
            if not isinstance(value, bool):
                raise errors.StrictBoolError()
        elif issubclass(kind, int):
            if isinstance(value, bool) or not isinstance(value, int):
                raise errors.IntegerError()
        elif issubclass(kind, float) and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise errors.FloatError()
        return value

    def build(self) -> Any:
        """The policy's dataclass of this section."""
        return self.builds(**{name: frozen(getattr(self, name)) for name in self.__fields__})


def frozen(value: Any) -> Any:
    """A validated value as the policy keeps it: sections built, lists as tuples, mappings
    read-only, so that nothing can change a policy after it is loaded."""
    if isinstance(value, Section):
        return value.build()
    if isinstance(value, list):
        return tuple(frozen(item) for item in value)
    if isinstance(value, dict):
        return MappingProxyType({key: frozen(item) for key, item in value.items()})
    return value
