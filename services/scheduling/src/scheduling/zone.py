"""The center's time zone: times are stored in UTC and shown in the center's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local(moment: datetime, zone_name: str) -> datetime:
    """`moment` on the center's clock."""
    return moment.astimezone(ZoneInfo(zone_name))
