"""The tick: each step when it is due, on the study's own clock; harmless twice or late."""

from datetime import UTC, date, datetime, time, timedelta

import time_machine

from pilot.batches import Week, tick
from pilot.models import Batch, Message, Study

# The study of conftest: Mondays 09:00 Europe/Amsterdam, reminder after 3 days, open 5.
MONDAY_0800 = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # 08:00 CET, before the send time
MONDAY_0900 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_it_does_nothing_before_the_send_time(study, smtp):
    report = tick(MONDAY_0800)
    assert not Batch.objects.exists() and smtp.messages == []
    assert "nothing due" in report.lines()[0]


def test_it_generates_and_sends_at_the_send_time_once(study, smtp):
    with time_machine.travel(MONDAY_0900, tick=False):
        tick()
        tick()  # two ticks at once, or a repeated one: nothing twice
    batch = Batch.objects.get()
    assert (batch.iso_year, batch.iso_week) == (2026, 50)
    assert batch.status == Batch.Status.SENT
    assert len(smtp.messages) == 40


def test_it_catches_up_a_missed_send_while_the_window_is_open(study, smtp):
    with time_machine.travel(datetime(2026, 12, 9, 12, 0, tzinfo=UTC), tick=False):
        tick()  # Wednesday: the scheduler was down on Monday
    assert Batch.objects.get().status == Batch.Status.SENT


def test_it_reminds_then_closes(study, smtp):
    with time_machine.travel(MONDAY_0900, tick=False):
        tick()
    with time_machine.travel(datetime(2026, 12, 10, 8, 1, tzinfo=UTC), tick=False):
        tick()  # Thursday 09:01: 3 days later
        tick()
    assert Message.objects.filter(kind="reminder").count() == 40
    assert len(smtp.messages) == 80
    with time_machine.travel(datetime(2026, 12, 12, 8, 0, tzinfo=UTC), tick=False):
        tick()  # Saturday 09:00: 5 days later, closed
    assert Batch.objects.get().status == Batch.Status.CLOSED
    assert len(smtp.messages) == 80


def test_it_never_sends_a_week_whose_window_passed(study, smtp):
    with time_machine.travel(datetime(2026, 12, 13, 12, 0, tzinfo=UTC), tick=False):
        tick()  # Sunday of W50: the window closed on Saturday; W51 not yet due
    assert smtp.messages == []


def test_it_reads_a_changed_schedule_without_a_restart(study, smtp):
    Study.objects.filter(pk=study.pk).update(
        weekday=2, send_time=time(18, 30), start_date=date(2026, 12, 7)
    )
    tick(MONDAY_0900)
    assert smtp.messages == []
    with time_machine.travel(datetime(2026, 12, 9, 17, 30, tzinfo=UTC), tick=False):
        tick()  # Wednesday 18:30 Amsterdam
    assert len(smtp.messages) == 40


def test_it_sends_across_the_turn_of_the_year_in_week_53(study, smtp):
    with time_machine.travel(datetime(2026, 12, 28, 8, 0, tzinfo=UTC), tick=False):
        tick()
    batch = Batch.objects.get()
    assert str(Week(batch.iso_year, batch.iso_week)) == "2026-W53"
    with time_machine.travel(datetime(2027, 1, 4, 8, 0, tzinfo=UTC), tick=False):
        tick()
    assert sorted(Batch.objects.values_list("iso_year", "iso_week")) == [(2026, 53), (2027, 1)]
    assert Batch.objects.get(iso_week=53).status == Batch.Status.CLOSED


def test_it_sends_once_on_both_daylight_saving_days(study, smtp):
    Study.objects.filter(pk=study.pk).update(weekday=6, send_time=time(2, 30))
    # autumn: Sunday 25 Oct 2026, 02:30 happens twice in Amsterdam; tick through both
    for minute in range(0, 180, 15):
        at = datetime(2026, 10, 25, 0, 0, tzinfo=UTC) + timedelta(minutes=minute)
        with time_machine.travel(at, tick=False):
            tick()
    assert len(smtp.messages) == 40
    autumn = Batch.objects.get()
    assert autumn.scheduled_for == autumn.sent_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # spring: Sunday 28 Mar 2027, 02:30 does not exist; sent at 03:30 CEST (01:30 UTC)
    smtp.messages.clear()
    for minute in range(0, 180, 15):
        at = datetime(2027, 3, 28, 0, 0, tzinfo=UTC) + timedelta(minutes=minute)
        with time_machine.travel(at, tick=False):
            tick()
    spring = Batch.objects.get(iso_year=2027)
    assert len(smtp.messages) == 40
    assert spring.scheduled_for == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
