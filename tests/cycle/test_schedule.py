"""Week arithmetic and send times: time zones, both DST changes, ISO week 53, new year."""

from datetime import UTC, datetime, time
from types import SimpleNamespace

import pytest

from pilot.batches.schedule import Week, current_week, in_study_dates, week_schedule


def study(weekday=0, at=time(9, 0), tz="Europe/Amsterdam", **kw):
    return SimpleNamespace(
        weekday=weekday,
        send_time=at,
        timezone=tz,
        response_days=kw.get("response_days", 5),
        reminder_after_days=kw.get("reminder_after_days", 3),
        start_date=kw.get("start_date"),
        end_date=kw.get("end_date"),
    )


def test_it_parses_and_prints_iso_weeks():
    assert Week.parse("2026-W49") == Week(2026, 49)
    assert Week.parse("2026w05") == Week(2026, 5)
    assert str(Week(2026, 5)) == "2026-W05"
    for bad in ("2026-49", "W49", "2026-W54", "2027-W53", "abcd-W01"):
        with pytest.raises(ValueError):
            Week.parse(bad)


def test_it_knows_week_53_and_the_turn_of_the_year():
    w53 = Week(2026, 53)  # 2026 starts on a Thursday: it has 53 ISO weeks
    assert w53.day(0).isoformat() == "2026-12-28"
    assert w53.next() == Week(2027, 1)
    assert Week(2027, 1).previous() == w53
    assert Week(2027, 1).day(4).isoformat() == "2027-01-08"
    # 1 January 2027 (a Friday) belongs to 2026-W53
    assert Week.of(datetime(2027, 1, 1).date()) == w53


def test_it_sends_at_local_time_in_the_study_time_zone():
    s = study(weekday=2, at=time(9, 0), tz="America/New_York")
    when = week_schedule(s, Week(2026, 49))
    assert when.send_at == datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # EST = UTC-5
    assert (when.remind_at - when.send_at).days == 3
    assert (when.closes_at - when.send_at).days == 5


def test_it_moves_a_time_in_the_spring_gap_forward():
    # Amsterdam 2027-03-28: clocks go from 02:00 to 03:00; 02:30 does not exist
    s = study(weekday=6, at=time(2, 30))
    when = week_schedule(s, Week(2027, 12))
    assert when.send_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_it_takes_the_first_of_a_doubled_autumn_time():
    # Amsterdam 2026-10-25: 02:30 happens twice (CEST, then CET); the first is 00:30 UTC
    s = study(weekday=6, at=time(2, 30))
    when = week_schedule(s, Week(2026, 43))
    assert when.send_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_it_keeps_the_local_hour_across_the_change():
    s = study(weekday=0, at=time(9, 0))
    before = week_schedule(s, Week(2026, 43)).send_at  # Monday 19 Oct, CEST
    after = week_schedule(s, Week(2026, 44)).send_at  # Monday 26 Oct, CET
    assert (before.hour, after.hour) == (7, 8)


def test_it_reads_the_current_week_on_the_study_calendar():
    s = study(tz="Pacific/Auckland")
    # Sunday 3 Jan 2027 23:30 UTC is already Monday 4 Jan in Auckland: 2027-W01
    assert current_week(s, datetime(2027, 1, 3, 23, 30, tzinfo=UTC)) == Week(2027, 1)
    assert current_week(study(tz="UTC"), datetime(2027, 1, 3, 23, 30, tzinfo=UTC)) == Week(2026, 53)


def test_it_respects_start_and_end_dates():
    s = study(start_date=datetime(2026, 11, 30).date(), end_date=datetime(2026, 12, 31).date())
    assert not in_study_dates(s, Week(2026, 48))  # Monday 23 Nov
    assert in_study_dates(s, Week(2026, 49))
    assert in_study_dates(s, Week(2026, 53))  # Monday 28 Dec
    assert not in_study_dates(s, Week(2027, 1))
