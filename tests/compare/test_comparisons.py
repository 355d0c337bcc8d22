"""pilot.comparisons: two versions on the same people; every number recomputed here from
the versions' stored holdout lists and per-person metrics, or from rows, with plain loops."""

from datetime import timedelta

import numpy as np
import pytest
from scipy import stats as sst

from pilot import comparisons, training
from pilot.exports import pseudonym
from pilot.models import Arm, Batch, Comparison, Participant, Rating, Recommendation, Study
from tests.compare.conftest import SMALL_ALS, differs_in_exactly_one_feature
from tests.conftest import make_user

P = 0.9


def jaccard(a, b):
    a, b = set(a), set(b)
    return 1.0 if not a | b else len(a & b) / len(a | b)


def rbo(a, b, p=P):
    """Extrapolated RBO (Webber et al. 2010, eq. 32), term by term."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    s, l = len(short), len(long_)  # noqa: E741
    if s == 0:
        return 1.0 if l == 0 else 0.0

    def x(d):
        return len(set(short[: min(d, s)]) & set(long_[:d]))

    total = sum(x(d) / d * p**d for d in range(1, l + 1))
    total += sum(x(s) * (d - s) / (s * d) * p**d for d in range(s + 1, l + 1))
    return (1 - p) / p * total + ((x(l) - x(s)) / l + x(s) / s) * p**l


@pytest.fixture
def compared(parent, variant):
    return comparisons.compare_versions(parent, variant)


def holdout(version):
    return training.holdout_people(version)


def test_the_variant_differs_from_its_parent_in_exactly_one_feature(parent, variant):
    differs_in_exactly_one_feature(parent, variant, "user:region")
    assert variant.note == f"Variant of {parent.name}: adds the people column region."

    removed = training.train_version(**training.variant_spec(parent, remove="item:cuisine"))
    differs_in_exactly_one_feature(parent, removed, "item:cuisine", added=False)
    assert removed.features == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"add": "item:cuisine"}, "already a feature"),
        ({"remove": "user:region"}, "is not a feature"),
        ({"add": "user:shoe_size"}, "Unknown people column 'shoe_size'"),
        ({"add": "region"}, "write it as user:COLUMN or item:COLUMN"),
        ({}, "exactly one feature"),
        ({"add": "user:region", "remove": "item:cuisine"}, "exactly one feature"),
    ],
)
def test_a_variant_spec_refuses_anything_but_one_valid_change(parent, kwargs, message):
    with pytest.raises(training.TrainingError, match=message):
        training.variant_spec(parent, **kwargs)


def test_a_variant_refuses_popularity_and_versions_never_trained(world):
    popularity = training.train_version("popularity")
    with pytest.raises(training.TrainingError, match="popularity model"):
        training.variant_spec(popularity, add="user:region")
    bare = type(popularity).objects.create(name="bare", algorithm="als")
    with pytest.raises(training.TrainingError, match="never trained here"):
        training.variant_spec(bare, add="user:region")


def test_a_column_without_values_cannot_be_added(parent):
    from pilot.models import Person

    Person.objects.update(age_band="")
    assert "user:age_band" not in training.columns_in_data()
    with pytest.raises(training.TrainingError, match="no value in the data"):
        training.variant_spec(parent, add="user:age_band")


def test_same_cutoff_and_data_is_the_training_split_and_the_deltas_match_the_stored_people(
    parent, variant, compared
):
    r = compared.result
    assert r["split"]["same_as_training"] and "same holdout cutoff" in r["split"]["reason"]
    a, b = holdout(parent), holdout(variant)
    users = [u for u in a if u in b]
    assert r["split"]["n_people"] == len(users) == parent.metrics["holdout"]["test_people"]
    rows = {row["metric"]: row for row in r["deltas"]}
    for metric in ("ndcg", "recall", "precision", "hit_rate", "mrr"):
        va = [a[u][metric] for u in users]
        vb = [b[u][metric] for u in users]
        diffs = [y - x for x, y in zip(va, vb, strict=True)]
        row = rows[metric]
        # the refit on the same split gives the version's own stored numbers
        assert row["mean_a"] == pytest.approx(sum(va) / len(va), abs=1e-9)
        assert row["mean_a"] == pytest.approx(parent.metrics["summary"][metric]["estimate"])
        assert row["mean_b"] == pytest.approx(sum(vb) / len(vb), abs=1e-9)
        assert row["delta"] == pytest.approx(sum(diffs) / len(diffs), abs=1e-9)
        # the paired interval: the same resamples of people, drawn here by hand
        rng = np.random.default_rng(training.BOOTSTRAP_SEED)
        d = np.array(diffs)
        picks = rng.integers(0, len(d), size=(training.N_BOOT, len(d)))
        means = d[picks].mean(axis=1)
        assert row["low"] <= row["delta"] <= row["high"]
        assert row["low"] == pytest.approx(np.percentile(means, 2.5), abs=0.02)
        assert row["high"] == pytest.approx(np.percentile(means, 97.5), abs=0.02)
        nonzero = [x for x in diffs if x != 0]
        if nonzero:
            assert row["p_wilcoxon"] == pytest.approx(sst.wilcoxon(nonzero).pvalue, rel=0.05)
        else:
            assert row["p_wilcoxon"] == 1.0


def test_the_overlap_histogram_and_quantiles_come_from_the_two_lists(parent, variant, compared):
    o = compared.result["overlap"]
    a, b = holdout(parent), holdout(variant)
    users = [u for u in a if u in b]
    js = [jaccard(a[u]["recommended"], b[u]["recommended"]) for u in users]
    rs = [rbo(a[u]["recommended"], b[u]["recommended"]) for u in users]
    for values, counts in ((js, o["jaccard_counts"]), (rs, o["rbo_counts"])):
        by_hand = [0] * comparisons.BINS
        for v in values:
            by_hand[min(int(v * comparisons.BINS + 1e-9), comparisons.BINS - 1)] += 1
        assert counts == by_hand and sum(counts) == len(users)
    assert o["mean_jaccard"] == pytest.approx(sum(js) / len(js))
    assert o["mean_rbo"] == pytest.approx(sum(rs) / len(rs))
    assert o["rbo_quantiles"][0] == pytest.approx(min(rs))
    assert o["rbo_quantiles"][-1] == pytest.approx(max(rs))
    assert o["jaccard_quantiles"][3] == pytest.approx(float(np.median(js)))
    same = sum(a[u]["recommended"] == b[u]["recommended"] for u in users)
    assert o["identical_share"] == pytest.approx(same / len(users))


def test_segments_cut_by_people_columns_with_their_deltas(parent, variant, compared, world):
    people, _ = world
    a, b = holdout(parent), holdout(variant)
    region = {p.customer_id: p.region for p in people}
    rows = {(r["column"], r["group"]): r for r in compared.result["segments"]}
    for value in {region[u] for u in a if u in b}:
        users = [u for u in a if u in b and region[u] == value]
        row = rows[("region", value)]
        assert row["n"] == len(users)
        deltas = [b[u]["ndcg"] - a[u]["ndcg"] for u in users]
        assert row["ndcg_delta"] == pytest.approx(sum(deltas) / len(deltas), abs=1e-9)
        assert row["ndcg_low"] <= row["ndcg_delta"] <= row["ndcg_high"]
        rbos = [rbo(a[u]["recommended"], b[u]["recommended"]) for u in users]
        assert row["mean_rbo"] == pytest.approx(sum(rbos) / len(rbos))
    columns = {column for column, _ in rows}
    assert {"region", "age_band", "household_size", "n_devices"} <= columns
    total = sum(r["n"] for (column, _), r in rows.items() if column == "age_band")
    assert total == compared.result["split"]["n_people"]


def test_the_most_changed_people_show_both_stored_lists_with_titles_and_reasons(
    parent, variant, compared, world
):
    _, recipes = world
    titles = {r.external_id: r.title for r in recipes}
    a, b = holdout(parent), holdout(variant)
    users = [u for u in a if u in b]
    by_pseudonym = {pseudonym(comparisons.PSEUDONYM_KEY, u): u for u in users}
    shown = compared.result["most_changed"]
    assert len(shown) == min(comparisons.MOST_CHANGED, len(users))
    rbos = sorted(rbo(a[u]["recommended"], b[u]["recommended"]) for u in users)
    assert [p["rbo"] for p in shown] == pytest.approx(rbos[: len(shown)])
    for person in shown:
        user = by_pseudonym[person["person"]]  # a pseudonym, never the customer id
        assert user not in str(person)
        assert [i["item"] for i in person["list_a"]] == a[user]["recommended"]
        assert [i["item"] for i in person["list_b"]] == b[user]["recommended"]
        for item in person["list_a"] + person["list_b"]:
            assert item["title"] == titles[item["item"]] and item["reason"]
        assert [i["in_other"] for i in person["list_a"]] == [
            i in b[user]["recommended"] for i in a[user]["recommended"]
        ]


def test_the_sentence_says_what_changed_and_whether_it_is_noise(parent, variant, compared):
    row = next(r for r in compared.result["deltas"] if r["metric"] == "ndcg")
    assert compared.sentence.startswith(
        f"{variant.name} adds the people column region to {parent.name}; NDCG@10 "
        f"{row['delta']:+.3f} (95% CI {row['low']:+.3f} to {row['high']:+.3f}), "
    )
    noise = not (row["p_wilcoxon"] < 0.05 and (row["low"] > 0 or row["high"] < 0))
    assert ("not distinguishable from noise" in compared.sentence) == noise
    assert comparisons.summary(compared) == compared.sentence


def test_computing_again_replaces_the_stored_comparison(parent, variant, compared):
    again = comparisons.compare_versions(parent, variant)
    assert again.pk == compared.pk and Comparison.objects.count() == 1
    assert again.result["deltas"] == compared.result["deltas"]


def test_different_cutoffs_are_said_and_both_are_scored_on_a_common_split(parent, world):
    later = parent.holdout_cutoff + timedelta(days=7)
    other = training.train_version("als", params=SMALL_ALS, cutoff=later, seed=3)
    found = comparisons.compare_versions(parent, other)
    split = found.result["split"]
    assert not split["same_as_training"]
    assert "holdout cutoff" in split["reason"] and "common split" in split["reason"]
    assert training.parse_cutoff(split["cutoff"]) == later
    # the people scored: those with an interaction after the cutoff that they had not had
    # before it, among the interactions before the earlier data cutoff
    until = min(parent.data_cutoff, other.data_cutoff)
    from pilot.models import Interaction

    before, after = set(), {}
    for e in Interaction.objects.filter(person__isnull=False, timestamp__lt=until):
        pair = (e.person.customer_id, e.recipe.external_id)
        if e.timestamp < later:
            before.add(pair)
        else:
            after.setdefault(pair[0], set()).add(pair)
    expected = {u for u, pairs in after.items() if pairs - before}
    assert split["n_people"] == len(expected)
    assert "differs from" in found.sentence and "holdout cutoff" in found.sentence


def test_versions_that_cannot_be_compared_are_refused_clearly(parent):
    with pytest.raises(comparisons.ComparisonError, match="two different versions"):
        comparisons.compute(parent, parent)
    bare = type(parent).objects.create(name="bare", algorithm="als")
    with pytest.raises(comparisons.ComparisonError, match="never trained here"):
        comparisons.compute(parent, bare)
    with pytest.raises(comparisons.ComparisonError, match="No model version with id or name"):
        comparisons.find_version("no-such-version")


def mann_whitney_p(samples):
    """scipy's U test, exact for small samples without ties (docs/metrics.md)."""
    x, y = samples["b"], samples["a"]
    exact = len(x) + len(y) <= 100 and len(set(x) | set(y)) == len(x) + len(y)
    return sst.mannwhitneyu(x, y, method="exact" if exact else "asymptotic").pvalue


