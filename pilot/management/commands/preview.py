"""``python manage.py preview STUDY --person CUSTOMER_ID [--week 2026-W49]``."""

from django.core.management.base import BaseCommand, CommandError

from pilot.batches import preview
from pilot.management.commands._cycle import study_or_error, week_or_current
from pilot.models import Person


class Command(BaseCommand):
    help = "Show what one person would get now in a study, without storing or sending it."

    def add_arguments(self, parser):
        parser.add_argument("study")
        parser.add_argument("--person", required=True, metavar="CUSTOMER_ID")
        parser.add_argument("--week", help="ISO week whose own list is not excluded")

    def handle(self, *args, study, person, week, **options):
        study = study_or_error(study)
        found = Person.objects.filter(customer_id=person).first()
        if found is None:
            raise CommandError(f"There is no person with customer id {person!r}.")
        participant, slots = preview(study, found, week=week_or_current(study, week))
        enrolled = "enrolled" if participant.pk else "not enrolled; the arm the hash gives"
        diet = ", ".join(found.restrictions or []) or "no restrictions"
        self.stdout.write(f"{found.customer_id} in {study.key}: arm {participant.arm.name} "
                          f"({enrolled}); {diet}")  # fmt: skip
        if not slots:
            self.stdout.write("  (no recipe fits: the list would be empty)")
        for slot in slots:
            self.stdout.write(f"  {slot.rank:>2}. {slot.item}  {slot.score:.3f}  "
                              f"[{slot.reason_code}] {slot.reason}")  # fmt: skip
