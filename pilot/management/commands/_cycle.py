"""Shared helpers of the weekly-cycle commands: look up a study, a week, a batch."""

from django.core.management.base import CommandError
from django.utils import timezone

from pilot.batches import Week, current_week, get_batch
from pilot.models import Batch, Study


def study_or_error(key: str) -> Study:
    study = Study.objects.filter(key=key).first()
    if study is None:
        known = ", ".join(Study.objects.values_list("key", flat=True)[:10]) or "none yet"
        raise CommandError(f"There is no study {key!r} (studies: {known}).")
    return study


def week_or_current(study: Study, text: str | None) -> Week:
    if not text:
        return current_week(study, timezone.now())
    try:
        return Week.parse(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def existing_batch(study: Study, week: Week) -> Batch:
    batch = Batch.objects.filter(study=study, iso_year=week.year, iso_week=week.week).first()
    if batch is None:
        raise CommandError(f"{study.key} has no batch for {week} (run_batch makes one).")
    return batch


def batch_for(study: Study, week: Week) -> Batch:
    return get_batch(study, week)
