"""The demo study's weeks: four past weeks closed and the current week sent.

Each week goes through the real cycle (``pilot.batches``: generate with the arms' trained
models, send through the outbox, close), so the pages show what a real pilot would. The
e-mails are handed to Django's in-memory backend, not printed or delivered: the outbox
records them as sent, and ``manage.py demo`` prints a sign-in link for each demo pilot user
instead. The batch and outbox times are then set to the week's own schedule (sent Monday
08:00 London, reminded Thursday, closed Sunday), as if the pilot had run for five weeks,
and the past weeks get their simulated answers (``pilot.demo.answers``); the current week
is left for the demo pilot users to rate.
"""

from __future__ import annotations

from django.test.utils import override_settings
from django.utils import timezone

from pilot.batches import Week, close, current_week, generate, get_batch, send, week_schedule
from pilot.demo.answers import simulate_answers
from pilot.models import Batch, Message

PAST_WEEKS = 4


def demo_weeks(study) -> list[Week]:
    """The four weeks before the current one, and the current one (on the study's clock)."""
    week = current_week(study, timezone.now())
    weeks = [week]
    for _ in range(PAST_WEEKS):
        weeks.insert(0, weeks[0].previous())
    return weeks


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def run_demo_weeks(study, seed: int = 0) -> list[Batch]:
    """Generate and send every demo week; answer and close the past ones (answers simulated
    by :func:`pilot.demo.answers.simulate_answers`). Returns the batches."""
    batches = []
    weeks = demo_weeks(study)
    for week in weeks:
        batch = get_batch(study, week)
        generate(batch)
        send(batch)
        when = week_schedule(study, week)
        if week != weeks[-1]:
            close(batch)
            Batch.objects.filter(pk=batch.pk).update(
                closed_at=when.closes_at, reminded_at=when.remind_at
            )
        Batch.objects.filter(pk=batch.pk).update(
            scheduled_for=when.send_at, generated_at=when.send_at, sent_at=when.send_at
        )
        Message.objects.filter(batch=batch).update(sent_at=when.send_at, claimed_at=when.send_at)
        batch.refresh_from_db()
        if week != weeks[-1]:
            simulate_answers(batch, seed)
        batches.append(batch)
    return batches
