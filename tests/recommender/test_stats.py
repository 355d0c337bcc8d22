"""recommender.stats: bootstrap over users, paired tests, Kendall's tau caveat, SRM."""

import math

import numpy as np
import pytest

from recommender.stats import (
    bootstrap_ci,
    cluster_bootstrap_ci,
    cluster_bootstrap_sums,
    kendall_tau,
    mann_whitney,
    paired_bootstrap,
    sample_ratio_mismatch,
    wilcoxon_signed_rank,
)


def test_it_gives_the_same_interval_for_the_same_seed():
    values = np.random.default_rng(0).random(500)
    assert bootstrap_ci(values, seed=3) == bootstrap_ci(values, seed=3)
    assert bootstrap_ci(values, seed=3) != bootstrap_ci(values, seed=4)


def test_bootstrap_interval_has_the_width_of_the_standard_error():
    rng = np.random.default_rng(1)
    values = rng.normal(2.0, 1.0, 2000)
    ci = bootstrap_ci(values, n_boot=2000)
    assert ci.estimate == pytest.approx(values.mean())
    assert ci.low < ci.estimate < ci.high
    se = values.std(ddof=1) / math.sqrt(values.size)
    assert (ci.high - ci.low) == pytest.approx(2 * 1.96 * se, rel=0.1)
    assert ci.n == 2000 and ci.confidence == 0.95


def test_bootstrap_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(2)
    covered = 0
    for seed in range(200):
        sample = rng.exponential(1.0, 200)  # skewed, like per-user recall
        ci = bootstrap_ci(sample, n_boot=400, seed=seed)
        covered += ci.low <= 1.0 <= ci.high
    assert 0.89 <= covered / 200 <= 0.99


def test_bootstrap_drops_users_without_a_value_and_handles_none_at_all():
    ci = bootstrap_ci([1.0, np.nan, 3.0])
    assert ci.estimate == 2.0 and ci.n == 2
    empty = bootstrap_ci([np.nan])
    assert math.isnan(empty.estimate) and empty.n == 0


def test_a_narrower_confidence_gives_a_narrower_interval():
    values = np.random.default_rng(3).random(300)
    wide, narrow = bootstrap_ci(values, confidence=0.99), bootstrap_ci(values, confidence=0.8)
    assert wide.low < narrow.low < narrow.high < wide.high
    with pytest.raises(ValueError):
        bootstrap_ci(values, confidence=1.5)


def test_cluster_bootstrap_is_wider_when_a_users_ratings_move_together():
    # 30 users, each rates 10 recipes all the same (1 or 5 stars): really 30 opinions, not 300.
    rng = np.random.default_rng(4)
    per_user = rng.choice([1.0, 5.0], 30)
    ratings = np.repeat(per_user, 10)
    users = np.repeat(np.arange(30), 10)
    clustered = cluster_bootstrap_ci(ratings, users)
    naive = bootstrap_ci(ratings)
    assert clustered.estimate == pytest.approx(ratings.mean())
    assert clustered.n == 30
    assert (clustered.high - clustered.low) > 2.5 * (naive.high - naive.low)
    # with one rating per user it is the ordinary bootstrap
    one_each = cluster_bootstrap_ci(per_user, np.arange(30), seed=5)
    assert one_each == bootstrap_ci(per_user, seed=5)


def test_cluster_bootstrap_weights_users_by_their_number_of_ratings():
    ci = cluster_bootstrap_ci([5, 5, 5, 1], ["a", "a", "a", "b"], n_boot=200)
    assert ci.estimate == 4.0
    assert 1.0 <= ci.low <= ci.high <= 5.0
    with pytest.raises(ValueError):
        cluster_bootstrap_ci([1, 2], ["a"])


def test_paired_bootstrap_of_a_constant_improvement_is_exact():
    a = np.random.default_rng(6).random(100)
    r = paired_bootstrap(a, a + 0.05)
    assert r.delta == pytest.approx(0.05)
    assert r.low == pytest.approx(0.05) and r.high == pytest.approx(0.05)
    assert r.p_value == 0.0 and r.n == 100


def test_paired_bootstrap_of_identical_models_has_p_one():
    a = np.random.default_rng(7).random(50)
    r = paired_bootstrap(a, a.copy())
    assert r.delta == 0.0 and r.p_value == 1.0


def test_pairing_removes_the_between_user_spread():
    rng = np.random.default_rng(8)
    user_level = rng.uniform(0, 1, 400)  # users differ a lot
    a = user_level + rng.normal(0, 0.02, 400)
    b = user_level + 0.01 + rng.normal(0, 0.02, 400)
    paired = paired_bootstrap(a, b)
    unpaired_width = (bootstrap_ci(a).high - bootstrap_ci(a).low) * math.sqrt(2)
    assert paired.high - paired.low < unpaired_width / 5
    assert paired.low > 0 and paired.p_value < 0.01


