"""``python manage.py score_on_pilot VERSION STUDY [--csv PATH]``."""

import csv

from django.core.management.base import BaseCommand, CommandError

from pilot import pilot_scores
from pilot.exports import spreadsheet_safe


def _cell(value) -> str:
    return "-" if value is None else str(value)


def _interval(row: dict, name: str) -> str:
    if row[name] is None:
        return "-"
    return f"{row[name]:.3f} [{row[f'{name}_ci_low']:.3f}, {row[f'{name}_ci_high']:.3f}]"


class Command(BaseCommand):
    help = (
        "Score a model version (id or name) on a study's pilot ratings: per participant AUC "
        "(liked above disliked) and NDCG (stars as gain) over the rated recipes, means with "
        "bootstrap 95% intervals; the study's serving versions as reference rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", help="model version id or name")
        parser.add_argument("study", help="study key")
        parser.add_argument(
            "--csv", dest="csv_path", metavar="PATH", help="write per-participant rows (pseudonyms)"
        )

    def handle(self, *args, version, study, csv_path=None, **options):
        try:
            found = pilot_scores.find_version(version)
            study_row = pilot_scores.find_study(study)
            result = pilot_scores.score_on_pilot(found, study_row)
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        out = self.stdout
        out.write(f"Model version {found.name} scored on the ratings of study {study_row.key}:")
        header = ("version", "role", "AUC [95% CI]", "n", "NDCG [95% CI]", "n", "ranked last")
        lines = [header] + [
            (
                r["version"],
                r["role"],
                _interval(r, "auc"),
                _cell(r["auc_participants"]),
                _interval(r, "ndcg"),
                _cell(r["ndcg_participants"]),
                _cell(r["ranked_last"]),
            )
            for r in pilot_scores.table_rows(result)
        ]
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
        for line in lines:
            out.write("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)))
        for note in result.notes:
            out.write(note)
        out.write(result.bias)
        if csv_path:
            n = self._write_csv(csv_path, result)
            out.write(f"{csv_path}: {n} per-participant row(s)")

    @staticmethod
    def _write_csv(path: str, result) -> int:
        try:
            handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot write --csv {path}: {exc.strerror}") from None
        with handle:
            writer = csv.DictWriter(handle, fieldnames=pilot_scores.PARTICIPANT_COLUMNS)
            writer.writeheader()
            for row in result.participants:
                writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
        return len(result.participants)
