"""The statistics the product uses (DESIGN.md, "Statistics the product uses").

- confidence intervals by bootstrap **over users**, 95 %, fixed seed (pages must not
  flicker): :func:`bootstrap_ci` for one value per user, :func:`cluster_bootstrap_ci` for
  many values per user (ratings), :func:`paired_bootstrap` for two models scored on the
  same users;
- paired and unpaired rank tests: :func:`wilcoxon_signed_rank` (per-user metric deltas),
  :func:`mann_whitney` (arms compared on ordinal ratings);
- :func:`kendall_tau` with its exact p-value for offline vs pilot agreement across model
  versions, saying when too few versions make any conclusion impossible;
- :func:`sample_ratio_mismatch`, the chi-square check of enrolled counts against arm
  weights.

All bootstrap functions use ``numpy.random.default_rng(seed)``: the same input and seed give
the same interval, bit for bit. Intervals are percentile intervals.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

#: Largest number of resampled values drawn at once (memory bound for big user sets).
_CHUNK_VALUES = 4_000_000


@dataclass(frozen=True)
class Interval:
    """A point estimate with a bootstrap confidence interval.

    Attributes
    ----------
    estimate : float
        The statistic on the data itself.
    low, high : float
        Percentile bounds of the bootstrap distribution.
    n : int
        Number of resampled units (users) with a value.
    confidence : float
        e.g. 0.95.
    """

    estimate: float
    low: float
    high: float
    n: int
    confidence: float = 0.95

    def as_dict(self) -> dict:
        return {
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class PairedDifference:
    """Mean of per-user differences ``b - a`` with a paired bootstrap interval.

    Attributes
    ----------
    delta : float
        mean(b - a) over users scored by both.
    low, high : float
        Percentile bootstrap interval of the mean difference.
    p_value : float
        Two-sided bootstrap p-value: twice the smaller share of resampled means on either
        side of 0 (capped at 1). Approximate; no smaller than 2 / n_boot unless 0.
    n : int
        Users with both values.
    confidence : float
    """

    delta: float
    low: float
    high: float
    p_value: float
    n: int
    confidence: float = 0.95


@dataclass(frozen=True)
class TestResult:
    """Outcome of a rank test.

    Attributes
    ----------
    statistic : float
        The test statistic (W for Wilcoxon, U of the first sample for Mann-Whitney).
    p_value : float
    n : int
        Observations used (non-zero differences for Wilcoxon, n1 + n2 for Mann-Whitney).
    effect : float
        Wilcoxon: matched-pairs rank-biserial correlation in [-1, 1] (positive: b > a).
        Mann-Whitney: probability that a random x exceeds a random y, ties counting half
        (U / (n1 n2)); 0.5 means no difference.
    method : str
        How the p-value was obtained ("exact", "asymptotic", ...).
    """

    __test__ = False  # not a pytest class

    statistic: float
    p_value: float
    n: int
    effect: float
    method: str


@dataclass(frozen=True)
class KendallResult:
    """Kendall's tau between two rankings of the same model versions.

    Attributes
    ----------
    tau : float
        tau-b (equal to tau-a without ties).
    p_value : float
    n : int
        Number of versions.
    method : str
        "exact" (no ties) or "asymptotic" (ties: no exact distribution).
    alternative : str
    min_p_value : float
        The smallest p-value any ordering of n versions can give with this test: 1/n!
        one-sided, 2/n! two-sided, for the exact test.
    conclusive : bool
        False when even perfect agreement could not reach ``alpha`` (``min_p_value >
        alpha``) or fewer than 3 versions were given: then do not draw conclusions.
    note : str
        A sentence to show next to the number, e.g. "With 3 model versions even perfect
        agreement has p = 1/6 (0.167): too few versions to conclude anything."
    """

    tau: float
    p_value: float
    n: int
    method: str
    alternative: str
    min_p_value: float
    conclusive: bool
    note: str


@dataclass(frozen=True)
class SampleRatioMismatch:
    """Chi-square test of enrolled counts per arm against the arms' weights.

    Attributes
    ----------
    chi2 : float
    p_value : float
    observed : tuple of int
    expected : tuple of float
        Total count shared out by weight.
    mismatch : bool
        True when ``p_value < threshold`` (0.001 by default): the assignment is not
        producing the intended ratio, so arm comparisons are suspect.
    threshold : float
    """

    chi2: float
    p_value: float
    observed: tuple
    expected: tuple
    mismatch: bool
    threshold: float


def _clean(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64).ravel()
    return values[~np.isnan(values)]


def _percentile_bounds(boot: np.ndarray, confidence: float) -> tuple[float, float]:
    alpha = 1.0 - confidence
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def _check_confidence(confidence: float, n_boot: int) -> None:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")


def _bootstrap_means(values: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Means of ``n_boot`` resamples (with replacement) of ``values``, in chunks."""
    weights = _integer_weights(values, n_boot, seed)
    if weights is not None:
        return (weights @ values) / values.size
    out = np.empty(n_boot)
    for start, idx in _resample_indices(values.size, n_boot, seed):
        out[start : start + len(idx)] = values[idx].mean(axis=1)
    return out


