"""What a request may carry: days, moments and months inside fixed bounds, and strict bodies.

Every request body derives from `RequestModel` (JSON types taken as they are, unknown fields
refused) and every date, date-time and month in a body, query or path uses `Day`, `Moment`
or `Month`. The bounds are constants, not settings: the types are built when the schemas are
imported (before any `Settings` exists), they are part of the published OpenAPI contract,
which must not change from one deployment to another, and they are chosen far enough from
the calendar's ends (years 1 and 9999) that no arithmetic on a bounded value can overflow.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Strict, StringConstraints

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2200, 12, 31)
BOUNDS = f"from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date, a time to the minute and what follows it (seconds, fraction, offset); pydantic parses the rest.
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}.*")
_ISO_TIME = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


class RequestModel(BaseModel):
    """Base of every request body: no type coercion (a boolean is not a number, a number is
    not a date or a boolean, a string is not a number) and unknown fields refused."""

    # FastAPI validates the parsed JSON in pydantic's Python mode, where strict mode also
    # refuses the strings JSON uses for UUIDs, dates and decimals: those fields use the
    # types below, which accept exactly their string form.
    model_config = ConfigDict(strict=True, extra="forbid")


def _iso_day(value: Any) -> Any:
    # A Unix time ("0", 0) or a date-time is not a day, though pydantic's lax mode takes them.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


def _day_in_bounds(value: date) -> date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(f"the date must be {BOUNDS}")
    return value


def _iso_moment(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        return value
    raise ValueError("expected an ISO 8601 date-time with its UTC offset, e.g. 2026-11-23T08:00:00+08:00")


def _moment_in_bounds(value: datetime) -> datetime:
    # The wall-clock date is checked, so converting to UTC afterwards cannot leave the calendar.
    if not DATE_MIN <= value.date() <= DATE_MAX:
        raise ValueError(f"the date-time must be {BOUNDS}")
    return value


def _iso_time(value: Any) -> Any:
    # Seconds since midnight (a number) are not a time of day, though pydantic's lax mode takes them.
    if isinstance(value, time):
        return value
    if isinstance(value, str) and _ISO_TIME.fullmatch(value):
        return value
    raise ValueError("expected a time of day as HH:MM or HH:MM:SS")


def _month_in_bounds(value: str) -> str:
    if not DATE_MIN.year <= int(value[:4]) <= DATE_MAX.year:
        raise ValueError(f"the month must be from {DATE_MIN:%Y-%m} to {DATE_MAX:%Y-%m}")
    return value


def _json_bool(value: Any) -> Any:
    # Query strings carry booleans as text: only JSON's spelling, not 0/1, yes/no or on/off.
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("expected true or false")


Day = Annotated[date, Strict(False), BeforeValidator(_iso_day), AfterValidator(_day_in_bounds)]
"""A calendar day, YYYY-MM-DD, between DATE_MIN and DATE_MAX."""

Moment = Annotated[AwareDatetime, Strict(False), BeforeValidator(_iso_moment), AfterValidator(_moment_in_bounds)]
"""An instant with its UTC offset, dated between DATE_MIN and DATE_MAX."""

TimeOfDay = Annotated[time, Strict(False), BeforeValidator(_iso_time)]
"""A wall-clock time, HH:MM[:SS], without a date or an offset."""

Month = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
    AfterValidator(_month_in_bounds),
]
"""A calendar month, YYYY-MM, between DATE_MIN's and DATE_MAX's."""

Id = Annotated[uuid.UUID, Strict(False)]
"""A UUID, given in JSON as its string."""

Amount = Annotated[Decimal, Strict(False)]
"""A decimal amount, given in JSON as a number or a numeric string (never a boolean)."""

Flag = Annotated[bool, BeforeValidator(_json_bool)]
"""A boolean query parameter: `true` or `false`."""
