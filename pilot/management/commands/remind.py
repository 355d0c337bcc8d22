"""``python manage.py remind STUDY --week 2026-W49``."""

from django.core.management.base import BaseCommand, CommandError

from pilot.batches import BatchBusy, BatchClosed, remind
from pilot.management.commands._cycle import existing_batch, study_or_error, week_or_current


class Command(BaseCommand):
    help = "Remind, once, the participants who have not rated every recipe of a week."

    def add_arguments(self, parser):
        parser.add_argument("study")
        parser.add_argument("--week", help="ISO week, e.g. 2026-W49 (default: this week)")

    def handle(self, *args, study, week, **options):
        study = study_or_error(study)
        batch = existing_batch(study, week_or_current(study, week))
        try:
            for line in remind(batch).lines():
                self.stdout.write(line)
        except (BatchBusy, BatchClosed, ValueError) as exc:
            raise CommandError(str(exc)) from None
