"""The center's time zone: times are stored in UTC and shown in the center's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from callcenter_shared.errors import InvalidInput


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def utc(moment: datetime, field: str = "datetime") -> datetime:
    """A timezone-aware datetime in UTC; a naive one is refused (its zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(
            f"{field} needs a UTC offset (ISO 8601, e.g. 2026-11-05T08:00:00+08:00).",
            errors=[{"path": f"body.{field}", "message": "timezone offset missing", "type": "timezone_aware"}],
        )
    return moment.astimezone(UTC)


def local_date(moment: datetime, zone_name: str) -> date:
    return moment.astimezone(ZoneInfo(zone_name)).date()


def local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone_name))
