"""score_on_pilot: numbers worked out by hand, and recomputed from Rating rows with loops."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from pilot import modeldata, pilot_scores
from pilot.batches import Week, generate, get_batch
from pilot.exports import pseudonym
from pilot.models import Rating
from recommender.models import ALS
from recommender.stats import bootstrap_ci
from tests.cycle.conftest import train


def d(p):
    """The discount of position p (1-based)."""
    return 1 / math.log2(p + 1)


def by_participant(result, version):
    return {r["participant"]: r for r in result.participants if r["version"] == version}


def test_it_gives_the_auc_and_ndcg_worked_out_by_hand(hand_study, hand_version):
    result = pilot_scores.score_on_pilot(hand_version, hand_study)
    rows = by_participant(result, "pop-hand")
    p1, p2, p3 = (rows[pseudonym("hand-test", p)] for p in ("P1", "P2", "P3"))

    # P1: the version orders A B C D; stars 5 1 4 2. Liked {A, C}, disliked {B, D}.
    # Pairs (A,B) right, (A,D) right, (C,B) wrong (C is 3rd, B 2nd), (C,D) right: 3 of 4.
    assert p1["auc"] == 0.75
    dcg = 5 * d(1) + 1 * d(2) + 4 * d(3) + 2 * d(4)
    ideal = 5 * d(1) + 4 * d(2) + 2 * d(3) + 1 * d(4)
    assert p1["ndcg"] == pytest.approx(dcg / ideal, abs=1e-6)  # 0.948...

    # P2 is vegetarian: B (5 stars) and E (1 star) are ruled out, so both are ranked last,
    # tied at positions 2-3 behind A (4 stars). Liked {A, B}, disliked {E}:
    # (A,E) right = 1, (B,E) tie = 1/2, so AUC = 1.5 / 2.
    assert p2["auc"] == 0.75
    assert p2["ranked_last"] == 2
    tie = (d(2) + d(3)) / 2
    assert p2["ndcg"] == pytest.approx((4 * d(1) + 5 * tie + 1 * tie) / (5 + 4 * d(2) + d(3)))

    # P3 liked both recipes it rated: no AUC; stars 5 and 4 in the right order: NDCG 1.
    assert p3["auc"] is None and p3["ndcg"] == 1.0
    assert len(rows) == 3  # P4 rated nothing

    (row,) = result.rows
    assert row["version"] == "pop-hand" and row["role"] == "scored; served arm pop"
    assert row["auc"] == 0.75 and row["auc_participants"] == 2
    assert row["ndcg"] == pytest.approx((p1["ndcg"] + p2["ndcg"] + 1.0) / 3, abs=1e-4)
    assert row["ranked_last"] == 2
    c = result.counts
    assert (c["participants"], c["with_ratings"], c["without_ratings"]) == (4, 3, 1)
    assert (c["auc_scored"], c["auc_no_disliked"], c["auc_no_liked"]) == (2, 1, 0)
    assert c["ratings"] == 9 and c["ndcg_scored"] == 3
    assert "Only recipes that the pilot's models chose were rated" in result.bias


def test_a_recipe_rated_twice_counts_once_with_its_latest_stars(hand_study, hand_version):
    from pilot.models import Batch, Participant, Recommendation

    p1 = Participant.objects.get(study=hand_study, person__customer_id="P1")
    later = Batch.objects.create(study=hand_study, iso_year=2026, iso_week=41, status="closed")
    rec = Recommendation.objects.create(
        batch=later, participant=p1, recipe_id=p1.recommendations.get(recipe__external_id="B")
        .recipe_id, rank=1, model_version=hand_version,
    )  # fmt: skip
    Rating.objects.create(recommendation=rec, stars=5, would_cook="yes")
    result = pilot_scores.score_on_pilot(hand_version, hand_study)
    row = by_participant(result, "pop-hand")[pseudonym("hand-test", "P1")]
    # Now B has 5 stars: liked {A, B, C}, disliked {D}, D is last: every pair right.
    assert row["auc"] == 1.0 and row["n_rated"] == 4 and row["n_liked"] == 3
    assert result.counts["rating_rows"] == 10 and result.counts["ratings"] == 9


# ------------------------------------------------------------------ the real cycle
@pytest.fixture
def rated(study):
    """Two generated weeks of the real ALS/Popularity study, rated deterministically."""
    import random

    from pilot.models import Recommendation

    rng = random.Random(11)
    for week in (Week(2026, 49), Week(2026, 50)):
        generate(get_batch(study, week))
    Rating.objects.bulk_create(
        Rating(recommendation=rec, stars=rng.randint(1, 5), would_cook="yes")
        for rec in Recommendation.objects.filter(batch__study=study).order_by("pk")
        if rng.random() < 0.8
    )
    return study


def loop_scores(version, study):
    """AUC and NDCG per customer id, straight from Rating rows and the model's ordering."""
    model = modeldata.load_model(version)
    catalog = pilot_scores.scoring_catalog()
    stars = defaultdict(dict)
    for rating in (
        Rating.objects.filter(recommendation__batch__study=study)
        .select_related(
            "recommendation__participant__person", "recommendation__recipe", "recommendation__batch"
        )
        .order_by("recommendation__batch__iso_year", "recommendation__batch__iso_week")
    ):
        person = rating.recommendation.participant.person
        person.participant_pk = rating.recommendation.participant_id
        stars[person][rating.recommendation.recipe.external_id] = rating.stars  # latest wins
    out = {}  # in the order of the participants' primary keys (the bootstrap's order)
    for person, rated in sorted(stars.items(), key=lambda kv: kv[0].participant_pk):
        (ordering,) = [
            items
            for _, items in model.recommend(
                [person.customer_id], k=len(catalog), catalog=catalog, exclude_seen=False,
                restrictions={person.customer_id: person.restrictions},
                segments={person.customer_id: person.region or None}, explain=False,
            )
        ]  # fmt: skip
        rank = {r.item: r.rank for r in ordering}
        pos = {i: rank.get(i, math.inf) for i in rated}
        liked = [i for i in rated if rated[i] >= 4]
        disliked = [i for i in rated if rated[i] <= 2]
        auc = math.nan
        if liked and disliked:
            right = sum(
                (pos[a] < pos[b]) + 0.5 * (pos[a] == pos[b]) for a in liked for b in disliked
            )
            auc = right / (len(liked) * len(disliked))
        order = sorted(rated, key=lambda i: pos[i])
        dcg = 0.0
        for i in rated:
            tied = [p for p, j in enumerate(order, 1) if pos[j] == pos[i]]
            dcg += rated[i] * sum(d(p) for p in tied) / len(tied)
        ideal = sum(s * d(p) for p, s in enumerate(sorted(rated.values(), reverse=True), 1))
        ndcg = dcg / ideal if len(set(rated.values())) > 1 else math.nan
        out[pseudonym(study.key, person.customer_id)] = (auc, ndcg)
    return out


