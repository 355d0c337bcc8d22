"""``python manage.py train_model --algorithm {als,bpr,item_knn,popularity} [...]``.

Trains a model version on the interactions in the database (``pilot.training``), prints
its data, holdout metrics and artifact, and the new version's id as the last line.
"""

from django.core.management.base import BaseCommand, CommandError

from pilot.training import (
    ALGORITHMS,
    DEFAULT_SEED,
    TrainingError,
    parameters,
    parse_param_args,
    summary_lines,
    train_version,
)


def columns(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class Command(BaseCommand):
    help = (
        "Train a model version on the interactions resolved to people: offline metrics on a "
        "temporal holdout, then the served artifact refit on all data. The last line printed "
        "is the new version's id."
    )

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", required=True, choices=list(ALGORITHMS))
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a model parameter, repeatable (e.g. --param factors=32 --param alpha=10); "
            + "; ".join(f"{key}: {', '.join(sorted(parameters(key)))}" for key in ALGORITHMS),
        )
        parser.add_argument("--user-features", type=columns, default=[], metavar="a,b")
        parser.add_argument("--item-features", type=columns, default=[], metavar="a,b")
        parser.add_argument(
            "--cutoff",
            default=None,
            metavar="DATE",
            help="holdout cutoff (2026-11-08 or an ISO date-time, UTC); default 14 days "
            "before the latest interaction",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--name", default=None)
        parser.add_argument("--note", default="")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(percent, message):
            if verbosity >= 2:
                self.stderr.write(f"{percent:3d}% {message}")

        try:
            version = train_version(
                options["algorithm"],
                params=parse_param_args(options["param"]),
                user_features=options["user_features"],
                item_features=options["item_features"],
                cutoff=options["cutoff"],
                name=options["name"],
                note=options["note"],
                seed=options["seed"],
                progress=progress,
            )
        except TrainingError as error:
            raise CommandError(str(error)) from None
        for line in summary_lines(version):
            self.stdout.write(line)
        self.stdout.write(str(version.pk))