def _pilot(parent, variant, people):
    """A study with both versions in its arms, recommendations and ratings made here."""
    study = Study.objects.create(name="Both", key="both")
    arms = [
        Arm.objects.create(study=study, name="a", model_version=parent, batch_size=3),
        Arm.objects.create(study=study, name="b", model_version=variant, batch_size=3),
    ]
    batch = Batch.objects.create(study=study, iso_year=2026, iso_week=49)
    from pilot.models import Recipe

    recipes = list(Recipe.objects.order_by("external_id")[:3])
    stars = {}
    for i, person in enumerate(people[:12]):
        arm = arms[i % 2]
        user = make_user(f"pilot-{i}")
        participant = Participant.objects.create(study=study, person=person, user=user, arm=arm)
        for rank, recipe in enumerate(recipes, start=1):
            rec = Recommendation.objects.create(
                batch=batch, participant=participant, recipe=recipe, rank=rank,
                model_version=arm.model_version,
            )  # fmt: skip
            value = 1 + (i * 3 + rank * (2 if arm.name == "b" else 1)) % 5
            Rating.objects.create(recommendation=rec, stars=value, would_cook="yes")
            stars.setdefault(arm.name, {}).setdefault(participant.pk, []).append(value)
    return study, stars


def test_the_pilot_difference_in_stars_and_liked_share_with_mann_whitney(parent, variant, world):
    people, _ = world
    study, stars = _pilot(parent, variant, people)
    [row] = comparisons.pilot_rows(parent, variant)
    assert row["study"] == study.key
    for key in ("a", "b"):
        values = [s for person in stars[key].values() for s in person]
        assert row[f"ratings_{key}"] == len(values)
        assert row[f"participants_{key}"] == len(stars[key])
        assert row[f"stars_{key}"] == pytest.approx(sum(values) / len(values))
        assert row[f"liked_{key}"] == pytest.approx(sum(v >= 4 for v in values) / len(values))
        assert row[f"stars_{key}_low"] <= row[f"stars_{key}"] <= row[f"stars_{key}_high"]
    assert row["stars_delta"] == pytest.approx(row["stars_b"] - row["stars_a"])
    means = {k: [sum(v) / len(v) for v in stars[k].values()] for k in ("a", "b")}
    assert row["stars_p_mann_whitney"] == pytest.approx(mann_whitney_p(means), rel=1e-6)
    liked = {k: [sum(s >= 4 for s in v) / len(v) for v in stars[k].values()] for k in ("a", "b")}
    assert row["liked_p_mann_whitney"] == pytest.approx(mann_whitney_p(liked), rel=1e-6)

    found = comparisons.compare_versions(parent, variant)
    assert found.result["pilot"] == [row]
    assert comparisons.latest_for_study(study) == found