def same(a, b):
    return (b is None and math.isnan(a)) or (b is not None and abs(a - b) < 1e-5)


def test_the_numbers_match_loops_over_rating_rows(rated, versions):
    als, pop = versions
    result = pilot_scores.score_on_pilot(als, rated)
    for version in (als, pop):
        expected = loop_scores(version, rated)
        got = by_participant(result, version.name)
        assert set(got) == set(expected)
        for who, (auc, ndcg) in expected.items():
            assert same(auc, got[who]["auc"]), (version.name, who)
            assert same(ndcg, got[who]["ndcg"]), (version.name, who)
        row = next(r for r in result.rows if r["version"] == version.name)
        aucs = [a for a, _ in expected.values() if not math.isnan(a)]
        ci = bootstrap_ci(aucs, n_boot=1000, seed=0)
        assert row["auc"] == pytest.approx(sum(aucs) / len(aucs), abs=1e-4)
        assert row["auc_participants"] == len(aucs)
        assert (row["auc_ci_low"], row["auc_ci_high"]) == (round(ci.low, 4), round(ci.high, 4))
        ndcgs = [n for _, n in expected.values() if not math.isnan(n)]
        assert row["ndcg"] == pytest.approx(np.mean(ndcgs), abs=1e-4)
    assert [r["role"] for r in result.rows] == ["scored; served arm als", "served arm pop"]
    # Per segment: the participants of each region, averaged.
    regions = {pseudonym(rated.key, p.person.customer_id): p.person.region
               for p in rated.participants.select_related("person")}  # fmt: skip
    for seg in result.segments:
        values = [
            r["auc"] for who, r in by_participant(result, seg["version"]).items()
            if regions[who] == seg["segment"] and r["auc"] is not None
        ]  # fmt: skip
        assert seg["auc_participants"] == len(values)
        if values:
            assert seg["auc"] == pytest.approx(np.mean(values), abs=1e-4)


def test_a_version_trained_after_the_study_started_can_be_scored(rated, tmp_path, versions):
    newer = train(tmp_path, "als-after", ALS(factors=4, iterations=3, random_state=5))
    newer.data_cutoff = timezone.now() + timedelta(minutes=1)
    newer.save(update_fields=["data_cutoff"])
    result = pilot_scores.score_on_pilot(newer, rated)
    assert [r["version"] for r in result.rows] == ["als-after", "als-test", "pop-test"]
    assert result.rows[0]["role"] == "scored"
    expected = loop_scores(newer, rated)
    for who, row in by_participant(result, "als-after").items():
        assert same(expected[who][0], row["auc"]) and same(expected[who][1], row["ndcg"])
    assert any("after the study's first lists" in note for note in result.notes)


def test_table_rows_are_plain_dicts_for_the_report(hand_study, hand_version):
    result = pilot_scores.score_on_pilot(hand_version, hand_study)
    (row,) = pilot_scores.table_rows(result)
    assert list(row) == pilot_scores.TABLE_COLUMNS
    assert all(isinstance(v, (str, int, float, type(None))) for v in row.values())


def test_lookups_name_what_was_not_found(db):
    with pytest.raises(ValueError, match="no model version 'nope'"):
        pilot_scores.find_version("nope")
    with pytest.raises(ValueError, match="no study 'nope'"):
        pilot_scores.find_study("nope")
