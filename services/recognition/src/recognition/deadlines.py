"""The deadlines recognition fires from deadline rows, and who handles each: the service's table of contents for time.

The daily reminder to leaders who have praised nobody today (REC-6), at a time of day the settings choose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from callcenter_shared.deadlines import Daily, Handler
from recognition.praise.daily_praise import DAILY_REMINDER, daily_reminder, reminder_handler
from recognition.settings import Settings


def deadline_handlers(settings: Settings) -> Mapping[str, Handler]:
    return {DAILY_REMINDER: reminder_handler(settings)}


def daily_deadlines(settings: Settings) -> Sequence[Daily]:
    """The deadlines due every day at a local time; the worker keeps one row of each ahead."""
    return [daily_reminder(settings)]