def test_latest_for_study_prefers_a_comparison_of_two_of_its_arms(parent, variant, world):
    people, _ = world
    other = training.train_version("als", params=SMALL_ALS, seed=5, name="als-other")
    study = Study.objects.create(name="One arm", key="one-arm")
    Arm.objects.create(study=study, name="a", model_version=parent, batch_size=3)
    assert comparisons.latest_for_study(study) is None
    first = comparisons.compare_versions(parent, variant)
    assert comparisons.latest_for_study(study) == first
    Arm.objects.create(study=study, name="b", model_version=variant, batch_size=3)
    comparisons.compare_versions(other, parent)  # later, but only one of its versions is in
    assert comparisons.latest_for_study(study) == first


def test_a_popularity_version_against_als_names_every_difference(parent):
    popularity = training.train_version("popularity", name="pop")
    found = comparisons.compare_versions(popularity, parent)
    diff = found.result["changes"]
    assert diff["algorithm"] == ["popularity", "als"] and diff["added"] == ["item:cuisine"]
    assert found.sentence.startswith(
        f"{parent.name} differs from pop: adds the recipe column cuisine, algorithm "
        "(popularity to als)"
    )
    pop_people = holdout(popularity)
    row = next(r for r in found.result["deltas"] if r["metric"] == "recall")
    users = [u for u in pop_people if u in holdout(parent)]
    assert row["mean_a"] == pytest.approx(sum(pop_people[u]["recall"] for u in users) / len(users))