def test_paired_bootstrap_drops_users_missing_either_value():
    r = paired_bootstrap([1.0, np.nan, 3.0, 4.0], [2.0, 5.0, np.nan, 5.0])
    assert r.n == 2 and r.delta == 1.0
    with pytest.raises(ValueError):
        paired_bootstrap([1.0, 2.0], [1.0])


def test_wilcoxon_by_hand():
    # differences 1, 2, -3, 4, 5, 6: W- = 3, W+ = 18; exact two-sided p = 2 * 5/64
    a = np.zeros(6)
    b = np.array([1.0, 2.0, -3.0, 4.0, 5.0, 6.0])
    r = wilcoxon_signed_rank(a, b)
    assert r.statistic == 3.0
    assert r.p_value == pytest.approx(10 / 64)
    assert r.effect == pytest.approx((18 - 3) / 21)
    assert r.n == 6 and r.method == "exact"
    assert wilcoxon_signed_rank(a, b, alternative="greater").p_value == pytest.approx(5 / 64)


def test_wilcoxon_drops_zero_differences_and_reports_none_left():
    r = wilcoxon_signed_rank([1, 2, 3, 4], [1, 2, 3, 4])
    assert r.p_value == 1.0 and r.n == 0
    r = wilcoxon_signed_rank([0, 0, 0, 0], [0, 1, 2, 0])
    assert r.n == 2


def test_wilcoxon_uses_the_normal_approximation_for_many_users():
    rng = np.random.default_rng(9)
    a = rng.random(500)
    r = wilcoxon_signed_rank(a, a + rng.normal(0.05, 0.1, 500))
    assert r.method == "asymptotic" and r.p_value < 1e-6 and r.effect > 0


def test_mann_whitney_by_hand():
    r = mann_whitney([1, 2, 3], [4, 5, 6])
    assert r.statistic == 0.0 and r.effect == 0.0
    assert r.p_value == pytest.approx(2 / 20)  # exact: 1 of C(6,3) = 20 orderings per side
    assert mann_whitney([4, 5, 6], [1, 2, 3], alternative="greater").p_value == pytest.approx(
        1 / 20
    )


def test_mann_whitney_on_star_ratings_with_ties():
    x = [5, 5, 4, 4, 4, 3, 5, 4]
    y = [3, 3, 2, 4, 3, 1, 2, 3]
    r = mann_whitney(x, y)
    assert r.method == "asymptotic" and r.p_value < 0.01
    assert 0.5 < r.effect <= 1.0
    assert math.isnan(mann_whitney([], [1, 2]).p_value)


def test_kendall_tau_with_three_versions_says_no_conclusion_is_possible():
    r = kendall_tau([0.21, 0.25, 0.30], [3.2, 3.6, 4.1])
    assert r.tau == 1.0
    assert r.p_value == pytest.approx(1 / 6)
    assert r.min_p_value == pytest.approx(1 / 6)
    assert r.method == "exact" and not r.conclusive
    assert "1/6" in r.note and "3 model versions" in r.note
    two_sided = kendall_tau([1, 2, 3], [1, 2, 3], alternative="two-sided")
    assert two_sided.p_value == pytest.approx(1 / 3) and "1/3" in two_sided.note


def test_kendall_tau_with_five_versions_can_conclude():
    r = kendall_tau([1, 2, 3, 4, 5], [10, 20, 30, 40, 50])
    assert r.tau == pytest.approx(1.0) and r.p_value == pytest.approx(1 / 120)
    assert r.conclusive
    # one swapped pair: tau = (9 - 1) / 10; exact one-sided p = P(<= 1 discordant pair) = 5/120
    r = kendall_tau([1, 2, 3, 4, 5], [10, 20, 40, 30, 50])
    assert r.tau == pytest.approx(0.8)
    assert r.p_value == pytest.approx(5 / 120)


def test_kendall_tau_with_ties_or_too_few_versions():
    tied = kendall_tau([1, 1, 2, 3], [1, 2, 3, 4])
    assert tied.method == "asymptotic"
    few = kendall_tau([1], [2])
    assert math.isnan(few.tau) and not few.conclusive


def test_sample_ratio_mismatch():
    fine = sample_ratio_mismatch([500, 500], [1, 1])
    assert fine.chi2 == 0.0 and fine.p_value == 1.0 and not fine.mismatch
    broken = sample_ratio_mismatch([600, 400], [1, 1])
    assert broken.chi2 == pytest.approx(40.0) and broken.mismatch
    weighted = sample_ratio_mismatch([670, 330], [2, 1])
    assert weighted.expected == pytest.approx((1000 * 2 / 3, 1000 / 3)) and not weighted.mismatch
    assert not sample_ratio_mismatch([0, 0], [1, 1]).mismatch
    with pytest.raises(ValueError):
        sample_ratio_mismatch([10], [1])
    with pytest.raises(ValueError):
        sample_ratio_mismatch([10, 10], [1, 0])


