"""Close a batch, and the tick that runs whatever step of each study is due.

:func:`tick` is called every minute (RQ's cron, ``pilot/cron.py``, or ``manage.py tick
--loop``). For every active study it reads the weekday, time and time zone from the
database and, for the current ISO week on the study's own calendar:

- from the send time on (and until the window closes): generate the batch, then send it;
- from the reminder time on: remind, once;
- from the close time on: close it (and any older batch still open).

Each step is idempotent and leased (:mod:`pilot.batches.leases`), so a missed tick is made
up by the next one, two ticks at once do nothing twice, and a step that died half-way is
completed by a later tick. A week whose send time passed while nothing ran at all is still
sent as long as its window is open; a week whose window has passed is never sent late.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.utils import timezone

from pilot.batches.generate import generate, get_batch, needs_generate
from pilot.batches.leases import BatchBusy
from pilot.batches.mail import needs_send, remind, send
from pilot.batches.schedule import current_week, in_study_dates, week_schedule
from pilot.models import Batch, Study

logger = logging.getLogger(__name__)


def close(batch: Batch) -> bool:
    """Close the batch: answers are refused from now on. Returns False if already closed."""
    changed = (
        Batch.objects.filter(pk=batch.pk)
        .exclude(status=Batch.Status.CLOSED)
        .update(status=Batch.Status.CLOSED, closed_at=timezone.now())
    )
    batch.refresh_from_db()
    return bool(changed)


@dataclass
class TickReport:
    now: object
    steps: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return self.steps or [f"{self.now:%Y-%m-%d %H:%M} UTC: nothing due"]


def _due_steps(study: Study, now, report: TickReport) -> None:
    for batch in study.batches.exclude(status=Batch.Status.CLOSED).filter(closes_at__lte=now):
        if close(batch):
            report.steps.append(f"{batch}: closed")
    week = current_week(study, now)
    for candidate in (week.previous(), week):
        if not in_study_dates(study, candidate):
            continue
        when = week_schedule(study, candidate)
        if not when.send_at <= now < when.closes_at:
            continue
        batch = get_batch(study, candidate)
        if batch.status == Batch.Status.CLOSED:
            continue
        if batch.status == Batch.Status.SCHEDULED or needs_generate(batch):
            report.steps.extend(generate(batch).lines())
        if batch.status == Batch.Status.GENERATED or needs_send(batch):
            report.steps.extend(send(batch).lines())
        if (
            batch.status == Batch.Status.SENT
            and batch.reminded_at is None
            and now >= when.remind_at
        ):
            report.steps.extend(remind(batch).lines())


def tick(now=None) -> TickReport:
    """Run every step that is due now in every active study; see the module docstring."""
    now = now or timezone.now()
    report = TickReport(now=now)
    for study in Study.objects.filter(active=True).order_by("pk"):
        try:
            _due_steps(study, now, report)
        except BatchBusy as busy:
            report.steps.append(f"{study.key}: {busy}")
        except Exception:  # one study's trouble must not stop the others
            logger.exception("tick: study %s failed", study.key)
            report.steps.append(f"{study.key}: failed (see the log)")
    return report
