"""``python manage.py compare_versions A B``: version B against version A (by id or name).

Scores both on the same holdout people (``pilot.comparisons``), stores the comparison (the
staff page shows it) and prints the split, the metric deltas with paired intervals and the
Wilcoxon test, the overlap of the lists, the segments, the pilot difference when both served
arms in a study, and the one-sentence verdict as the last line.
"""

from django.core.management.base import BaseCommand, CommandError

from pilot import comparisons
from pilot.training import TrainingError


class Command(BaseCommand):
    help = (
        "Compare model version B with version A (ids or names) on the same holdout people: "
        "metric deltas with paired bootstrap intervals and Wilcoxon tests, overlap of the "
        "lists, segments and the pilot difference. The last line is the verdict."
    )

    def add_arguments(self, parser):
        parser.add_argument("a", help="the reference version (id or name)")
        parser.add_argument("b", help="the version compared with it (id or name)")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(percent, message):
            if verbosity >= 2:
                self.stderr.write(f"{percent:3d}% {message}")

        try:
            a = comparisons.find_version(options["a"])
            b = comparisons.find_version(options["b"])
            comparison = comparisons.compare_versions(a, b, progress=progress)
        except (comparisons.ComparisonError, TrainingError) as error:
            raise CommandError(str(error)) from None
        for line in comparisons.lines(comparison):
            self.stdout.write(line)