def _row_form_before(values, clusters, n_boot, seed):
    """cluster_bootstrap_ci as written before the aggregated form (the reference)."""
    values = np.asarray(values, dtype=np.float64)
    _, code = np.unique(np.asarray(clusters), return_inverse=True)
    sums = np.bincount(code, weights=values)
    counts = np.bincount(code).astype(np.float64)
    n = sums.size
    rng = np.random.default_rng(seed)
    chunk = max(1, 4_000_000 // n)
    boot = np.empty(n_boot)
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = rng.integers(0, n, size=(stop - start, n))
        boot[start:stop] = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    low, high = np.quantile(boot, [0.025, 0.975])
    return float(values.mean()), float(low), float(high), n


@pytest.mark.parametrize("n_users", [7, 500, 1_500, 9_000])  # cached, drawn once, chunked
def test_the_aggregated_cluster_bootstrap_gives_the_row_forms_interval_bit_for_bit(n_users):
    rng = np.random.default_rng(n_users)
    per_user = rng.integers(1, 30, n_users)
    users = rng.permutation(np.repeat(np.arange(n_users) * 7 + 3, per_user))  # unsorted ids
    stars = rng.integers(1, 6, users.size).astype(float)
    n_boot = 300 if n_users > 5_000 else 1000
    rows = cluster_bootstrap_ci(stars, users, n_boot=n_boot, seed=3)
    ids = np.unique(users)
    sums = np.array([stars[users == u].sum() for u in ids])
    counts = np.array([(users == u).sum() for u in ids])
    aggregated = cluster_bootstrap_sums(sums, counts, n_boot=n_boot, seed=3)
    assert aggregated == rows  # estimate, low, high, n: identical floats
    assert (rows.estimate, rows.low, rows.high, rows.n) == _row_form_before(stars, users, n_boot, 3)
    # a second call (the cached resamples) and a share (0/1 values) agree as well
    assert cluster_bootstrap_ci(stars, users, n_boot=n_boot, seed=3) == rows
    liked = (stars >= 4).astype(float)
    liked_sums = np.array([liked[users == u].sum() for u in ids])
    assert cluster_bootstrap_sums(liked_sums, counts, n_boot=n_boot, seed=3) == (
        cluster_bootstrap_ci(liked, users, n_boot=n_boot, seed=3)
    )


def test_the_aggregated_cluster_bootstrap_drops_empty_users_and_refuses_bad_input():
    with_empty = cluster_bootstrap_sums([10, 0, 3], [3, 0, 1], n_boot=200, seed=1)
    assert with_empty == cluster_bootstrap_sums([10, 3], [3, 1], n_boot=200, seed=1)
    assert with_empty.estimate == 13 / 4 and with_empty.n == 2
    assert math.isnan(cluster_bootstrap_sums([], []).estimate)
    with pytest.raises(ValueError, match="same length"):
        cluster_bootstrap_sums([1, 2], [1])
    with pytest.raises(ValueError, match="not negative"):
        cluster_bootstrap_sums([1, 2], [1, -1])


def test_the_bootstrap_of_one_value_per_user_is_unchanged_by_reused_resamples():
    values = np.random.default_rng(2).random(800)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 800, size=(1000, 800))
    low, high = np.quantile(values[idx].mean(axis=1), [0.025, 0.975])
    first, again = bootstrap_ci(values), bootstrap_ci(values)
    assert first == again
    assert (first.low, first.high) == (float(low), float(high))


def test_non_integer_values_take_the_gathering_path_and_agree_with_it():
    rng = np.random.default_rng(9)
    users = np.repeat(np.arange(300), 4)
    values = rng.random(users.size)  # not integers: no draw-count matrix
    reference = _row_form_before(values, users, 1000, 0)
    got = cluster_bootstrap_ci(values, users)
    assert (got.low, got.high, got.n) == reference[1:]
    assert got.estimate == reference[0]
    means = bootstrap_ci(values)
    idx = np.random.default_rng(0).integers(0, values.size, size=(1000, values.size))
    low, high = np.quantile(values[idx].mean(axis=1), [0.025, 0.975])
    assert (means.low, means.high) == (float(low), float(high))
    # integers 1..5 (questionnaire answers) go through the draw-count matrix, same numbers
    answers = rng.integers(1, 6, 700).astype(float)
    idx = np.random.default_rng(0).integers(0, 700, size=(1000, 700))
    low, high = np.quantile(answers[idx].mean(axis=1), [0.025, 0.975])
    assert (bootstrap_ci(answers).low, bootstrap_ci(answers).high) == (float(low), float(high))
