"""``python manage.py export STUDY KIND --out FILE.csv [--with-pii]``."""

import sys

from django.core.management.base import BaseCommand

from pilot.exports import KINDS, write_csv
from pilot.management.commands._cycle import study_or_error


class Command(BaseCommand):
    help = (
        "Export a study's recommendations, ratings, questionnaire answers or participants as "
        "CSV. Participants are pseudonyms; --with-pii adds customer_id and email."
    )

    def add_arguments(self, parser):
        parser.add_argument("study")
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--out", default="-", help="file to write (default: standard output)")
        parser.add_argument("--with-pii", action="store_true")

    def handle(self, *args, study, kind, out, with_pii, **options):
        study = study_or_error(study)
        if out == "-":
            n = write_csv(sys.stdout, study, kind, with_pii=with_pii)
            return
        with open(out, "w", encoding="utf-8", newline="") as f:
            n = write_csv(f, study, kind, with_pii=with_pii)
        self.stdout.write(f"{out}: {n} row(s) of {study.key} {kind}")
