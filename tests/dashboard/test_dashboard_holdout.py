"""The per-participant scatter of "Pilot against offline": holdout NDCG@k against mean stars.

Each point is checked against the holdout JSON (as pilot.training writes it) and a loop
over Rating rows; participants missing from the holdout, or without a rating, are left off
the scatter and counted.
"""

import json
from collections import defaultdict

import pytest
from django.utils.html import escape

from pilot.access import ANALYST_GROUP
from pilot.exports import pseudonym
from pilot.models import Rating
from tests.conftest import make_user
from tests.dashboard.test_dashboard_views import get_csv


@pytest.fixture
def analyst(db):
    return make_user("ana-holdout", groups=[ANALYST_GROUP])


def write_holdout(tmp_path, version, people: dict) -> None:
    path = tmp_path / f"{version.name}.holdout.json"
    path.write_text(json.dumps({"k": 10, "metrics": ["ndcg", "precision"], "people": people}))
    version.holdout_file = str(path)
    version.save()


def test_each_point_is_the_holdout_metric_against_the_mean_of_the_rows(
    client, rated_study, analyst, tmp_path
):
    arms = list(rated_study.arms.order_by("pk").select_related("model_version"))
    members = defaultdict(list)
    for p in rated_study.participants.select_related("person", "arm").order_by("pk"):
        members[p.arm.name].append(p)
    # Every third participant of each arm is absent from the holdout; one present person
    # has no NDCG (undefined for them); a customer id of nobody in the study is ignored.
    holdout, absent = {}, defaultdict(int)
    for arm in arms:
        people = {}
        for i, p in enumerate(members[arm.name]):
            if i % 3 == 0:
                absent[arm.name] += 1
                continue
            value = None if i == 1 else round(0.05 + 0.01 * i, 4)
            absent[arm.name] += value is None
            people[p.person.customer_id] = {"ndcg": value, "precision": 0.1, "recommended": []}
        people["nobody-in-this-study"] = {"ndcg": 0.9}
        write_holdout(tmp_path, arm.model_version, people)
        holdout[arm.name] = people
    stars = defaultdict(list)
    for r in Rating.objects.filter(recommendation__batch__study=rated_study).select_related(
        "recommendation"
    ):
        stars[r.recommendation.participant_id].append(r.stars)
    # a participant present in the holdout but without any rating: counted, not plotted
    silent = members[arms[0].name][2]
    Rating.objects.filter(recommendation__participant=silent).delete()
    stars.pop(silent.pk, None)

    client.force_login(analyst)
    got = {r["participant"]: r for r in get_csv(client, rated_study, "offline", "participants")}
    expected = {}
    for arm in arms:
        for p in members[arm.name]:
            record = holdout[arm.name].get(p.person.customer_id)
            if record is None or record["ndcg"] is None or not stars[p.pk]:
                continue
            expected[pseudonym(rated_study.key, p.person.customer_id)] = (
                arm.name,
                record["ndcg"],
                sum(stars[p.pk]) / len(stars[p.pk]),
            )
    assert set(got) == set(expected) and expected
    for name, (arm, ndcg, mean) in expected.items():
        assert got[name]["arm"] == arm
        assert float(got[name]["offline_ndcg"]) == pytest.approx(ndcg, abs=1e-4)
        assert float(got[name]["mean_stars"]) == pytest.approx(mean, abs=1e-4)

    counts = {r["arm"]: r for r in get_csv(client, rated_study, "offline", "holdout")}
    for arm in arms:
        row, people = counts[arm.name], members[arm.name]
        no_rating = sum(
            1 for p in people
            if (holdout[arm.name].get(p.person.customer_id) or {}).get("ndcg") is not None
            and not stars[p.pk]
        )  # fmt: skip
        assert int(row["participants"]) == len(people)
        assert int(row["not_in_holdout"]) == absent[arm.name]
        assert int(row["no_rating"]) == no_rating
        assert int(row["plotted"]) == sum(1 for v in expected.values() if v[0] == arm.name)
        assert int(row["plotted"]) + absent[arm.name] + no_rating == len(people)
    page = client.get(f"/dashboard/{rated_study.key}/offline/").content.decode()
    first = counts[arms[0].name]
    assert (
        escape(
            f"{arms[0].name} ({arms[0].model_version.name}): {first['plotted']} of "
            f"{first['participants']} plotted, {first['not_in_holdout']} not in the version's holdout"
        )
        in page
    )
    for p in members[arms[0].name]:
        assert p.person.customer_id not in page


def test_a_version_without_a_holdout_file_plots_nobody_and_says_why(
    client, rated_study, analyst, tmp_path
):
    arms = list(rated_study.arms.order_by("pk").select_related("model_version"))
    first = rated_study.participants.filter(arm=arms[0]).select_related("person").first()
    write_holdout(tmp_path, arms[0].model_version, {first.person.customer_id: {"ndcg": 0.2}})
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2]")  # not the layout: read as no holdout
    arms[1].model_version.holdout_file = str(broken)
    arms[1].model_version.save()
    client.force_login(analyst)
    got = get_csv(client, rated_study, "offline", "participants")
    assert [r["participant"] for r in got] == [pseudonym(rated_study.key, first.person.customer_id)]
    page = client.get(f"/dashboard/{rated_study.key}/offline/").content.decode()
    assert f"{arms[1].name} ({arms[1].model_version.name}): no holdout file" in page