def bootstrap_ci(values, *, n_boot=1000, seed=0, confidence=0.95) -> Interval:
    r"""Mean of per-user values with a percentile bootstrap interval over users.

    Each resample draws n users with replacement and takes the mean of their values;
    the interval is the (alpha/2, 1 - alpha/2) quantiles of the ``n_boot`` means.
    NaN values (users for whom the metric is undefined) are dropped first.

    Parameters
    ----------
    values : array_like, shape (n_users,)
        One value per user (e.g. per-user NDCG@10).
    n_boot : int, default 1000
    seed : int, default 0
        Same seed and data, same interval.
    confidence : float, default 0.95

    Returns
    -------
    Interval
        ``estimate``, ``low`` and ``high`` are NaN when there is no value.

    Examples
    --------
    >>> ci = bootstrap_ci([0.0, 1.0] * 50)
    >>> ci.estimate, ci.low < 0.5 < ci.high
    (0.5, True)
    """
    _check_confidence(confidence, n_boot)
    values = _clean(values)
    if values.size == 0:
        return Interval(math.nan, math.nan, math.nan, 0, confidence)
    boot = _bootstrap_means(values, n_boot, seed)
    low, high = _percentile_bounds(boot, confidence)
    return Interval(float(values.mean()), low, high, int(values.size), confidence)


def cluster_bootstrap_ci(values, clusters, *, n_boot=1000, seed=0, confidence=0.95) -> Interval:
    r"""Mean of many values per user (ratings) with a bootstrap over users.

    A user's ratings are not independent of each other, so whole users are resampled:
    each resample draws users with replacement and computes
    :math:`\sum_{u} s_u / \sum_{u} n_u` (all ratings of the drawn users, a user drawn
    twice counting twice), where s_u and n_u are the sum and count of user u's values.

    Parameters
    ----------
    values : array_like, shape (n,)
        One value per observation (e.g. star ratings); NaN values are dropped.
    clusters : array_like, shape (n,)
        The user (any hashable id) of each observation.
    n_boot, seed, confidence
        As in :func:`bootstrap_ci`.

    Returns
    -------
    Interval
        ``estimate`` is the plain mean of all values; ``n`` the number of users.
    """
    _check_confidence(confidence, n_boot)
    values = np.asarray(values, dtype=np.float64).ravel()
    clusters = np.asarray(clusters).ravel()
    if values.size != clusters.size:
        raise ValueError("values and clusters must have the same length")
    keep = ~np.isnan(values)
    values, clusters = values[keep], clusters[keep]
    if values.size == 0:
        return Interval(math.nan, math.nan, math.nan, 0, confidence)
    _, code = np.unique(clusters, return_inverse=True)
    sums = np.bincount(code, weights=values)
    counts = np.bincount(code).astype(np.float64)
    interval = cluster_bootstrap_sums(sums, counts, n_boot=n_boot, seed=seed, confidence=confidence)
    return Interval(float(values.mean()), interval.low, interval.high, interval.n, confidence)


#: Resample index matrices kept for reuse (n * n_boot at most this many values each).
_CACHED_INDEX_VALUES = 1_000_000


