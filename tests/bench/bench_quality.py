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
"What if we add one column?" (per-user split): ALS as above, trained without and with the
item side feature ``genres`` (``movies.csv``, one pseudo-user per genre), and with ``genres``
plus a user side feature derived from the training positives only (each user's most-watched
genre, ``top_genre``). The feature weight of each variant is chosen by NDCG@10 on the same
validation split of the training positives. Each variant is compared with plain ALS by
``recommender.compare`` on the evaluated users: mean per-user deltas of precision, recall,
NDCG and MAP with paired bootstrap 95% intervals and the Wilcoxon test, Jaccard@10 and RBO
between the two lists, and catalog coverage side by side; also by how many training
positives a user has (side features should matter most for users with few).

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

from recommender.compare import compare  # noqa: E402
from recommender.data import Interactions, split_by_time  # noqa: E402
from recommender.evaluate import score_lists  # noqa: E402
from recommender.metrics import catalog_coverage, ranking_metrics  # noqa: E402
from recommender.models import ALS, BPR, ItemKNN, Popularity  # noqa: E402
from recommender.stats import paired_bootstrap  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("MOVIELENS_DIR", ROOT.parent / "shared/data/ml-latest-small"))
RESULTS = Path(__file__).resolve().parent / "results" / "quality.json"
K = 10
METRICS = ("precision", "recall", "ndcg", "map")
TEST_SHARE = 0.2
#: Side-feature weights tried on the validation split ("what if we add one column?").
FEATURE_WEIGHTS = (0.1, 0.3, 1.0, 3.0)
#: The variants compared with plain ALS: label -> side-feature parameters.
SIDE_FEATURES = {
    "ALS + genres": {"item_features": ("genres",)},
    "ALS + genres + top genre": {"item_features": ("genres",), "user_features": ("top_genre",)},
}
#: Bins of training positives per user for the breakdown of the deltas.
HISTORY_BINS = ((1, 9, "1-9"), (10, 49, "10-49"), (50, None, "50+"))


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


def protocol(train_frame, test_frame):
    """Training matrix, evaluated users, their relevant matrix and the dropped test count."""
    train = Interactions.from_frame(
        train_frame, user_col="userId", item_col="movieId", time_col="timestamp"
    )
    test_users = set(test_frame["userId"].unique())
    candidates = np.array([u for u in train.user_ids if u in test_users])
    relevant, dropped = relevant_matrix(test_frame, candidates, train.item_ids)
    has_relevant = np.diff(relevant.indptr) > 0
    return train, candidates[has_relevant], relevant[has_relevant], dropped


def evaluate(train_frame, test_frame, quick):
    """Fit every model on ``train_frame``, score it on ``test_frame``: summary and per user."""
    train, users, relevant, dropped = protocol(train_frame, test_frame)

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


def load_genres():
    """``item, genres`` (list of genres; none for "(no genres listed)") from movies.csv."""
    movies = pd.read_csv(DATA_DIR / "movies.csv")
    genres = [[] if text == "(no genres listed)" else text.split("|") for text in movies["genres"]]
    return pd.DataFrame({"item": movies["movieId"], "genres": genres})


def top_genres(train_frame, genres):
    """``user, top_genre``: each user's most frequent genre among their training positives.

    Ties go to the genre name first in alphabetical order. Derived from the training
    positives only, so the test period leaks nothing into the feature.
    """
    exploded = genres.explode("genres").dropna(subset=["genres"])
    pairs = train_frame[["userId", "movieId"]].merge(
        exploded, left_on="movieId", right_on="item", how="inner"
    )
    counts = pairs.groupby(["userId", "genres"]).size().rename("n").reset_index()
    counts = counts.sort_values(["userId", "n", "genres"], ascending=[True, False, True])
    top = counts.drop_duplicates("userId")
    return pd.DataFrame({"user": top["userId"].to_numpy(), "top_genre": top["genres"].to_numpy()})


def als_variant(quick, features, weight):
    """The benchmark's ALS with side-feature parameters added."""
    params = models(quick)["ALS"].get_params()
    return ALS(**{**params, **features, "feature_weight": weight})


