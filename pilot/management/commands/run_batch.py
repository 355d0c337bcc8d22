"""``python manage.py run_batch STUDY [--week 2026-W49] [--generate-only] [--retry-failed]``."""

from django.core.management.base import BaseCommand, CommandError

from pilot.batches import BatchBusy, BatchClosed, generate, send
from pilot.management.commands._cycle import batch_for, study_or_error, week_or_current


class Command(BaseCommand):
    help = (
        "Generate a week's batch for every active participant and send it. Running it again "
        "fills only what is missing and sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("study")
        parser.add_argument("--week", help="ISO week, e.g. 2026-W49 (default: this week)")
        parser.add_argument("--generate-only", action="store_true", help="do not send")
        parser.add_argument("--retry-failed", action="store_true",
                            help="try again the messages that failed before")  # fmt: skip

    def handle(self, *args, study, week, generate_only, retry_failed, **options):
        study = study_or_error(study)
        batch = batch_for(study, week_or_current(study, week))
        try:
            for line in generate(batch).lines():
                self.stdout.write(line)
            if not generate_only:
                for line in send(batch, retry_failed=retry_failed).lines():
                    self.stdout.write(line)
        except (BatchBusy, BatchClosed) as exc:
            raise CommandError(str(exc)) from None
