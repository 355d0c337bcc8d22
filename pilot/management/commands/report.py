"""``python manage.py report STUDY --out report.html``: the client report as one HTML file."""

import time

from django.core.management.base import BaseCommand, CommandError

from pilot.management.commands._cycle import study_or_error
from pilot.report import ReportError, write_report


class Command(BaseCommand):
    help = (
        "Write a study's report for the client: one self-contained HTML file (plotly.js "
        "inside, no external address) that opens offline and prints on A4. See docs/report.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("study", help="the study's key")
        parser.add_argument("--out", required=True, help="the HTML file to write (replaced)")

    def handle(self, *args, study, out, **options):
        study = study_or_error(study)
        started = time.perf_counter()
        try:
            path = write_report(study, out)
        except ReportError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size / 1e6
        self.stdout.write(
            f"{path}: report of {study.key} ({size:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )
