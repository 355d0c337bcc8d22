"""``python manage.py close_batch STUDY --week 2026-W49``."""

from django.core.management.base import BaseCommand

from pilot.batches import close
from pilot.management.commands._cycle import existing_batch, study_or_error, week_or_current


class Command(BaseCommand):
    help = "Close a week: its answers are frozen and further answers are refused."

    def add_arguments(self, parser):
        parser.add_argument("study")
        parser.add_argument("--week", help="ISO week, e.g. 2026-W49 (default: this week)")

    def handle(self, *args, study, week, **options):
        study = study_or_error(study)
        batch = existing_batch(study, week_or_current(study, week))
        self.stdout.write(f"{batch}: closed" if close(batch) else f"{batch}: was already closed")