@functools.lru_cache(maxsize=8)
def _cached_index(n: int, n_boot: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    idx.setflags(write=False)
    return idx


@functools.lru_cache(maxsize=8)
def _cached_weights(n: int, n_boot: int, seed: int) -> np.ndarray:
    """How many times each resample draws each user: row b counts user j in resample b."""
    idx = _cached_index(n, n_boot, seed)
    offsets = (np.arange(n_boot) * n)[:, None]
    weights = np.bincount((idx + offsets).ravel(), minlength=n_boot * n)
    weights = weights.reshape(n_boot, n).astype(np.float64)
    weights.setflags(write=False)
    return weights


def _integer_weights(values: np.ndarray, n_boot: int, seed: int):
    """The cached draw-count matrix when ``values`` are integers small enough to sum exactly.

    Then ``weights @ values`` equals ``values[idx].sum(axis=1)`` bit for bit (every partial
    sum is an integer below 2**53, exact in float64 in any order) and is far cheaper.
    None otherwise (the caller gathers ``values[idx]``).
    """
    n = values.size
    if n * n_boot > _CACHED_INDEX_VALUES or n == 0:
        return None
    if not np.array_equal(values, np.round(values)):
        return None
    if float(np.abs(values).max()) * n >= 2.0**52:
        return None
    return _cached_weights(n, n_boot, seed)


def _resample_indices(n: int, n_boot: int, seed: int):
    """The (rows of) user indices each resample draws, chunk by chunk.

    The draws depend only on (n, n_boot, seed), so the same matrix serves every statistic
    computed over n users with that seed; small ones are kept (``_cached_index``) and large
    ones drawn afresh in chunks of at most ``_CHUNK_VALUES`` values, exactly as drawn
    before: the chunks concatenated equal the cached matrix.
    """
    if n * n_boot <= _CACHED_INDEX_VALUES:
        yield 0, _cached_index(n, n_boot, seed)
        return
    rng = np.random.default_rng(seed)
    chunk = max(1, _CHUNK_VALUES // n)
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        yield start, rng.integers(0, n, size=(stop - start, n))


def cluster_bootstrap_sums(sums, counts, *, n_boot=1000, seed=0, confidence=0.95) -> Interval:
    r""":func:`cluster_bootstrap_ci` from each user's sum and count of values (aggregated form).

    A resample of users only needs, per user, the sum :math:`s_u` and the number
    :math:`n_u` of their values, so the rows themselves need not be at hand (they can be
    aggregated per user in SQL). Give the users in the order of their sorted ids (the order
    ``numpy.unique`` puts them in, as the row form does) and the interval is the row
    form's, bit for bit, for the same seed; so is the estimate
    :math:`\sum_u s_u / \sum_u n_u` whenever the values are integers (stars, 0/1 shares),
    and within float rounding otherwise.

    Parameters
    ----------
    sums, counts : array_like, shape (n_users,)
        Sum and number of each user's (non-NaN) values; users with a count of 0 are
        dropped.
    n_boot, seed, confidence
        As in :func:`bootstrap_ci`.
    """
    _check_confidence(confidence, n_boot)
    sums = np.asarray(sums, dtype=np.float64).ravel()
    counts = np.asarray(counts, dtype=np.float64).ravel()
    if sums.size != counts.size:
        raise ValueError("sums and counts must have the same length")
    if np.isnan(sums).any() or np.isnan(counts).any() or (counts < 0).any():
        raise ValueError("sums and counts must be numbers, counts not negative")
    keep = counts > 0
    sums, counts = sums[keep], counts[keep]
    n = sums.size
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, confidence)
    weights = _integer_weights(sums, n_boot, seed)
    if weights is not None:
        boot = (weights @ sums) / (weights @ counts)
    else:
        boot = np.empty(n_boot)
        for start, idx in _resample_indices(n, n_boot, seed):
            boot[start : start + len(idx)] = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    low, high = _percentile_bounds(boot, confidence)
    return Interval(float(sums.sum() / counts.sum()), low, high, int(n), confidence)


def _paired(a, b) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError("a and b must hold one value per user, in the same order")
    keep = ~(np.isnan(a) | np.isnan(b))
    return a[keep], b[keep]


def paired_bootstrap(a, b, *, n_boot=1000, seed=0, confidence=0.95) -> PairedDifference:
    r"""Mean per-user difference ``b - a`` with a paired bootstrap interval over users.

    The same resampled users are used for both models (resampling the differences
    :math:`d_u = b_u - a_u`), which removes the between-user variance that an unpaired
    comparison would carry. Users missing either value (NaN) are dropped.

    Parameters
    ----------
    a, b : array_like, shape (n_users,)
        Per-user values of model A and model B, aligned by user.
    n_boot, seed, confidence
        As in :func:`bootstrap_ci`.

    Returns
    -------
    PairedDifference

    Examples
    --------
    >>> r = paired_bootstrap([0.1, 0.2, 0.3, 0.4] * 10, [0.2, 0.3, 0.4, 0.5] * 10)
    >>> round(r.delta, 10), round(r.low, 10), round(r.high, 10), r.p_value
    (0.1, 0.1, 0.1, 0.0)
    """
    _check_confidence(confidence, n_boot)
    a, b = _paired(a, b)
    if a.size == 0:
        return PairedDifference(math.nan, math.nan, math.nan, math.nan, 0, confidence)
    diff = b - a
    boot = _bootstrap_means(diff, n_boot, seed)
    low, high = _percentile_bounds(boot, confidence)
    if np.all(diff == 0):
        p = 1.0
    else:
        p = min(1.0, 2.0 * min(np.mean(boot <= 0), np.mean(boot >= 0)))
    return PairedDifference(float(diff.mean()), low, high, float(p), int(a.size), confidence)


def wilcoxon_signed_rank(a, b, *, alternative="two-sided") -> TestResult:
    r"""Wilcoxon signed-rank test of per-user differences ``b - a`` (paired, two models).

    Zero differences are dropped (Wilcoxon's original treatment); with nothing left the
    models are indistinguishable on these users and the result is p = 1. The p-value is
    exact for up to 50 non-zero differences without ties, from the normal approximation
    (with tie correction) otherwise.

    The effect size is the matched-pairs rank-biserial correlation
    :math:`r = (W^+ - W^-) / (W^+ + W^-)`, from -1 (every user worse under b) to 1.

    Parameters
    ----------
    a, b : array_like, shape (n_users,)
        Per-user values, aligned by user; pairs with a NaN are dropped.
    alternative : {"two-sided", "greater", "less"}
        "greater": b tends to be larger than a.

    Returns
    -------
    TestResult
    """
    a, b = _paired(a, b)
    diff = b - a
    diff = diff[diff != 0]
    if diff.size == 0:
        return TestResult(math.nan, 1.0, 0, 0.0, "no differences")
    ranks = _st.rankdata(np.abs(diff))
    w_plus = float(ranks[diff > 0].sum())
    w_minus = float(ranks[diff < 0].sum())
    no_ties = np.unique(np.abs(diff)).size == diff.size
    method = "exact" if diff.size <= 50 and no_ties else "asymptotic"
    res = _st.wilcoxon(diff, alternative=alternative, method=method)
    effect = (w_plus - w_minus) / (w_plus + w_minus)
    return TestResult(float(res.statistic), float(res.pvalue), int(diff.size), effect, method)


def mann_whitney(x, y, *, alternative="two-sided") -> TestResult:
    """Mann-Whitney U test between two independent samples (e.g. two arms' ratings).

    Ratings are ordinal, so a rank test rather than a t-test. The p-value is exact for
    at most 100 observations without ties, from the normal approximation with tie and
    continuity correction otherwise (star ratings always tie). Note that ratings of one
    participant are not independent; for a per-participant comparison pass one value per
    participant (e.g. their mean rating).

    Parameters
    ----------
    x, y : array_like
        The two samples; NaN values are dropped.
    alternative : {"two-sided", "greater", "less"}
        "greater": x tends to be larger than y.

    Returns
    -------
    TestResult
        ``statistic`` is U of ``x``; ``effect`` is U / (n_x n_y), the probability that a
        random x beats a random y with ties counting half (0.5: no difference).
    """
    x, y = _clean(x), _clean(y)
    if x.size == 0 or y.size == 0:
        return TestResult(math.nan, math.nan, int(x.size + y.size), math.nan, "empty sample")
    ties = np.unique(np.concatenate([x, y])).size < x.size + y.size
    method = "exact" if x.size + y.size <= 100 and not ties else "asymptotic"
    res = _st.mannwhitneyu(x, y, alternative=alternative, method=method)
    effect = float(res.statistic) / (x.size * y.size)
    return TestResult(float(res.statistic), float(res.pvalue), int(x.size + y.size), effect, method)


def kendall_tau(x, y, *, alternative="greater", alpha=0.05) -> KendallResult:
    r"""Kendall's tau between offline metrics and pilot scores across model versions.

    With n versions and no ties the p-value is exact (the permutation distribution of
    tau over all n! orderings). The smallest p-value n versions can reach is 1/n!
    one-sided: with **three versions even perfect agreement has p = 1/6**, so no
    agreement between offline and pilot rankings can be called significant; the
    ``note`` says so instead of inviting a conclusion. With ties no exact distribution
    exists and the normal approximation is used.

    Parameters
    ----------
    x, y : array_like, shape (n_versions,)
        e.g. offline NDCG@10 and mean pilot rating of each model version.
    alternative : {"greater", "two-sided", "less"}, default "greater"
        "greater" asks whether the rankings *agree* (the question the dashboard asks).
    alpha : float, default 0.05
        Level used for ``conclusive``.

    Returns
    -------
    KendallResult

    Examples
    --------
    >>> r = kendall_tau([0.1, 0.2, 0.3], [3.1, 3.5, 4.0])
    >>> r.tau, round(r.p_value, 4), r.conclusive
    (1.0, 0.1667, False)
    """
    x, y = _paired(x, y)
    n = int(x.size)
    if n < 2:
        return KendallResult(
            math.nan, math.nan, n, "none", alternative, 1.0, False,
            f"Kendall's tau needs at least 2 model versions; got {n}.",
        )  # fmt: skip
    ties = np.unique(x).size < n or np.unique(y).size < n
    method = "asymptotic" if ties else "exact"
    res = _st.kendalltau(x, y, method=method, alternative=alternative)
    one_sided = alternative != "two-sided"
    min_p = min(1.0, (1.0 if one_sided else 2.0) / math.factorial(n))
    conclusive = n >= 3 and min_p <= alpha
    tau, p = float(res.statistic), float(res.pvalue)
    if conclusive:
        note = f"tau = {tau:.2f} over {n} model versions ({method} p = {p:.3g})."
    else:
        fraction = f"1/{math.factorial(n) // (1 if one_sided else 2)}"
        note = (
            f"With {n} model versions even perfect agreement has p = {fraction} "
            f"({min_p:.3g}): too few versions to conclude anything; "
            "read tau as a description, not as evidence."
        )
    return KendallResult(tau, p, n, method, alternative, min_p, conclusive, note)


def sample_ratio_mismatch(counts, weights, *, threshold=0.001) -> SampleRatioMismatch:
    r"""Chi-square goodness-of-fit of enrolled counts per arm against the arm weights.

    .. math:: \chi^2 = \sum_a (O_a - E_a)^2 / E_a, \quad E_a = N w_a / \sum w

    with k - 1 degrees of freedom. A p-value below ``threshold`` (0.001, the usual
    sample-ratio-mismatch alarm level) flags a broken assignment.

    Parameters
    ----------
    counts : array_like of int, shape (n_arms,)
        Participants enrolled per arm.
    weights : array_like, shape (n_arms,)
        Arm weights (any positive scale).
    threshold : float, default 0.001

    Returns
    -------
    SampleRatioMismatch

    Examples
    --------
    >>> sample_ratio_mismatch([500, 500], [1, 1]).mismatch
    False
    >>> sample_ratio_mismatch([600, 400], [1, 1]).mismatch
    True
    """
    observed = np.asarray(counts, dtype=np.float64).ravel()
    weights = np.asarray(weights, dtype=np.float64).ravel()
    if observed.shape != weights.shape or observed.size < 2:
        raise ValueError("need one count and one weight per arm, for at least two arms")
    if np.any(weights <= 0) or np.any(observed < 0):
        raise ValueError("weights must be positive and counts non-negative")
    total = observed.sum()
    if total == 0:
        expected = np.zeros_like(weights)
        return SampleRatioMismatch(
            math.nan, math.nan, tuple(int(c) for c in observed), tuple(expected), False, threshold
        )
    expected = total * weights / weights.sum()
    chi2, p = _st.chisquare(observed, expected)
    return SampleRatioMismatch(
        float(chi2),
        float(p),
        tuple(int(c) for c in observed),
        tuple(float(e) for e in expected),
        bool(p < threshold),
        threshold,
    )


@dataclass(frozen=True)
class Power:
    """Minimum detectable effect of a two-arm comparison, ratings clustered by user.

    Attributes
    ----------
    mde : float
        Smallest true difference of means detected with the given power (two-sided).
    between_var, within_var : float
        Variance of users' true means (sigma_b^2) and of ratings around them (sigma_w^2).
    ratings_per_week : float
        Mean ratings per user and week (m).
    n_a, n_b : int
        Users per arm.
    weeks : float
        Weeks the variance of a user's mean is computed for.
    """

    mde: float
    between_var: float
    within_var: float
    ratings_per_week: float
    n_a: int
    n_b: int
    weeks: float


def _variance_parts(values, clusters) -> tuple[float, float, float]:
    """One-way ANOVA estimates (sigma_b^2, sigma_w^2, mean values per cluster)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    clusters = np.asarray(clusters).ravel()
    keep = ~np.isnan(values)
    values, clusters = values[keep], clusters[keep]
    _, code = np.unique(clusters, return_inverse=True)
    n_i = np.bincount(code).astype(np.float64)
    g, n = n_i.size, values.size
    if g < 2 or n <= g:
        return math.nan, math.nan, float(n / g) if g else math.nan
    means = np.bincount(code, weights=values) / n_i
    ss_within = float(((values - means[code]) ** 2).sum())
    ss_between = float((n_i * (means - values.mean()) ** 2).sum())
    ms_within = ss_within / (n - g)
    ms_between = ss_between / (g - 1)
    n0 = (n - (n_i**2).sum() / n) / (g - 1)
    return float(max(0.0, (ms_between - ms_within) / n0)), float(ms_within), float(n / g)


def minimum_detectable_effect(
    a_values, a_clusters, b_values, b_clusters, *, weeks, alpha=0.05, power=0.8
) -> Power:
    r"""MDE of the difference in mean rating between two arms, users as clusters.

    Each user's mean is the unit of analysis. With sigma_b^2 the between-user variance
    and sigma_w^2 the within-user variance (one-way ANOVA estimates pooled over both
    arms' ratings) and m ratings per user and week, a user's mean over w weeks has

    .. math:: \operatorname{Var}(\bar y_u) = \sigma_b^2 + \sigma_w^2 / (m w)

    and the two-sided test at level alpha with the given power detects

    .. math:: \mathrm{MDE} = (z_{1-\alpha/2} + z_{\mathrm{power}})
              \sqrt{\operatorname{Var}(\bar y_u)\,(1/n_a + 1/n_b)}.

    ``a_values`` may be 0/1 (liked share) as well as stars. ``weeks`` is the number of
    weeks the users' means are taken over (weeks run so far, or a planned total).
    """
    va, ca = np.asarray(a_values, dtype=float), np.asarray(a_clusters)
    vb, cb = np.asarray(b_values, dtype=float), np.asarray(b_clusters)
    values = np.concatenate([va, vb])
    clusters = np.concatenate(
        [np.char.add("a:", ca.astype(str)), np.char.add("b:", cb.astype(str))]
    )
    sb2, sw2, per_user = _variance_parts(values, clusters)
    n_a, n_b = int(np.unique(ca).size), int(np.unique(cb).size)
    m = per_user / weeks if weeks else math.nan
    if n_a == 0 or n_b == 0 or math.isnan(sb2) or not weeks:
        return Power(math.nan, sb2, sw2, m, n_a, n_b, float(weeks or 0))
    z = _st.norm.ppf(1 - alpha / 2) + _st.norm.ppf(power)
    var_mean = sb2 + sw2 / (m * weeks)
    mde = float(z * math.sqrt(var_mean * (1 / n_a + 1 / n_b)))
    return Power(mde, sb2, sw2, float(m), n_a, n_b, float(weeks))


def weeks_needed(result: Power, effect: float, *, alpha=0.05, power=0.8) -> float:
    r"""Total weeks for the same users to detect ``effect`` (inf when no run is long enough).

    Solves :math:`\sigma_b^2 + \sigma_w^2/(m w) \le (\delta / z)^2 / (1/n_a + 1/n_b)`
    for w; when sigma_b^2 alone exceeds the bound only more users help.
    """
    if effect <= 0 or math.isnan(result.mde):
        return math.nan
    z = _st.norm.ppf(1 - alpha / 2) + _st.norm.ppf(power)
    bound = (effect / z) ** 2 / (1 / result.n_a + 1 / result.n_b)
    room = bound - result.between_var
    if room <= 0:
        return math.inf
    return float(result.within_var / (result.ratings_per_week * room))
