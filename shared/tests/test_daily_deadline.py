"""A daily deadline falls at its local time of day, once per local date."""

from __future__ import annotations

from datetime import UTC, datetime, time

from callcenter_shared.deadlines import Daily

REMINDER = Daily("praise.daily_reminder", time(16, 0), "Asia/Shanghai")


def test_before_the_hour_it_is_due_today_and_after_it_tomorrow() -> None:
    morning = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    evening = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai
    assert REMINDER.next_due(morning)[1] == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert REMINDER.next_due(evening)[1] == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    assert REMINDER.next_due(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))[1] == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


def test_each_local_day_has_one_id_whoever_computes_it() -> None:
    same_day = {REMINDER.next_due(datetime(2026, 11, 2, hour, 0, tzinfo=UTC))[0] for hour in range(0, 8)}
    assert len(same_day) == 1
    assert REMINDER.next_due(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))[0] not in same_day


def test_the_local_hour_holds_across_a_daylight_saving_change() -> None:
    berlin = Daily("report", time(9, 0), "Europe/Berlin")
    before = berlin.next_due(datetime(2026, 10, 23, 12, 0, tzinfo=UTC))[1]  # summer time: 07:00 UTC
    after = berlin.next_due(datetime(2026, 10, 25, 12, 0, tzinfo=UTC))[1]  # winter time: 08:00 UTC
    assert (before.hour, after.hour) == (7, 8)
