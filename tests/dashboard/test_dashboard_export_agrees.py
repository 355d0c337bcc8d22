"""The overview CSV recomputed independently from ``manage.py export STUDY ratings``.

The export (``pilot.exports``) and the dashboard read the database by different code; here
the per arm and week figures are recomputed from the exported CSV with plain Python (and
the participants who got a list from ``export STUDY recommendations``) and compared with the
overview's CSV download.
"""

import csv
import io
from collections import defaultdict

import pytest
from django.core.management import call_command

from pilot.access import ANALYST_GROUP
from tests.conftest import make_user
from tests.dashboard.test_dashboard_views import get_csv


def exported(study, kind, tmp_path):
    out = tmp_path / f"{kind}.csv"
    call_command("export", study.key, kind, "--out", str(out), stdout=io.StringIO())
    with open(out, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("segment", ["", "age_band"])
def test_the_overview_csv_agrees_with_the_ratings_export(client, rated_study, tmp_path, segment):
    ratings = exported(rated_study, "ratings", tmp_path)
    recommendations = exported(rated_study, "recommendations", tmp_path)
    assert ratings and {"week", "participant", "arm", "stars", "would_cook"} <= set(ratings[0])
    query = ""
    if segment:  # the same recomputation for one segment, the participants export naming it
        people = exported(rated_study, "participants", tmp_path)
        value = next(p[segment] for p in people if p[segment])
        keep = {p["participant"] for p in people if p[segment] == value}
        ratings = [r for r in ratings if r["participant"] in keep]
        recommendations = [r for r in recommendations if r["participant"] in keep]
        query = f"?{segment}={value}"
    got_lists = defaultdict(set)
    for r in recommendations:
        got_lists[(r["arm"], r["week"])].add(r["participant"])
    by_group = defaultdict(list)
    for r in ratings:
        by_group[(r["arm"], r["week"])].append(r)

    client.force_login(make_user("ana-export", groups=[ANALYST_GROUP]))
    overview = get_csv(client, rated_study, "overview", "weeks", query)
    assert {(r["arm"], r["week"]) for r in overview} == set(got_lists)
    for row in overview:
        group = by_group[(row["arm"], row["week"])]
        assert int(row["participants"]) == len(got_lists[(row["arm"], row["week"])])
        assert int(row["responders"]) == len({r["participant"] for r in group})
        assert int(row["ratings"]) == len(group)
        if not group:
            assert row["mean_stars"] == ""
            continue
        stars = [int(r["stars"]) for r in group]
        assert float(row["mean_stars"]) == pytest.approx(sum(stars) / len(stars), abs=5e-5)
        liked = sum(s >= 4 for s in stars) / len(stars)
        assert float(row["liked_share"]) == pytest.approx(liked, abs=5e-5)
        yes = sum(r["would_cook"] == "yes" for r in group) / len(group)
        assert float(row["would_cook_yes_share"]) == pytest.approx(yes, abs=5e-5)
        rate = int(row["responders"]) / int(row["participants"])
        assert float(row["response_rate"]) == pytest.approx(rate, abs=5e-5)
