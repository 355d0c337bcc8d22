"""``python manage.py enroll STUDY (--all | --customers FILE.csv) [--dry-run]``."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilot.batches.studies import StudyError, enrol, people_for_customers
from pilot.management.commands._cycle import study_or_error
from pilot.models import Person


def read_customer_ids(path: str) -> list[str]:
    """Customer ids from a CSV with a ``customer_id`` column (or one column, no header)."""
    file = Path(path)
    if not file.exists():
        raise CommandError(f"{path}: no such file")
    with file.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise CommandError(f"{path}: the file is empty")
    header = [h.strip().lower() for h in rows[0]]
    if "customer_id" in header:
        col = header.index("customer_id")
        return [r[col] for r in rows[1:] if len(r) > col]
    if len(header) == 1:
        return [r[0] for r in rows if r]
    raise CommandError(f"{path}: line 1: no customer_id column (columns: {', '.join(header)})")


class Command(BaseCommand):
    help = (
        "Enrol people in a study: create their pilot logins and participants. Arms come from "
        "the stable hash, so enrolling again changes nothing and never moves anyone."
    )

    def add_arguments(self, parser):
        parser.add_argument("study")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="everyone in the CRM")
        which.add_argument("--customers", metavar="FILE.csv", help="a customer_id column")
        parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")

    def handle(self, *args, study, customers, dry_run, **options):
        study = study_or_error(study)
        unknown = []
        if customers:
            people, unknown = people_for_customers(read_customer_ids(customers))
        else:
            people = Person.objects.order_by("customer_id")
        try:
            report = enrol(study, people, dry_run=dry_run, unknown_customers=unknown)
        except StudyError as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)
