"""``python manage.py import_extract KIND PATH [--dry-run] [--max-reject-share S]``."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from pilot.ingest import KINDS, import_extract, report_lines
from pilot.ingest.summary import refresh as refresh_summary
from pilot.models import Extract


def share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 1") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return value


class Command(BaseCommand):
    help = (
        "Import one extract file (CSV, optionally .csv.gz) of the given kind and print its "
        "report. Exit status 1 when the file was refused (nothing imported)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and count everything, then roll back: the database is unchanged",
        )
        parser.add_argument(
            "--max-reject-share",
            type=share,
            default=None,
            metavar="S",
            help="share of rejected rows (0-1) above which nothing is imported "
            "(default: IMPORT_MAX_REJECT_SHARE, 0.05)",
        )

    def handle(self, *args, kind, path, dry_run, max_reject_share, **options):
        extract = import_extract(kind, path, dry_run=dry_run, max_reject_share=max_reject_share)
        if extract.status == Extract.Status.IMPORTED and extract.pk and not dry_run:
            refresh_summary()  # the Data page's aggregates, so the page need not count
        for line in report_lines(extract):
            self.stdout.write(line)
        if extract.status != Extract.Status.IMPORTED:
            raise CommandError(extract.error or f"{extract.name}: {extract.status}")
