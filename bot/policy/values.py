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
from dataclasses import FrozenInstanceError, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

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
from pydantic.fields import MAPPING_LIKE_SHAPES, SHAPE_TUPLE_ELLIPSIS, ModelField

MAX_HOURS = 720.0
"""30 days: any service deadline longer than this is certainly a typo."""

_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_PHONE = re.compile(r"^[0-9][0-9-]{2,19}$")
_HTTPS_URL = re.compile(r"^https://[^\s<>\"']+$")

S = TypeVar("S", bound="Section")


@dataclass(frozen=True, order=True)
class MonthDay:
    """A day of the year without a year (`11-15`), because policies repeat every season.

    02-29 is refused by the loader: a date that does not exist every year cannot anchor a rule.
    """

    month: int
    day: int

    def in_year(self, year: int) -> date:
        """This month-day as a date of `year`."""
        return date(year, self.month, self.day)

    def zh(self) -> str:
        """Chinese display form, `11月15日`, as customers read dates."""
        return f"{self.month}月{self.day}日"

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


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


class _MonthDayText(Written):
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


class _PhoneText(Written):
    """A phone number as customers dial it, quoted: unquoted 096069 would lose its 0 in YAML."""

    expects = 'a phone number in quotes like "96069"'

    @classmethod
    def check(cls, value: Any) -> str:
        if not isinstance(value, str) or not _PHONE.match(value.strip()):
            raise cls.refuse(value)
        return value.strip()


class _HttpsUrl(Written):
    """An https:// address (a payment page customers are sent to)."""

    expects = "an https:// address or null"

    @classmethod
    def check(cls, value: Any) -> str:
        if not isinstance(value, str) or not _HTTPS_URL.match(value.strip()):
            raise cls.refuse(value)
        return value.strip()


class _YamlDate(Written):
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


if TYPE_CHECKING:
    # The code that reads a policy sees what each value validates to (pydantic's own StrictStr
    # does the same), so `policy.season.start.zh()` is type-checked.
    MonthDayText = MonthDay
    PhoneText = str
    HttpsUrl = str
    YamlDate = date
else:
    MonthDayText, PhoneText, HttpsUrl, YamlDate = _MonthDayText, _PhoneText, _HttpsUrl, _YamlDate


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


def list_field(expects: str, *, at_most: int | None = None) -> Any:
    """A required list of at least one item (and at most `at_most`), kept as a tuple; `expects`
    says it. pydantic counts no items of a tuple, so `Section` does (`items`)."""
    return Field(..., expects=expects, items=(1, at_most))


class Section(BaseModel):
    """One mapping of the file, and the frozen object the code reads for it.

    Nothing may change a policy after it is loaded (one cached instance serves every caller):
    assigning or deleting an attribute raises `dataclasses.FrozenInstanceError`, as for the
    policy's other frozen values (`MonthDay`, `DueTimes`), list keys are tuples and mapping keys
    read-only; a section of hashable values is hashable (`frozen`).
    """

    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True
        frozen = True

    @classmethod
    def validate(cls: type[S], value: Any) -> S:
        """Only a mapping is a section (pydantic would also read a list of pairs as one)."""
        if not isinstance(value, Mapping):
            raise errors.DictError()
        return super().validate(value)

    @validator("*", pre=True)
    def _container_as_written(cls, value: Any, field: ModelField) -> Any:
        """A list or mapping as YAML writes one: pydantic would read "" as an empty mapping.

        A list key is a tuple (`tuple[X, ...]`), so the policy cannot change; it is written as a
        YAML list.
        """
        if field.shape in MAPPING_LIKE_SHAPES and not isinstance(value, Mapping | None):
            raise errors.DictError()
        if field.shape == SHAPE_TUPLE_ELLIPSIS and value is not None:
            if not isinstance(value, list):
                raise errors.ListError()
            fewest, most = field.field_info.extra.get("items", (0, None))
            if len(value) < fewest:
                raise errors.ListMinLengthError(limit_value=fewest)
            if most is not None and len(value) > most:
                raise errors.ListMaxLengthError(limit_value=most)
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

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
