"""Benchmark: offline quality of ALS, BPR, ItemKNN and popularity on MovieLens (small).

Run from the project root::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m tests.bench.bench_quality [--quick]

Data: ``../shared/data/ml-latest-small/ratings.csv`` (or ``$MOVIELENS_DIR``). Ratings of 4
stars or more are the positives (implicit feedback, weight 1). Two temporal splits:

- **per-user** (the headline): each user's latest 20% of positives (at least one) are the
  test set, the rest train. Users of this data set rate in bursts, so
- a **global cutoff** (the day by which 80% of the positives happened; train before, test at
  or after) leaves only about 20 users with positives on both sides. It is reported too, for
  honesty, but 20 users cannot separate the models.

Evaluated users: those with at least one training positive and one test positive on a movie
known at training time (a model cannot recommend a movie it never saw; test positives on
new movies are counted and left out). Already-seen movies are excluded from every list.

Metrics at k = 10 as DESIGN.md defines them (``recommender.metrics.ranking_metrics``, means
over evaluated users) and catalog coverage (distinct recommended movies / movies known at
training time). ALS is compared with popularity per user (paired bootstrap over users, 95%).
``--quick`` trains fewer iterations. Writes ``tests/bench/results/quality.json``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402

from recommender.data import Interactions, split_by_time  # noqa: E402
from recommender.metrics import catalog_coverage, ranking_metrics  # noqa: E402
from recommender.models import ALS, BPR, ItemKNN, Popularity  # noqa: E402
from recommender.stats import paired_bootstrap  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("MOVIELENS_DIR", ROOT.parent / "shared/data/ml-latest-small"))
RESULTS = Path(__file__).resolve().parent / "results" / "quality.json"
K = 10
METRICS = ("precision", "recall", "ndcg", "map")
TEST_SHARE = 0.2


def models(quick):
    """The compared models with the parameters recorded in the results.

    Parameters were chosen by NDCG@10 on a validation split of the *training* positives
    (each user's latest 20% of them), never on the test positives: ALS from factors {32, 64}
    x regularization {0.05, 0.5, 5} x alpha {1, 10, 40}; BPR from factors {32, 64} x
    learning rate {0.01, 0.05, 0.1} x regularization {0.01, 0.1} x iterations {100, 400};
    ItemKNN from cosine / BM25 x neighbours {20, 50, 100, 200}.
    """
    return {
        "ALS": ALS(factors=32, regularization=5.0, alpha=1.0, iterations=8 if quick else 15),
        "BPR": BPR(factors=32, learning_rate=0.01, regularization=0.01, iterations=100),
        "ItemKNN": ItemKNN(similarity="cosine", neighbours=100),
        "Popularity": Popularity(mode="global"),
    }


def load_positives():
    ratings = pd.read_csv(DATA_DIR / "ratings.csv")
    positives = ratings[ratings["rating"] >= 4].reset_index(drop=True)
    positives["timestamp"] = pd.to_datetime(positives["timestamp"], unit="s", utc=True)
    return ratings, positives


def temporal_split(positives):
    """Cut at the start of the day by which (1 - TEST_SHARE) of the positives happened."""
    cutoff = positives["timestamp"].quantile(1 - TEST_SHARE).floor("D")
    return split_by_time(positives, cutoff)


def relevant_matrix(test, users, item_ids):
    """CSR (len(users), len(item_ids)) of test positives on training items, and drop count."""
    user_pos = pd.Series(np.arange(len(users)), index=users)
    item_pos = pd.Series(np.arange(len(item_ids)), index=item_ids)
    rows = user_pos.reindex(test["userId"]).to_numpy()
    cols = item_pos.reindex(test["movieId"]).to_numpy()
    known = ~np.isnan(rows) & ~np.isnan(cols)
    dropped = int((~np.isnan(rows) & np.isnan(cols)).sum())
    relevant = sp.csr_matrix(
        (np.ones(known.sum()), (rows[known].astype(np.int64), cols[known].astype(np.int64))),
        shape=(len(users), len(item_ids)),
    )
    relevant.sum_duplicates()
    relevant.data[:] = 1.0
    return relevant, dropped


def as_index_array(item_lists, item_ids, k):
    """External ids per user -> (n_users, k) column indices padded with -1."""
    item_pos = pd.Series(np.arange(len(item_ids)), index=item_ids)
    out = np.full((len(item_lists), k), -1, dtype=np.int64)
    for r, items in enumerate(item_lists):
        cols = item_pos.reindex(items[:k]).to_numpy()
        if np.isnan(cols).any():
            raise SystemExit("a model recommended a movie outside the training vocabulary")
        out[r, : cols.size] = cols.astype(np.int64)
    return out


def per_user_temporal_split(positives):
    """Each user's latest TEST_SHARE of positives (at least one) test, the rest train."""
    ordered = positives.sort_values(["userId", "timestamp", "movieId"], kind="stable")
    from_end = ordered.groupby("userId").cumcount(ascending=False)
    size = ordered.groupby("userId")["movieId"].transform("size")
    is_test = from_end < np.ceil(TEST_SHARE * size)
    is_test &= size >= 2  # a user needs something to learn from
    return ordered[~is_test], ordered[is_test]


def evaluate(train_frame, test_frame, quick):
    """Fit every model on ``train_frame``, score it on ``test_frame``: summary and per user."""
    train = Interactions.from_frame(
        train_frame, user_col="userId", item_col="movieId", time_col="timestamp"
    )
    test_users = set(test_frame["userId"].unique())
    candidates = np.array([u for u in train.user_ids if u in test_users])
    relevant, dropped = relevant_matrix(test_frame, candidates, train.item_ids)
    has_relevant = np.diff(relevant.indptr) > 0
    users = candidates[has_relevant]
    relevant = relevant[has_relevant]

    results, per_user = {}, {}
    for name, model in models(quick).items():
        start = time.perf_counter()
        model.fit(train)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        recs = model.recommend(users.tolist(), K, exclude_seen=True, explain=False)
        recommend_s = time.perf_counter() - start
        recommended = as_index_array(recs.item_lists(), train.item_ids, K)
        means = ranking_metrics(recommended, relevant, K)
        per_user[name] = ranking_metrics(recommended, relevant, K, per_user=True)
        results[name] = {
            "params": {key: _jsonable(v) for key, v in model.get_params().items()},
            **{m: round(float(means[m]), 4) for m in (*METRICS, "mrr", "hit_rate")},
            "coverage": round(catalog_coverage(recommended, len(train.item_ids)), 4),
            "fit_seconds": round(fit_s, 2),
            "recommend_seconds": round(recommend_s, 3),
        }

    margins = {}
    for metric in METRICS:
        diff = paired_bootstrap(per_user["Popularity"][metric], per_user["ALS"][metric], seed=0)
        base = results["Popularity"][metric]
        margins[metric] = {
            "als_minus_popularity": round(diff.delta, 4),
            "ci95": [round(diff.low, 4), round(diff.high, 4)],
            "relative": round(diff.delta / base, 3) if base else None,
            "p_value": diff.p_value,
        }
    summary = {
        "train_positives": len(train_frame),
        "test_positives": len(test_frame),
        "test_positives_on_unknown_movies": dropped,
        "train_users": len(train.user_ids),
        "train_items": len(train.item_ids),
        "evaluated_users": len(users),
        "models": results,
        "als_vs_popularity": margins,
        "als_clearly_beats_popularity": all(m["ci95"][0] > 0 for m in margins.values()),
    }
    return summary


def print_table(title, summary):
    print(title)
    print(f"{'model':<12}" + "".join(f"{m + '@10':>14}" for m in METRICS) + f"{'coverage':>10}")
    for name, res in summary["models"].items():
        print(
            f"{name:<12}"
            + "".join(f"{res[m]:>14.4f}" for m in METRICS)
            + f"{res['coverage']:>10.4f}"
        )
    for metric, m in summary["als_vs_popularity"].items():
        relative = "" if m["relative"] is None else f", {m['relative']:+.0%} relative"
        print(
            f"  ALS - popularity, {metric}@{K}: {m['als_minus_popularity']:+.4f} "
            f"(95% CI {m['ci95'][0]:+.4f} .. {m['ci95'][1]:+.4f}{relative})"
        )
    print(
        f"  ALS beats popularity on every metric (CI above 0): "
        f"{summary['als_clearly_beats_popularity']}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer training iterations")
    args = parser.parse_args()

    ratings, positives = load_positives()
    train_frame, test_frame = per_user_temporal_split(positives)
    per_user_split = evaluate(train_frame, test_frame, args.quick)
    cutoff_split = temporal_split(positives)
    global_split = evaluate(cutoff_split.train, cutoff_split.test, args.quick)
    global_split["cutoff"] = cutoff_split.cutoff.isoformat()

    rows = [
        {
            "split": split_name,
            "model": name,
            **{f"{m}@{K}": res[m] for m in METRICS},
            "coverage": res["coverage"],
            "users": summary["evaluated_users"],
        }
        for split_name, summary in (
            ("per-user last 20%", per_user_split),
            ("global cutoff", global_split),
        )
        for name, res in summary["models"].items()
    ]
    result = {
        "benchmark": "offline quality on MovieLens ml-latest-small",
        "data": str(DATA_DIR / "ratings.csv"),
        "ratings": len(ratings),
        "positives_rating_at_least_4": len(positives),
        "k": K,
        "per_user_temporal_split": per_user_split,
        "global_cutoff_split": global_split,
        "als_clearly_beats_popularity": per_user_split["als_clearly_beats_popularity"],
        "rows": rows,
        "quick": args.quick,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")

    print_table(
        f"MovieLens small, positives = rating >= 4, k = {K}\n"
        f"per-user temporal split (each user's latest 20% of positives): "
        f"{per_user_split['evaluated_users']} users",
        per_user_split,
    )
    print_table(
        f"global cutoff {cutoff_split.cutoff:%Y-%m-%d} (last 20% of positives): only "
        f"{global_split['evaluated_users']} users have positives on both sides",
        global_split,
    )
    print(f"written to {RESULTS}")


def _jsonable(value):
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


if __name__ == "__main__":
    main()
