"""``python manage.py train_model --algorithm {als,bpr,item_knn,popularity} [...]``.

Trains a model version on the interactions in the database (``pilot.training``), prints
its data, holdout metrics and artifact, and the new version's id as the last line.

``--like VERSION --add-feature user:region`` (or ``--remove-feature item:tags``) trains a
variant of VERSION with exactly that one change: same algorithm, parameters, seed, holdout
cutoff and data (the interactions before VERSION's data cutoff), recorded as its parent.
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
    variant_spec,
)

#: Options a variant takes from its parent: giving one with --like is refused.
LIKE_CONFLICTS = ("algorithm", "param", "user_features", "item_features", "cutoff", "seed")


def columns(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class Command(BaseCommand):
    help = (
        "Train a model version on the interactions resolved to people: offline metrics on a "
        "temporal holdout, then the served artifact refit on all data. The last line printed "
        "is the new version's id."
    )

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", choices=list(ALGORITHMS))
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
        parser.add_argument("--seed", type=int, default=None, help=f"default {DEFAULT_SEED}")
        parser.add_argument("--name", default=None)
        parser.add_argument("--note", default="")
        parser.add_argument(
            "--like",
            metavar="VERSION",
            default=None,
            help="train a variant of this version (id or name) with exactly one feature "
            "added or removed: same algorithm, parameters, seed, cutoff and data",
        )
        parser.add_argument("--add-feature", metavar="SIDE:COLUMN", default=None,
                            help="with --like: the column to add, e.g. user:region")  # fmt: skip
        parser.add_argument("--remove-feature", metavar="SIDE:COLUMN", default=None,
                            help="with --like: the column to remove, e.g. item:tags")  # fmt: skip

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(percent, message):
            if verbosity >= 2:
                self.stderr.write(f"{percent:3d}% {message}")

        try:
            if options["like"] or options["add_feature"] or options["remove_feature"]:
                version = self.variant(options, progress)
            else:
                if not options["algorithm"]:
                    raise CommandError("--algorithm is required (or --like VERSION for a variant).")
                version = self.plain(options, progress)
        except TrainingError as error:
            raise CommandError(str(error)) from None
        for line in summary_lines(version):
            self.stdout.write(line)
        if version.parent_id:
            parent = version.parent
            self.stdout.write(
                f"{version.note} Compare them: python manage.py compare_versions "
                f"{parent.pk} {version.pk}"
            )
        self.stdout.write(str(version.pk))

    def variant(self, options, progress):
        from pilot.comparisons import ComparisonError, find_version

        if not options["like"]:
            raise CommandError("--add-feature and --remove-feature need --like VERSION.")
        given = [
            f"--{name.replace('_', '-')}"
            for name in LIKE_CONFLICTS
            if options[name] not in (None, [], "")
        ]
        if given:
            raise CommandError(
                f"{', '.join(given)} cannot be combined with --like: a variant keeps its "
                "parent's algorithm, parameters, features, cutoff and seed."
            )
        try:
            parent = find_version(options["like"])
        except ComparisonError as error:
            raise CommandError(str(error)) from None
        spec = variant_spec(
            parent,
            add=options["add_feature"],
            remove=options["remove_feature"],
            name=options["name"],
            note=options["note"] or None,
        )
        return train_version(**spec, progress=progress)

    def plain(self, options, progress):
        return train_version(
            options["algorithm"],
            params=parse_param_args(options["param"]),
            user_features=options["user_features"],
            item_features=options["item_features"],
            cutoff=options["cutoff"],
            name=options["name"],
            note=options["note"],
            seed=DEFAULT_SEED if options["seed"] is None else options["seed"],
            progress=progress,
        )
