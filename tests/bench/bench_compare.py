"""Benchmark: comparing two model versions for 10,000 people, against making their lists.

Run from the project root::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m tests.bench.bench_compare [--quick]

Synthetic interactions (seeded): 10,000 people (``--quick``: 2,000) in 8 regions, 3,000
recipes with diet labels, about 40 distinct interactions per person over 60 days drawn from
a latent-factor taste plus a regional one; one person in five has a dietary restriction.
Split at day 48 (train before, test after), as ``pilot.training`` splits by time.

Two versions, as a one-column variant: ALS (32 factors, 10 iterations, seed 0) and the same
ALS with the people column ``region`` (``user_features=("region",)``), both fitted on the
training part once (fit times reported, not part of the ratio).

Timed in this process, BLAS on one thread:

- **baseline**: the two versions' top-10 lists for every test person, restrictions as hard
  constraints and seen recipes excluded (``recommender.evaluate``'s own recommend call);
- **comparison**: what ``pilot.comparisons.compute`` does after fitting: both versions'
  lists and per-person metrics (``recommender.evaluate`` as ``pilot.training`` calls it
  with ``summaries=False``: no per-version intervals, which the comparison does not show),
  ``recommender.compare.compare`` (Jaccard@10, RBO, paired bootstrap and
  Wilcoxon for every metric), the overlap histogram and quantiles and the per-segment
  paired intervals (``pilot.comparisons``), and the explained lists of the 10 people whose
  lists changed most.

The ratio is comparison / baseline. Checks before anything is written: the compared people
are the test people; the mean Jaccard recomputed with plain sets on a sample agrees.
Writes ``tests/bench/results/compare.json``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import django  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

django.setup()

from threadpoolctl import threadpool_limits  # noqa: E402

from pilot import comparisons  # noqa: E402
from recommender.catalog import Catalog  # noqa: E402
from recommender.compare import compare  # noqa: E402
from recommender.data import Interactions, split_by_time  # noqa: E402
from recommender.evaluate import _recommend, evaluate  # noqa: E402
from recommender.models import ALS  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "compare.json"
K = 10
N_BOOT = 1000
REGIONS = tuple(f"region-{i}" for i in range(8))
LABELS = ("vegetarian", "gluten_free", "nut_free", "halal")
ALS_PARAMS = {"factors": 32, "iterations": 10, "random_state": 0, "num_threads": 1}


def world(n_people: int, n_items: int = 3000, per_person: int = 40, days: int = 60, seed=0):
    rng = np.random.default_rng(seed)
    taste = rng.normal(size=(n_people, 16)).astype(np.float32)
    items = rng.normal(size=(n_items, 16)).astype(np.float32)
    region = rng.integers(0, len(REGIONS), n_people)
    regional = rng.normal(scale=1.5, size=(len(REGIONS), n_items)).astype(np.float32)
    popularity = rng.normal(scale=1.0, size=n_items).astype(np.float32)
    users, picks = [], []
    for start in range(0, n_people, 1000):
        stop = min(start + 1000, n_people)
        scores = taste[start:stop] @ items.T + regional[region[start:stop]] + popularity
        scores += rng.gumbel(size=scores.shape).astype(np.float32) * 2.0
        top = np.argpartition(-scores, per_person, axis=1)[:, :per_person]
        users.append(np.repeat(np.arange(start, stop), per_person))
        picks.append(top.ravel())
    users, picks = np.concatenate(users), np.concatenate(picks)
    stamps = pd.Timestamp("2026-09-01", tz="UTC") + pd.to_timedelta(
        rng.uniform(0, days * 86400, size=users.size), unit="s"
    )
    events = pd.DataFrame(
        {
            "user": [f"P{u:05d}" for u in users],
            "item": [f"R{i:04d}" for i in picks],
            "event": "view",
            "timestamp": stamps,
        }
    ).sort_values("timestamp", kind="stable")
    item_labels = [
        [label for label in LABELS if rng.random() < 0.6] for _ in range(n_items)
    ]  # fmt: skip
    catalog_frame = pd.DataFrame(
        {"item": [f"R{i:04d}" for i in range(n_items)],
         "title": [f"Recipe {i}" for i in range(n_items)], "labels": item_labels}
    )  # fmt: skip
    restriction = [
        ([LABELS[rng.integers(0, len(LABELS))]] if rng.random() < 0.2 else [])
        for _ in range(n_people)
    ]
    people = pd.DataFrame(
        {
            "user": [f"P{u:05d}" for u in range(n_people)],
            "region": [REGIONS[r] for r in region],
            "age_band": [("25-34", "35-44", "45-54")[u % 3] for u in range(n_people)],
            "household_size": [str(1 + u % 4) for u in range(n_people)],
            "n_devices": [str(1 + u % 2) for u in range(n_people)],
            "segment": [REGIONS[r] for r in region],
            "restrictions": [",".join(r) for r in restriction],
        }
    )
    return events, people, catalog_frame


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 people instead of 10,000")
    args = parser.parse_args()
    n_people = 2000 if args.quick else 10_000
    threadpool_limits(1, "blas")

    clock = time.perf_counter()
    events, people, catalog_frame = world(n_people)
    setup_seconds = time.perf_counter() - clock
    catalog = Catalog.from_frame(catalog_frame)
    segments = dict(zip(people["user"], people["segment"], strict=True))
    restrictions = {
        u: r.split(",") for u, r in zip(people["user"], people["restrictions"], strict=True) if r
    }
    split = split_by_time(events, pd.Timestamp("2026-09-01", tz="UTC") + pd.Timedelta(days=48))
    train = Interactions.from_frame(split.train)

    fits = {}
    models = []
    for label, extra in (("A: ALS", {}), ("B: ALS + region", {"user_features": ("region",)})):
        model = ALS(**ALS_PARAMS, **extra)
        clock = time.perf_counter()
        model.fit(train, user_features=people)
        fits[label] = time.perf_counter() - clock
        models.append(model)

    seen = pd.MultiIndex.from_arrays([split.train["user"], split.train["item"]])
    test = split.test[~pd.MultiIndex.from_arrays([split.test["user"], split.test["item"]]).isin(
        seen)]  # fmt: skip
    test_users = list(pd.unique(test["user"]))

    # baseline: the two versions' lists alone
    clock = time.perf_counter()
    for model in models:
        _recommend(model, test_users, K, catalog, restrictions, segments)
    lists_seconds = time.perf_counter() - clock

    # the comparison, as pilot.comparisons.compute does it after fitting
    timings = {}
    clock = time.perf_counter()
    results = [
        evaluate(model, split, K, catalog=catalog, segments=segments, restrictions=restrictions,
                 n_boot=1, months=False, seed=0, fit=False)
        for model in models
    ]  # fmt: skip
    timings["lists_and_metrics"] = time.perf_counter() - clock
    step = time.perf_counter()
    found = compare(results[0], results[1], n_boot=N_BOOT, seed=0)
    timings["overlap_and_paired"] = time.perf_counter() - step
    step = time.perf_counter()
    overlap = comparisons._overlap(found.per_user, found.overlap)
    segment_rows = comparisons._segments(found.per_user, people, results[0])
    timings["histogram_and_segments"] = time.perf_counter() - step
    step = time.perf_counter()
    top = list(found.most_changed(comparisons.MOST_CHANGED).index)
    for model in models:
        model.recommend(top, K, catalog=catalog, restrictions=restrictions, segments=segments)
    timings["explain_most_changed"] = time.perf_counter() - step
    compare_seconds = time.perf_counter() - clock

    # checks
    assert set(found.per_user.index) == set(test_users), "compared people are not the test people"
    sample = test_users[:: max(1, len(test_users) // 500)]
    by_hand = []
    for user in sample:
        a = set(results[0].recommendations[user])
        b = set(results[1].recommendations[user])
        by_hand.append(len(a & b) / len(a | b) if a | b else 1.0)
    assert abs(np.mean(by_hand) - found.per_user.loc[sample, "jaccard"].mean()) < 1e-9
    assert sum(overlap["jaccard_counts"]) == len(test_users)

    ndcg = found.deltas.loc["ndcg"]
    out = {
        "people": n_people,
        "test_people": len(test_users),
        "recipes": int(catalog_frame.shape[0]),
        "train_events": int(len(split.train)),
        "test_events": int(len(split.test)),
        "k": K,
        "n_boot": N_BOOT,
        "setup_seconds": round(setup_seconds, 3),
        "fit_seconds": {k: round(v, 3) for k, v in fits.items()},
        "lists_seconds": round(lists_seconds, 3),
        "compare_seconds": round(compare_seconds, 3),
        "ratio": round(compare_seconds / lists_seconds, 2),
        "compare_parts_seconds": {k: round(v, 3) for k, v in timings.items()},
        "segments_rows": len(segment_rows),
        "ndcg_delta": round(float(ndcg["delta"]), 4),
        "ndcg_low": round(float(ndcg["low"]), 4),
        "ndcg_high": round(float(ndcg["high"]), 4),
        "mean_rbo": round(float(found.overlap["rbo"]), 4),
        "python": platform.python_version(),
        "quick": args.quick,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    print(
        f"{len(test_users):,} people compared: lists of both versions {lists_seconds:.2f} s; "
        f"the comparison (lists, metrics, overlap, paired intervals, segments, explanations) "
        f"{compare_seconds:.2f} s = {out['ratio']}x"
    )
    for name, seconds in timings.items():
        print(f"  {name:<24} {seconds:7.2f} s")
    print(f"  fit (not in the ratio): {', '.join(f'{k} {v:.2f} s' for k, v in fits.items())}")


if __name__ == "__main__":
    main()
