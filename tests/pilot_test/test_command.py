"""``manage.py score_on_pilot VERSION STUDY [--csv PATH]``."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from pilot.exports import pseudonym
from pilot.models import ModelVersion


def run(*args):
    out = io.StringIO()
    call_command("score_on_pilot", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_table_the_counts_and_the_bias(hand_study, hand_version):
    text = run("pop-hand", "hand-test")
    (line,) = [x for x in text.splitlines() if "served arm pop" in x]
    # P1 and P2 both have AUC 0.75 (worked out in test_pilot_scores): the mean is 0.75
    # and every bootstrap resample of two equal values is 0.75 too.
    assert "scored; served arm pop" in line and "0.750 [0.750, 0.750]" in line
    assert "AUC: 2 participants scored; skipped 1 with no disliked recipe" in text
    assert "1 of 4 participants rated nothing" in text
    assert "Only recipes that the pilot's models chose were rated" in text
    assert "after the study's first lists" not in text  # trained before the pilot
    assert run(str(hand_version.pk), "hand-test") == text  # by id too, and stable


def test_it_writes_per_participant_rows_under_pseudonyms(hand_study, tmp_path):
    path = tmp_path / "rows.csv"
    text = run("pop-hand", "hand-test", "--csv", str(path))
    assert f"{path}: 3 per-participant row(s)" in text
    with path.open(newline="") as f:
        rows = {r["participant"]: r for r in csv.DictReader(f)}
    assert set(rows) == {pseudonym("hand-test", p) for p in ("P1", "P2", "P3")}
    p1 = rows[pseudonym("hand-test", "P1")]
    assert (p1["auc"], p1["n_rated"], p1["n_liked"], p1["n_disliked"]) == ("0.75", "4", "2", "2")
    assert rows[pseudonym("hand-test", "P3")]["auc"] == ""
    assert "P1" not in path.read_text()  # customer ids never leave


def test_it_names_what_is_wrong(hand_study, tmp_path):
    with pytest.raises(CommandError, match="no model version 'nope'.*pop-hand"):
        run("nope", "hand-test")
    with pytest.raises(CommandError, match="no study 'nope'.*hand-test"):
        run("pop-hand", "nope")
    ModelVersion.objects.create(name="untrained", algorithm="popularity")
    with pytest.raises(CommandError, match="'untrained' has no saved artifact"):
        run("untrained", "hand-test")
    with pytest.raises(CommandError, match="Cannot write --csv"):
        run("pop-hand", "hand-test", "--csv", str(tmp_path / "no" / "such" / "dir.csv"))