def score_variant(model, train_frame, test_frame, genres, segments=None):
    """Fit ``model`` (with its side features) and score it: an ``EvaluationResult``.

    Same protocol as :func:`evaluate` (evaluated users, test positives on training movies),
    scored by ``recommender.evaluate.score_lists``.
    """
    train, users, _, _ = protocol(train_frame, test_frame)
    model.fit(train, item_features=genres, user_features=top_genres(train_frame, genres))
    recs = model.recommend(users.tolist(), K, exclude_seen=True, explain=False)
    test = test_frame[test_frame["userId"].isin(users) & test_frame["movieId"].isin(train.item_ids)]
    test = pd.DataFrame({"user": test["userId"].to_numpy(), "item": test["movieId"].to_numpy()})
    lists = dict(zip(recs.users, recs.item_lists(), strict=True))
    return score_lists(lists, test, train, K, segments=segments, months=False, seed=0)


def choose_weight(train_frame, genres, quick, features):
    """Feature weight with the best NDCG@10 on a validation split of the training positives."""
    fit_part, validation = per_user_temporal_split(train_frame)
    found = {
        weight: score_variant(
            als_variant(quick, features, weight), fit_part, validation, genres
        ).metric("ndcg")
        for weight in FEATURE_WEIGHTS
    }
    return max(found, key=lambda w: (found[w], -w)), found


def history_bins(train_frame):
    """User -> bin label of their number of training positives (:data:`HISTORY_BINS`)."""
    sizes = train_frame.groupby("userId").size()
    out = {}
    for user, n in sizes.items():
        for low, high, label in HISTORY_BINS:
            if n >= low and (high is None or n <= high):
                out[user] = label
    return out


def side_feature_comparison(train_frame, test_frame, quick):
    """Plain ALS against ALS with side features on the per-user split (B - A deltas)."""
    genres = load_genres()
    bins = history_bins(train_frame)
    base = score_variant(
        als_variant(quick, {}, 1.0), train_frame, test_frame, genres, segments=bins
    )
    fit_part, validation_part = per_user_temporal_split(train_frame)
    plain_validation = score_variant(als_variant(quick, {}, 1.0), fit_part, validation_part, genres)
    variants = {}
    for label, features in SIDE_FEATURES.items():
        weight, validation = choose_weight(train_frame, genres, quick, features)
        model = als_variant(quick, features, weight)
        result = score_variant(model, train_frame, test_frame, genres, segments=bins)
        comparison = compare(
            base, result, metrics=("precision", "recall", "ndcg", "map"), names=("ALS", label)
        )
        deltas = {
            metric: {
                "delta": round(float(row["delta"]), 4),
                "ci95": [round(float(row["low"]), 4), round(float(row["high"]), 4)],
                "p_bootstrap": round(float(row["p_bootstrap"]), 4),
                "p_wilcoxon": round(float(row["p_wilcoxon"]), 4),
            }
            for metric, row in comparison.deltas.iterrows()
        }
        by_history = {}
        for segment, row in comparison.segments.iterrows():
            in_bin = comparison.per_user[comparison.per_user["segment"] == segment]
            ndcg = paired_bootstrap(
                in_bin["ndcg_a"].to_numpy(), in_bin["ndcg_b"].to_numpy(), seed=0
            )
            by_history[segment] = {
                "users": int(row["n"]),
                "jaccard": round(float(row["jaccard"]), 3),
                **{f"{m}_delta": round(float(row[f"{m}_delta"]), 4) for m in METRICS},
                "ndcg_delta_ci95": [round(ndcg.low, 4), round(ndcg.high, 4)],
            }
        by_history = {label: by_history[label] for *_, label in HISTORY_BINS if label in by_history}
        variants[label] = {
            "params": {key: _jsonable(v) for key, v in model.get_params().items()},
            "feature_weight": weight,
            "validation_ndcg_by_weight": {str(w): round(v, 4) for w, v in validation.items()},
            "n_item_features": int(model.item_feature_names_.size),
            "n_user_features": int(model.user_feature_names_.size),
            **{m: round(result.metric(m), 4) for m in METRICS},
            "coverage": round(result.beyond["catalog_coverage"], 4),
            "coverage_delta": round(
                result.beyond["catalog_coverage"] - base.beyond["catalog_coverage"], 4
            ),
            "deltas_vs_als": deltas,
            "jaccard_at_10": round(comparison.overlap["jaccard"], 3),
            "rbo": round(comparison.overlap["rbo"], 3),
            "identical_lists_share": round(comparison.overlap["identical_share"], 3),
            "by_training_positives": by_history,
        }
    return {
        "split": "per-user last 20%",
        "evaluated_users": int(base.info["n_users"]),
        "feature_weights_tried": list(FEATURE_WEIGHTS),
        "validation_ndcg_without_features": round(plain_validation.metric("ndcg"), 4),
        "ALS": {
            **{m: round(base.metric(m), 4) for m in METRICS},
            "coverage": round(base.beyond["catalog_coverage"], 4),
        },
        "variants": variants,
    }


