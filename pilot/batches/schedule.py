"""When each step of a study's week is due, from its weekday, time and time zone.

A study sends on ``weekday`` at ``send_time`` local time (``timezone``) of each ISO week,
reminds ``reminder_after_days`` later and closes ``response_days`` after sending. Local
times that do not exist (02:30 on the night clocks go forward) move forward by the gap
(03:30 summer time); local times that happen twice (02:30 on the night clocks go back)
take the first of the two. Everything returned is an aware UTC datetime.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

WEEK_FORMAT = "YYYY-Www"


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week: ``Week(2026, 53)``; ``str()`` gives ``"2026-W53"``."""

    year: int
    week: int

    def __post_init__(self):
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError:
            raise ValueError(f"{self.year}-W{self.week:02d} is not an ISO week") from None

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @classmethod
    def parse(cls, text: str) -> Week:
        """``"2026-W49"`` (or ``"2026W49"``, ``"2026-w49"``) -> ``Week(2026, 49)``."""
        cleaned = text.strip().upper().replace("-", "")
        if (
            len(cleaned) not in (6, 7)
            or cleaned[4] != "W"
            or not cleaned.replace("W", "").isdigit()
        ):
            raise ValueError(f"{text!r} is not an ISO week: write it as 2026-W49")
        return cls(int(cleaned[:4]), int(cleaned[5:]))

    @classmethod
    def of(cls, day: date) -> Week:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    def day(self, weekday: int) -> date:
        """The date of ``weekday`` (0 = Monday) in this week."""
        return date.fromisocalendar(self.year, self.week, weekday + 1)

    def previous(self) -> Week:
        return Week.of(self.day(0) - timedelta(days=7))

    def next(self) -> Week:
        return Week.of(self.day(0) + timedelta(days=7))


def local_to_utc(day: date, at, tz_name: str) -> datetime:
    """The UTC instant of local wall time ``day at`` in ``tz_name`` (gap: forward; fold: first)."""
    # fold=0 takes the offset in force before a change: for a time that happens twice that
    # is the first of the two; for a time in the gap it lands one gap later in wall time.
    local = datetime.combine(day, at).replace(tzinfo=zoneinfo.ZoneInfo(tz_name), fold=0)
    return local.astimezone(UTC)


@dataclass(frozen=True)
class WeekSchedule:
    week: Week
    send_at: datetime
    remind_at: datetime
    closes_at: datetime


def week_schedule(study, week: Week) -> WeekSchedule:
    send_at = local_to_utc(week.day(study.weekday), _as_time(study.send_time), study.timezone)
    return WeekSchedule(
        week=week,
        send_at=send_at,
        remind_at=send_at + timedelta(days=study.reminder_after_days),
        closes_at=send_at + timedelta(days=study.response_days),
    )


def _as_time(value):
    if isinstance(value, str):
        return datetime.strptime(value, "%H:%M").time()
    return value


def current_week(study, now: datetime) -> Week:
    """The ISO week that ``now`` falls in, on the study's local calendar."""
    local = now.astimezone(zoneinfo.ZoneInfo(study.timezone))
    return Week.of(local.date())


def in_study_dates(study, week: Week) -> bool:
    """False for weeks whose send day lies before ``start_date`` or after ``end_date``."""
    day = week.day(study.weekday)
    if study.start_date and day < study.start_date:
        return False
    return not (study.end_date and day > study.end_date)
