"""``python manage.py import_extract KIND PATH [--dry-run]``: import one extract file."""

from django.core.management.base import BaseCommand, CommandError

from pilot.ingest import KINDS, import_extract, report_lines
from pilot.models import Extract


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

    def handle(self, *args, kind, path, dry_run, **options):
        extract = import_extract(kind, path, dry_run=dry_run)
        for line in report_lines(extract):
            self.stdout.write(line)
        if extract.status != Extract.Status.IMPORTED:
            raise CommandError(extract.error or f"{extract.name}: {extract.status}")
