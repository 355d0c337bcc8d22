"""Benchmark: vectorized ``ranking_metrics`` against a straightforward per-user loop.

Run from the project root::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m tests.bench.bench_metrics [--quick]

Synthetic data: 100,000 users, 50,000 items, about 20 relevant items a user
(Poisson), top-10 lists with some hits planted, some lists padded with -1 and some
users without relevant items. Both implementations run in this process on the same
data; their per-user numbers are checked to agree to 1e-9 before timing counts.
Writes ``tests/bench/results/metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from recommender.metrics import ranking_metrics

RESULTS = Path(__file__).resolve().parent / "results" / "metrics.json"
NAMES = ("precision", "recall", "ndcg", "map", "mrr", "hit_rate")


def make_data(n_users, n_items, k, mean_relevant, seed=0):
    rng = np.random.default_rng(seed)
    n_rel = rng.poisson(mean_relevant, n_users)
    n_rel[rng.random(n_users) < 0.02] = 0  # some users with nothing relevant
    rows = np.repeat(np.arange(n_users), n_rel)
    cols = rng.integers(0, n_items, rows.size)
    relevant = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_users, n_items))
    relevant.sum_duplicates()
    # Duplicate-free lists: k distinct random items a row, then plant some hits.
    recommended = np.empty((n_users, k), dtype=np.int64)
    for j in range(k):
        recommended[:, j] = rng.integers(0, n_items, n_users)
    recommended = np.sort(recommended, axis=1)
    dup = np.zeros_like(recommended, dtype=bool)
    dup[:, 1:] = recommended[:, 1:] == recommended[:, :-1]
    recommended[dup] = -1
    recommended = rng.permuted(recommended, axis=1)
    has = np.diff(relevant.indptr) > 0
    first_rel = relevant.indices[relevant.indptr[:-1][has]]
    slot = rng.integers(0, k, has.sum())
    plant = np.flatnonzero(has)
    clash = (recommended[plant] == first_rel[:, None]).any(axis=1)
    recommended[plant[~clash], slot[~clash]] = first_rel[~clash]
    short = rng.random(n_users) < 0.05  # shorter lists, padded with -1
    recommended[short, k - 3 :] = -1
    return recommended, relevant


def loop_metrics(recommended, relevant, k, tuned=False):
    """The obvious way: one Python loop over users, a set per user.

    ``tuned=True`` converts each row to Python ints first (``tolist``), the usual
    first optimisation of such a loop; the default iterates numpy scalars.
    """
    indptr, indices = relevant.indptr, relevant.indices
    out = {name: [] for name in NAMES}
    for u in range(recommended.shape[0]):
        rel = indices[indptr[u] : indptr[u + 1]]
        row = recommended[u, :k]
        if tuned:
            rel, row = rel.tolist(), row.tolist()
        rel = set(rel)
        if not rel:
            for name in NAMES:
                out[name].append(math.nan)
            continue
        hits = 0
        dcg = 0.0
        ap = 0.0
        rr = 0.0
        for i, item in enumerate(row, start=1):
            if item in rel:
                hits += 1
                dcg += 1.0 / math.log2(i + 1)
                ap += hits / i
                if rr == 0.0:
                    rr = 1.0 / i
        idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(rel), k) + 1))
        out["precision"].append(hits / k)
        out["recall"].append(hits / len(rel))
        out["ndcg"].append(dcg / idcg)
        out["map"].append(ap / min(len(rel), k))
        out["mrr"].append(rr)
        out["hit_rate"].append(1.0 if hits else 0.0)
    return {name: np.array(v) for name, v in out.items()}


def best_of(fn, repeats):
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 users instead of 100,000")
    args = parser.parse_args()
    n_users = 10_000 if args.quick else 100_000
    n_items, k, mean_relevant = 50_000, 10, 20

    recommended, relevant = make_data(n_users, n_items, k, mean_relevant)
    loop_s, expected = best_of(lambda: loop_metrics(recommended, relevant, k), 2)
    tuned_s, tuned = best_of(lambda: loop_metrics(recommended, relevant, k, tuned=True), 2)
    vec_s, got = best_of(lambda: ranking_metrics(recommended, relevant, k, per_user=True), 5)
    max_diff = max(
        float(np.nanmax(np.abs(other[name] - expected[name])))
        for other in (got, tuned)
        for name in NAMES
    )
    same_nan = all(
        np.array_equal(np.isnan(other[name]), np.isnan(expected[name]))
        for other in (got, tuned)
        for name in NAMES
    )
    if max_diff > 1e-9 or not same_nan:
        raise SystemExit(f"vectorized and loop disagree: max |diff| = {max_diff}")
    means_s, means = best_of(lambda: ranking_metrics(recommended, relevant, k), 5)

    result = {
        "benchmark": "ranking_metrics",
        "n_users": n_users,
        "n_items": n_items,
        "k": k,
        "relevant_per_user_mean": float(np.diff(relevant.indptr).mean()),
        "loop_seconds": round(loop_s, 4),
        "tuned_loop_seconds": round(tuned_s, 4),
        "vectorized_per_user_seconds": round(vec_s, 4),
        "vectorized_means_seconds": round(means_s, 4),
        "speedup_vs_loop": round(loop_s / vec_s, 1),
        "speedup_vs_tuned_loop": round(tuned_s / vec_s, 1),
        "max_abs_difference": max_diff,
        "target": "under 0.1 s for 100,000 users and at least 10x the loop",
        "means": {name: round(v, 6) for name, v in means.items()},
        "python": platform.python_version(),
        "quick": args.quick,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")

    print(f"ranking_metrics, {n_users:,} users x {n_items:,} items, k={k}")
    print(f"{'implementation':<28}{'seconds':>10}{'ratio':>8}")
    print(f"{'per-user Python loop':<28}{loop_s:>10.3f}{1.0:>8.1f}")
    print(f"{'same loop with tolist()':<28}{tuned_s:>10.3f}{loop_s / tuned_s:>8.1f}")
    print(f"{'vectorized (per_user=True)':<28}{vec_s:>10.3f}{loop_s / vec_s:>8.1f}")
    print(f"{'vectorized (means)':<28}{means_s:>10.3f}{loop_s / means_s:>8.1f}")
    print(f"max |difference| = {max_diff:.1e}; written to {RESULTS}")


if __name__ == "__main__":
    main()