def print_side_features(side):
    print(
        f'"What if we add one column?" ALS on the per-user split, {side["evaluated_users"]} '
        f"users; deltas B - A, paired bootstrap 95% CI over users"
    )
    header = f"{'model':<26}" + "".join(f"{m + '@10':>14}" for m in METRICS)
    print(header + f"{'coverage':>10}{'weight':>8}{'Jaccard@10':>12}")
    rows = [("ALS", side["ALS"], None)] + [(k, v, v) for k, v in side["variants"].items()]
    for label, res, variant in rows:
        tail = f"{'':>8}{'':>12}"
        if variant is not None:
            tail = f"{variant['feature_weight']:>8g}{variant['jaccard_at_10']:>12.3f}"
        print(
            f"{label:<26}"
            + "".join(f"{res[m]:>14.4f}" for m in METRICS)
            + f"{res['coverage']:>10.4f}"
            + tail
        )
    for label, variant in side["variants"].items():
        print(f"  {label} - ALS:")
        for metric, d in variant["deltas_vs_als"].items():
            print(
                f"    {metric}@{K}: {d['delta']:+.4f} (95% CI {d['ci95'][0]:+.4f} .. "
                f"{d['ci95'][1]:+.4f}; Wilcoxon p {d['p_wilcoxon']:.3f})"
            )
        print(
            f"    coverage {variant['coverage_delta']:+.4f}; lists overlap Jaccard@10 "
            f"{variant['jaccard_at_10']:.3f}, RBO {variant['rbo']:.3f}, identical "
            f"{variant['identical_lists_share']:.0%}"
        )
        tried = ", ".join(f"{w} {v:.4f}" for w, v in variant["validation_ndcg_by_weight"].items())
        print(
            f"    weight chosen on validation NDCG@10 ({tried}; without features "
            f"{side['validation_ndcg_without_features']:.4f})"
        )
        for segment, row in variant["by_training_positives"].items():
            print(
                f"    users with {segment:>5} training positives ({row['users']:>3}): ndcg "
                f"{row['ndcg_delta']:+.4f} (CI {row['ndcg_delta_ci95'][0]:+.4f} .. "
                f"{row['ndcg_delta_ci95'][1]:+.4f}), precision {row['precision_delta']:+.4f}, "
                f"Jaccard@10 {row['jaccard']:.3f}"
            )


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
    side = side_feature_comparison(train_frame, test_frame, args.quick)

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
    rows += [
        {
            "split": "per-user last 20%",
            "model": f"{label} (w={variant['feature_weight']:g})",
            **{f"{m}@{K}": variant[m] for m in METRICS},
            "coverage": variant["coverage"],
            "users": side["evaluated_users"],
        }
        for label, variant in side["variants"].items()
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
        "side_features": side,
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
    print_side_features(side)
    print(f"written to {RESULTS}")


def _jsonable(value):
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


if __name__ == "__main__":
    main()
