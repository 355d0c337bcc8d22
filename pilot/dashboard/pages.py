"""What each dashboard page shows: sections of (figure, table, CSV) built from StudyData.

Every number comes from ``recommender.stats`` / ``recommender.metrics``; this module only
groups rows and calls them. A :class:`Section` is one chart with its table beside it and
the table's CSV download (``/dashboard/<study>/<page>/<section>.csv``).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from pilot.dashboard import figures, offline, seasons
from pilot.dashboard.queries import (
    CONSTRUCTS,
    SEGMENTS,
    StudyData,
    comments,
    interacting_people,
    item_users,
)
from recommender import metrics as rm
from recommender import stats

N_BOOT = 1000
SEED = 0


@dataclass
class Section:
    slug: str
    title: str
    columns: list[str]
    rows: list[dict]
    figure: str = ""
    note: str = ""
    labels: dict = field(default_factory=dict)
    #: Columns naming a recipe -> the row key holding its external id (linked on the page).
    links: dict = field(default_factory=dict)

    #: Rows in the CSV when ``rows`` holds only the first ones (a trimmed page).
    total: int | None = None

    #: Rows shown on the page (the CSV has them all).
    SHOWN = 300

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    @property
    def cells(self) -> list[list]:
        return [[row.get(c) for c in self.columns] for row in self.rows[: self.SHOWN]]

    @property
    def linked_cells(self) -> list[list[tuple]]:
        """Like :attr:`cells`, each cell as (value, recipe external id or None)."""
        return [
            [
                (row.get(c), row.get(self.links[c]) if c in self.links else None)
                for c in self.columns
            ]
            for row in self.rows[: self.SHOWN]
        ]

    @property
    def headers(self) -> list[str]:
        return [c.replace("_", " ") for c in self.columns]


@dataclass
class Page:
    title: str
    sections: list[Section]
    extra: dict = field(default_factory=dict)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)

    def trimmed(self) -> Page:
        """The page as rendered: each table's first ``Section.SHOWN`` rows and its count
        (a page with 60,000 comments stays small in the cache; its CSV is built whole)."""
        return dataclasses.replace(self, sections=[
            dataclasses.replace(s, rows=s.rows[: s.SHOWN], total=s.count) for s in self.sections
        ])  # fmt: skip


def _ci(values, codes) -> stats.Interval:
    """``stats.cluster_bootstrap_ci`` over participants, the same interval bit for bit.

    ``codes``: each value's participant as the dense code ``queries`` gives them (ranks of
    the sorted participant ids, the order ``cluster_bootstrap_ci`` sorts them in), so the
    per-participant sums and counts are two ``bincount`` calls, no sort.
    """
    values = np.asarray(values, dtype=np.float64)
    codes = np.asarray(codes, dtype=np.int64)
    keep = ~np.isnan(values)
    values, codes = values[keep], codes[keep]
    if not values.size:
        return stats.cluster_bootstrap_sums([], [], n_boot=N_BOOT, seed=SEED)
    interval = stats.cluster_bootstrap_sums(
        np.bincount(codes, weights=values), np.bincount(codes), n_boot=N_BOOT, seed=SEED
    )
    return dataclasses.replace(interval, estimate=float(values.mean()))


def _put(row: dict, name: str, interval: stats.Interval) -> None:
    row[name] = _r(interval.estimate)
    row[f"{name}_ci_low"] = _r(interval.low)
    row[f"{name}_ci_high"] = _r(interval.high)


def _r(value, digits=4):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _rated_cis(row: dict, group: pd.DataFrame) -> None:
    rated = group[group["rated"]]
    who = rated["pcode"].to_numpy()
    _put(row, "mean_stars", _ci(rated["stars"].to_numpy(float), who))
    row["stars_ci_low"], row["stars_ci_high"] = (
        row.pop("mean_stars_ci_low"),
        row.pop("mean_stars_ci_high"),
    )
    _put(row, "liked_share", _ci(rated["liked"].to_numpy(float), who))
    _put(row, "would_cook_yes_share", _ci(rated["cook_yes"].to_numpy(float), who))


def _series(rows, key="arm"):
    out: dict = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _stars_points(rows):
    return [{**r, "mean_stars_ci_low": r["stars_ci_low"], "mean_stars_ci_high": r["stars_ci_high"]}
            for r in rows]  # fmt: skip


# ------------------------------------------------------------------ 1. study overview
OVERVIEW_COLUMNS = [
    "arm", "week", "participants", "responders", "response_rate", "ratings", "mean_stars",
    "stars_ci_low", "stars_ci_high", "liked_share", "liked_share_ci_low", "liked_share_ci_high",
    "would_cook_yes_share", "would_cook_yes_share_ci_low", "would_cook_yes_share_ci_high",
]  # fmt: skip


def overview_rows(data: StudyData) -> list[dict]:
    """Per arm and week: who got a list, who answered, ratings and their means with CIs."""
    rows = []
    for (arm, week), group in data.recs.groupby(["arm", "week"], sort=True):
        participants = group["participant_id"].nunique()
        responders = group.loc[group["rated"], "participant_id"].nunique()
        row = {
            "arm": arm,
            "week": week,
            "participants": int(participants),
            "responders": int(responders),
            "response_rate": _r(responders / participants if participants else math.nan),
            "ratings": int(group["rated"].sum()),
        }
        _rated_cis(row, group)
        rows.append(row)
    return rows


def questionnaire_rows(data: StudyData) -> list[dict]:
    rows = []
    for (arm, week), group in data.answers.groupby(["arm", "week"], sort=True):
        row = {"arm": arm, "week": week, "answers": len(group)}
        for name in CONSTRUCTS:
            interval = stats.bootstrap_ci(group[name].to_numpy(float), n_boot=N_BOOT, seed=SEED)
            _put(row, name, interval)
        rows.append(row)
    return rows


def split_rows(data: StudyData):
    counts = data.participants.groupby("arm_id").size()
    arms = data.arms
    observed = [int(counts.get(a.pk, 0)) for a in arms]
    rows = [
        {"arm": a.name, "model_version": a.model_version.name, "batch_size": a.batch_size,
         "weight": a.weight, "enrolled": n}
        for a, n in zip(arms, observed, strict=True)
    ]  # fmt: skip
    srm = None
    if len(arms) >= 2 and all(a.weight > 0 for a in arms):
        srm = stats.sample_ratio_mismatch(observed, [a.weight for a in arms])
        for row, expected in zip(rows, srm.expected, strict=True):
            row["expected"] = _r(expected, 1)
    return rows, srm


def overview(data: StudyData, params=None) -> Page:
    rows = overview_rows(data)
    stars_fig = figures.lines_with_intervals(
        _series(_stars_points(rows)), "week", "mean_stars",
        title="Mean stars per week (95% CI, bootstrap over participants)", y_title="stars",
    )  # fmt: skip
    liked_fig = figures.lines_with_intervals(
        _series(rows), "week", "liked_share", title="Share rated 4-5 per week", y_title="share",
        percent=True,
    )  # fmt: skip
    cook_fig = figures.lines_with_intervals(
        _series(rows), "week", "would_cook_yes_share", title='Would cook "yes" per week',
        y_title="share", percent=True,
    )  # fmt: skip
    q_rows = questionnaire_rows(data)
    q_fig = figures.lines_with_intervals(
        {f"{arm} · {name}": [{"week": r["week"], **{k.replace(name, "v"): v for k, v in r.items()
                                                    if k.startswith(name)}} for r in pts]
         for arm, pts in _series(q_rows).items() for name in ("accuracy", "intention")},
        "week", "v", title="Questionnaire: accuracy and intention (1-5)", y_title="mean",
    )  # fmt: skip
    split, srm = split_rows(data)
    srm_note = (
        f"Sample-ratio check: chi-square = {srm.chi2:.2f}, p = {srm.p_value:.3g}"
        + (" — MISMATCH (p < 0.001): check the assignment." if srm.mismatch else ": no mismatch.")
        if srm and not math.isnan(srm.p_value)
        else "Sample-ratio check needs two arms with participants."
    )
    q_columns = ["arm", "week", "answers"] + [
        f"{n}{s}" for n in CONSTRUCTS for s in ("", "_ci_low", "_ci_high")
    ]
    return Page(
        "Study overview",
        [
            Section(
                "weeks", "Per arm and week", OVERVIEW_COLUMNS, rows, figures.to_html(stars_fig)
            ),
            Section(
                "liked",
                "Share rated 4-5",
                ["arm", "week", "liked_share", "liked_share_ci_low", "liked_share_ci_high"],
                rows,
                figures.to_html(liked_fig),
            ),  # fmt: skip
            Section(
                "would-cook",
                'Would cook "yes"',
                [
                    "arm",
                    "week",
                    "would_cook_yes_share",
                    "would_cook_yes_share_ci_low",
                    "would_cook_yes_share_ci_high",
                ],
                rows,
                figures.to_html(cook_fig),
            ),  # fmt: skip
            Section(
                "questionnaire",
                "Questionnaire means per construct",
                q_columns,
                q_rows,
                figures.to_html(q_fig) if q_rows else "",
            ),  # fmt: skip
            Section(
                "split",
                "Arm split",
                ["arm", "model_version", "batch_size", "weight", "enrolled", "expected"],
                split,
                note=srm_note,
            ),  # fmt: skip
        ],
    )


# ------------------------------------------------------------------ 2. pilot against offline
def _lists(recs: pd.DataFrame, index: dict[int, int]) -> np.ndarray:
    """One row per (participant, week) list, recipe positions by rank, -1 padded."""
    if recs.empty:
        return np.zeros((0, 1), dtype=np.int64)
    ordered = recs.sort_values(["participant_id", "batch_id", "rank"])
    keys = list(zip(ordered["participant_id"], ordered["batch_id"], strict=True))
    codes = pd.factorize(pd.Series(keys))[0]
    slot = ordered.groupby(codes).cumcount().to_numpy()
    out = np.full((codes.max() + 1, slot.max() + 1), -1, dtype=np.int64)
    out[codes, slot] = ordered["recipe_id"].map(index).to_numpy()
    return out


def beyond_rows(data: StudyData) -> list[dict]:
    recipes = data.recipes.reset_index(drop=True)
    index = {rid: i for i, rid in enumerate(recipes["id"])}
    n_items = len(recipes)
    catalog = int(recipes["active"].sum()) or n_items
    users = item_users()
    n_users = max(interacting_people(), 1)
    counts = np.array([users.get(rid, 0) for rid in recipes["id"]], dtype=float)
    vocab = sorted({t for tags in recipes["tags"] for t in tags})
    col = {t: j for j, t in enumerate(vocab)}
    tag_matrix = np.zeros((n_items, max(len(vocab), 1)))
    for i, tags in enumerate(recipes["tags"]):
        for t in tags:
            tag_matrix[i, col[t]] = 1.0
    rows = []
    for arm in data.arms:
        lists = _lists(data.recs[data.recs["arm_id"] == arm.pk], index)
        if not len(lists):
            continue
        rows.append({
            "arm": arm.name,
            "lists": int(len(lists)),
            "catalog_coverage": _r(rm.catalog_coverage(lists, catalog)),
            "novelty": _r(rm.novelty(lists, counts, n_users)),
            "intra_list_diversity": _r(rm.intra_list_diversity(lists, tag_matrix)),
            "personalization": _r(rm.personalization(lists)),
            "popularity_bias_arp": _r(rm.average_recommendation_popularity(lists, counts / n_users)),
            "gini_exposure": _r(rm.gini_exposure(lists, n_items)),
        })  # fmt: skip
    return rows


def versus_rows(data: StudyData) -> list[dict]:
    rows = []
    for arm in data.arms:
        group = data.recs[data.recs["arm_id"] == arm.pk]
        row = {"version": arm.model_version.name, "arm": arm.name, "batch_size": arm.batch_size}
        for key, value in offline.offline_metrics(arm.model_version).items():
            row[f"offline_{key}"] = _r(value)
        row["ratings"] = int(group["rated"].sum())
        _rated_cis(row, group)
        row["liked_at_k"] = row["liked_share"]
        rows.append(row)
    return rows


def participant_points(data: StudyData) -> tuple[list[dict], list[dict]]:
    """One point per participant with both a holdout metric and a rating, and per arm the
    count of who is plotted and who is not (absent from the version's holdout, or no
    rating yet)."""
    rated = data.recs[data.recs["rated"]]
    mean_stars = rated.groupby("participant_id")["stars"].mean()
    people = data.participants.set_index("id")
    points, counts = [], []
    for arm in data.arms:
        holdout = offline.holdout_people(arm.model_version)
        members = people.index[people["arm_id"] == arm.pk]
        count = {"arm": arm.name, "version": arm.model_version.name,
                 "participants": int(len(members)), "plotted": 0, "not_in_holdout": 0,
                 "no_rating": 0, "holdout_file": bool(holdout)}  # fmt: skip
        counts.append(count)
        if not holdout:
            continue
        for pid in members:
            record = holdout.get(str(people.at[pid, "customer_id"])) or {}
            value = record.get(offline.PRIMARY)
            if not isinstance(value, int | float) or isinstance(value, bool):
                count["not_in_holdout"] += 1
            elif pid not in mean_stars.index:
                count["no_rating"] += 1
            else:
                count["plotted"] += 1
                points.append({"participant": people.at[pid, "pseudonym"], "arm": arm.name,
                               "offline_ndcg": _r(value), "mean_stars": _r(mean_stars[pid])})  # fmt: skip
    return points, counts


def _holdout_note(counts: list[dict]) -> str:
    if not any(c["holdout_file"] for c in counts):
        return (
            "No per-participant holdout metrics recorded for these versions "
            "(ModelVersion.holdout_file)."
        )
    parts = []
    for c in counts:
        if not c["holdout_file"]:
            parts.append(f"{c['arm']} ({c['version']}): no holdout file")
            continue
        parts.append(
            f"{c['arm']} ({c['version']}): {c['plotted']} of {c['participants']} plotted, "
            f"{c['not_in_holdout']} not in the version's holdout (or without NDCG@k there), "
            f"{c['no_rating']} "
            "without a rating yet"
        )
    return "Participants per arm: " + "; ".join(parts) + "."


def versus(data: StudyData, params=None) -> Page:
    rows = versus_rows(data)
    points = [r for r in rows if r["offline_ndcg"] is not None and r["mean_stars"] is not None]
    tau = stats.kendall_tau([p["offline_ndcg"] for p in points], [p["mean_stars"] for p in points])
    tau_note = (
        f"Kendall's tau between offline NDCG@k and pilot mean stars over {tau.n} version/arm "
        f"points: tau = {_r(tau.tau, 3)}, exact p = {_r(tau.p_value, 4)} ({tau.method}). "
        f"{tau.note}"
    )
    if tau.n < 2:
        tau_note = tau.note
    for p in points:
        p["label"] = f"{p['version']} / {p['arm']}"
    scatter = figures.scatter(
        points, "offline_ndcg", "mean_stars", title="Offline NDCG@k against pilot mean stars",
        x_title="offline NDCG@k", y_title="pilot mean stars", label="label",
    )  # fmt: skip
    per_person, holdout_counts = participant_points(data)
    person_fig = figures.scatter(
        per_person, "offline_ndcg", "mean_stars", group="arm",
        title="Each participant: holdout NDCG@k against their mean stars",
        x_title="holdout NDCG@k", y_title="mean stars",
    )  # fmt: skip
    beyond = beyond_rows(data)
    beyond_fig = figures.bars(
        [r["arm"] for r in beyond], [r["catalog_coverage"] for r in beyond],
        title="Catalog coverage of what was sent", percent=True,
    )  # fmt: skip
    columns = ["version", "arm", "batch_size"] + [f"offline_{k}" for k, _ in offline.OFFLINE] + [
        "ratings", "liked_at_k", "liked_share_ci_low", "liked_share_ci_high", "mean_stars",
        "stars_ci_low", "stars_ci_high", "would_cook_yes_share",
    ]  # fmt: skip
    return Page(
        "Pilot against offline",
        [
            Section(
                "versions",
                "Offline metrics beside the pilot",
                columns,
                rows,
                figures.to_html(scatter),
                note=tau_note,
            ),  # fmt: skip
            Section(
                "participants",
                "Per participant",
                ["participant", "arm", "offline_ndcg", "mean_stars"],
                per_person,
                figures.to_html(person_fig) if per_person else "",
                note=_holdout_note(holdout_counts),
            ),  # fmt: skip
            Section(
                "holdout",
                "Who is on the per-participant scatter",
                ["arm", "version", "participants", "plotted", "not_in_holdout", "no_rating"],
                holdout_counts,
            ),  # fmt: skip
            Section(
                "beyond",
                "Beyond accuracy: what was actually sent",
                [
                    "arm",
                    "lists",
                    "catalog_coverage",
                    "novelty",
                    "intra_list_diversity",
                    "personalization",
                    "popularity_bias_arp",
                    "gini_exposure",
                ],
                beyond,
                figures.to_html(beyond_fig) if beyond else "",
            ),  # fmt: skip
        ],
        {"tau": tau, "holdout": holdout_counts},
    )


# ------------------------------------------------------------------ 3. how many
def answerable(data: StudyData) -> pd.Series:
    """Which recommendations count in an answer rate: those of the weeks whose answering
    window has closed (batch status "closed"), or all of them while no week has closed.

    A week still open for answers (the current one) would pull every rate down.
    """
    closed = data.batches.loc[data.batches["status"] == "closed", "id"]
    if not len(closed):
        return pd.Series(True, index=data.recs.index)
    return data.recs["batch_id"].isin(set(closed))


def _position_rows(data: StudyData, key: str) -> list[dict]:
    rows = []
    counted = answerable(data)
    for values, group in data.recs.groupby(key, sort=True):
        closed = group[counted.loc[group.index].to_numpy()]
        row = {key: values, "recommendations": len(group), "ratings": int(group["rated"].sum()),
               "answerable": len(closed)}  # fmt: skip
        _put(row, "answer_rate", _ci(closed["rated"].to_numpy(float), closed["pcode"].to_numpy()))
        _rated_cis(row, group)
        rows.append(row)
    return rows


def reading(rows: list[dict]) -> str:
    """One sentence that reads the by-rank chart."""
    if not rows:
        return "No recommendation sent yet."
    below = [r["rank"] for r in rows if r["answer_rate"] is not None and r["answer_rate"] < 0.5]
    last = rows[-1]["rank"]
    answers = (
        f"answers fall below half after rank {below[0] - 1}" if below and below[0] > 1
        else "fewer than half of the recipes are answered from rank 1" if below
        else f"at least half of the recipes are answered at every rank up to {last}"
    )  # fmt: skip
    rated = [r for r in rows if r["mean_stars"] is not None]
    best = max(rated, key=lambda r: r["mean_stars"]) if rated else None
    stars = (
        f"; mean stars are highest at rank {best['rank']} ({best['mean_stars']:.2f})"
        if best
        else ""
    )
    return f"Reading the chart: {answers}{stars}."


def howmany(data: StudyData, params=None) -> Page:
    data.recs["batch_size"] = data.recs["arm_id"].map({a.pk: a.batch_size for a in data.arms})
    by_rank = _position_rows(data, "rank")
    by_size = _position_rows(data, "batch_size")
    columns = ["recommendations", "ratings", "answerable", "answer_rate", "answer_rate_ci_low",
               "answer_rate_ci_high", "mean_stars", "stars_ci_low", "stars_ci_high", "liked_share",
               "liked_share_ci_low", "liked_share_ci_high", "would_cook_yes_share",
               "would_cook_yes_share_ci_low", "would_cook_yes_share_ci_high"]  # fmt: skip
    fig = figures.lines_with_intervals(
        {"answer rate": by_rank, "liked share": [{**r, "answer_rate": r["liked_share"],
         "answer_rate_ci_low": r["liked_share_ci_low"], "answer_rate_ci_high":
         r["liked_share_ci_high"]} for r in by_rank]},
        "rank", "answer_rate", title="Answer rate and liked share by rank", y_title="share",
        percent=True,
    )  # fmt: skip
    stars_fig = figures.lines_with_intervals(
        {"mean stars": _stars_points(by_rank)}, "rank", "mean_stars",
        title="Mean stars by rank", y_title="stars",
    )  # fmt: skip
    size_fig = figures.lines_with_intervals(
        {"answer rate": by_size}, "batch_size", "answer_rate",
        title="Answer rate by batch size (K of the arm)", y_title="share", percent=True,
    )  # fmt: skip
    sentence = reading(by_rank)
    return Page(
        "How many recommendations?",
        [
            Section(
                "by-rank",
                "By rank position",
                ["rank", *columns],
                by_rank,
                figures.to_html(fig),
                note=sentence,
            ),  # fmt: skip
            Section(
                "stars-by-rank",
                "Mean stars by rank",
                ["rank", "mean_stars", "stars_ci_low", "stars_ci_high"],
                by_rank,
                figures.to_html(stars_fig),
            ),  # fmt: skip
            Section(
                "by-size",
                "By batch size",
                ["batch_size", *columns],
                by_size,
                figures.to_html(size_fig),
            ),  # fmt: skip
        ],
        {"sentence": sentence},
    )


# ------------------------------------------------------------------ 4. seasonality
def season_status(data: StudyData) -> pd.Series:
    """ "in", "out" or "none" for each recommendation: its recipe's tags in its week.

    Computed once per distinct (recipe, batch) pair and spread back to the rows.
    """
    if not len(data.recs):
        return pd.Series([], dtype=str)
    tags = dict(zip(data.recipes["id"].tolist(), data.recipes["tags"], strict=True))
    monday = dict(zip(data.batches["id"].tolist(), data.batches["monday"], strict=True))
    recipe, batch = data.recs["recipe_id"].to_numpy(), data.recs["batch_id"].to_numpy()
    span = int(batch.max()) + 1
    unique, inverse = np.unique(recipe * span + batch, return_inverse=True)
    status = np.array(
        [seasons.status(tags.get(int(k // span), []), monday[int(k % span)]) for k in unique],
        dtype=object,
    )
    return pd.Series(status[inverse.ravel()], index=data.recs.index)


def seasonality(data: StudyData, params=None) -> Page:
    recs = data.recs
    recs["season"] = season_status(data)
    weeks = []
    for week, group in recs.groupby("week", sort=True):
        seasonal = int((group["season"] != "none").sum())
        out = int((group["season"] == "out").sum())
        weeks.append({"week": week, "recommended": len(group), "seasonal": seasonal,
                      "out_of_window": out, "out_of_window_share": _r(out / len(group)),
                      "out_share_of_seasonal": _r(out / seasonal) if seasonal else None})  # fmt: skip
    rated = recs[recs["rated"]]
    test = stats.mann_whitney(rated.loc[rated["season"] == "in", "stars"],
                              rated.loc[rated["season"] == "out", "stars"])  # fmt: skip
    compare = []
    for name in ("in", "out", "none"):
        part = rated[rated["season"] == name]
        row = {"season": {"in": "in its window", "out": "out of its window",
                          "none": "no season/holiday tag"}[name], "ratings": len(part)}  # fmt: skip
        _put(row, "mean_stars", _ci(part["stars"].to_numpy(float), part["pcode"].to_numpy()))
        compare.append(row)
    note = (
        f"Mann-Whitney U of in-window against out-of-window ratings: U = {test.statistic:.1f}, "
        f"p = {test.p_value:.3g} ({test.method}); P(in > out) = {test.effect:.2f}. Ratings of "
        "one participant are not independent: read p as indicative."
        if not math.isnan(test.p_value)
        else "Not enough in-window and out-of-window ratings for a Mann-Whitney test."
    )
    fig = figures.bars([w["week"] for w in weeks], [w["out_of_window_share"] for w in weeks],
                       title="Share of recommendations out of their season/holiday window",
                       y_title="share", percent=True)  # fmt: skip
    cmp_fig = figures.lines_with_intervals(
        {"mean stars": compare},
        "season",
        "mean_stars",
        title="Stars in and out of season",
        y_title="stars",
    )
    return Page(
        "Seasonality",
        [
            Section(
                "weeks",
                "Out of window, per week",
                [
                    "week",
                    "recommended",
                    "seasonal",
                    "out_of_window",
                    "out_of_window_share",
                    "out_share_of_seasonal",
                ],
                weeks,
                figures.to_html(fig),
            ),  # fmt: skip
            Section(
                "ratings",
                "Ratings in and out of season",
                ["season", "ratings", "mean_stars", "mean_stars_ci_low", "mean_stars_ci_high"],
                compare,
                figures.to_html(cmp_fig),
                note=note,
            ),  # fmt: skip
            Section(
                "windows", "Season and holiday windows", ["tag", "from", "to"], seasons.table()
            ),  # fmt: skip
        ],
        {"test": test},
    )


# ------------------------------------------------------------------ 5. segments
def segments(data: StudyData, params=None) -> Page:
    sections, spread = [], []
    codes = data.recs["pcode"].to_numpy()
    for key, label in SEGMENTS:
        size = int(data.participants["pcode"].max()) + 1 if len(data.participants) else 0
        by_code = np.empty(size, dtype=object)
        by_code[data.participants["pcode"].to_numpy()] = data.participants[key].to_numpy()
        data.recs["_segment"] = by_code[codes]
        rows = []
        for value, group in data.recs.groupby("_segment", sort=True):
            row = {"segment": label, "value": value,
                   "participants": int(group["participant_id"].nunique()),
                   "ratings": int(group["rated"].sum())}  # fmt: skip
            _rated_cis(row, group)
            rows.append(row)
        means = [r["mean_stars"] for r in rows if r["mean_stars"] is not None]
        likes = [r["liked_share"] for r in rows if r["liked_share"] is not None]
        spread.append({"segment": label, "groups": len(rows),
                       "mean_stars_spread": _r(max(means) - min(means)) if means else None,
                       "liked_share_spread": _r(max(likes) - min(likes)) if likes else None})  # fmt: skip
        fig = figures.lines_with_intervals({"mean stars": _stars_points(rows)}, "value",
                                           "mean_stars", title=f"Mean stars by {label.lower()}",
                                           y_title="stars")  # fmt: skip
        sections.append(Section(key.replace("_", "-"), label, ["segment", "value", "participants",
                        "ratings", "mean_stars", "stars_ci_low", "stars_ci_high", "liked_share",
                        "would_cook_yes_share"], rows, figures.to_html(fig) if rows else ""))  # fmt: skip
    data.recs = data.recs.drop(columns="_segment", errors="ignore")
    spread_fig = figures.bars([s["segment"] for s in spread],
                              [s["mean_stars_spread"] for s in spread],
                              title="Spread of mean stars across each segment's groups (max - min)",
                              y_title="stars")  # fmt: skip
    return Page("Segments", [Section("spread", "Spread across segments", ["segment", "groups",
                "mean_stars_spread", "liked_share_spread"], spread, figures.to_html(spread_fig)),
                *sections])  # fmt: skip


# ------------------------------------------------------------------ 6. feedback
STOP_WORDS = frozenset(
    "a an and are as at be but by for from had has have i i'm im if in into is it it's its "
    "just me my no not of on or our so than that the their them then there these they this "
    "to too was we were what when which who will with would you your very really much more "
    "bit all also can could did do does dont don't got get one some".split()
)
WORD = re.compile(r"[a-zA-Z][a-zA-Z'-]+")


@functools.lru_cache(maxsize=20_000)
def words(text: str) -> tuple[str, ...]:
    return tuple(w for w in (m.lower() for m in WORD.findall(text or "")) if w not in STOP_WORDS)


def feedback_rows(data: StudyData, params) -> list[dict]:
    names = dict(zip(data.participants["id"], data.participants["pseudonym"], strict=True))
    arms = dict(zip(data.participants["id"], data.participants["arm"], strict=True))
    weeks = dict(zip(data.batches["id"], data.batches["week"], strict=True))
    rows = [
        {"kind": "comment", "participant": names[pid], "arm": arms[pid], "week": weeks[batch],
         "recipe": title, "recipe_id": external_id, "rank": rank, "stars": stars,
         "would_cook": would_cook,
         "explanation": explanation, "text": comment}
        for pid, batch, title, external_id, rank, explanation, stars, would_cook, comment
         in comments(data.study)
        if pid in names
    ]  # fmt: skip
    answers = data.answers
    for pid, arm, week, text in zip(
        answers["participant_id"].tolist(), answers["arm"].tolist(), answers["week"].tolist(),
        answers["free_text"].tolist(), strict=True,
    ):  # fmt: skip
        if text:
            rows.append({"kind": "questionnaire", "participant": names[pid], "arm": arm,
                         "week": week, "recipe": "", "rank": None, "stars": None,
                         "would_cook": "", "explanation": "", "text": text})  # fmt: skip
    arm, week, star, q = (params.get(k, "") for k in ("arm", "week", "stars", "q"))
    if not (arm or week or star or q):
        return rows
    needles = words(q) if q else []
    return [
        row for row in rows
        if (not arm or row["arm"] == arm) and (not week or row["week"] == week)
        and (not star or str(row["stars"]) == star)
        and all(n in words(row["text"]) for n in needles)
    ]  # fmt: skip


def frequent(rows: list[dict], top: int = 15) -> list[dict]:
    """Per arm, the ``top`` most frequent words and word pairs (pairs seen more than once).

    Each distinct text is split once and counted with its multiplicity, in the order texts
    first appear: the same counts, and the same order among equal counts, as counting the
    rows one by one.
    """
    texts: dict[str, Counter] = {}
    for row in rows:
        texts.setdefault(row["arm"], Counter())[row["text"]] += 1
    out = []
    for arm in sorted(texts):
        singles, pairs = Counter(), Counter()
        for text, times in texts[arm].items():
            tokens = words(text)
            for token in tokens:
                singles[token] += times
            for a, b in zip(tokens, tokens[1:], strict=False):
                pairs[f"{a} {b}"] += times
        out += [{"arm": arm, "kind": "word", "term": t, "count": n}
                for t, n in singles.most_common(top)]  # fmt: skip
        out += [{"arm": arm, "kind": "pair", "term": t, "count": n}
                for t, n in pairs.most_common(top) if n > 1]  # fmt: skip
    return out


def feedback(data: StudyData, params=None) -> Page:
    rows = feedback_rows(data, params or {})
    terms = frequent(rows)
    words_only = [t for t in terms if t["kind"] == "word"]
    fig = figures.bars(
        [f"{t['arm']}: {t['term']}" for t in words_only],
        [t["count"] for t in words_only],
        title="Most frequent words per arm",
    )
    return Page(
        "Feedback explorer",
        [
            Section(
                "terms",
                "Most frequent words and word pairs",
                ["arm", "kind", "term", "count"],
                terms,
                figures.to_html(fig) if words_only else "",
            ),  # fmt: skip
            Section(
                "texts",
                f"Comments and questionnaire texts ({len(rows)})",
                [
                    "kind",
                    "participant",
                    "arm",
                    "week",
                    "recipe",
                    "rank",
                    "stars",
                    "would_cook",
                    "explanation",
                    "text",
                ],
                rows,
                links={"recipe": "recipe_id"},
            ),  # fmt: skip
        ],
    )


# ------------------------------------------------------------------ 7. how long to run
def duration(data: StudyData, params=None) -> Page:
    params = params or {}
    rated = data.recs[data.recs["rated"]]
    weeks_run = int(rated["week"].nunique())
    rows = []
    arms = data.arms
    for a, b in combinations(arms, 2):
        ra, rb = rated[rated["arm_id"] == a.pk], rated[rated["arm_id"] == b.pk]
        for metric, column, typed in (("mean stars", "stars", "effect_stars"),
                                      ("liked share", "liked", "effect_liked")):  # fmt: skip
            power = stats.minimum_detectable_effect(
                ra[column].to_numpy(float), ra["participant_id"].to_numpy(),
                rb[column].to_numpy(float), rb["participant_id"].to_numpy(), weeks=weeks_run,
            )  # fmt: skip
            diff = ra[column].mean() - rb[column].mean() if len(ra) and len(rb) else math.nan
            row = {"comparison": f"{a.name} vs {b.name}", "metric": metric,
                   "participants_a": power.n_a, "participants_b": power.n_b,
                   "weeks_run": weeks_run, "observed_difference": _r(diff),
                   "mde_80": _r(power.mde), "effect": None, "weeks_needed": None,
                   "more_weeks": None}  # fmt: skip
            effect = _float(params.get(typed))
            if effect:
                need = stats.weeks_needed(power, effect)
                row["effect"] = effect
                row["weeks_needed"] = "never (more participants needed)" if need == math.inf \
                    else (math.ceil(need) if not math.isnan(need) else None)  # fmt: skip
                if isinstance(row["weeks_needed"], int):
                    row["more_weeks"] = max(0, row["weeks_needed"] - weeks_run)
            rows.append(row)
    fig = figures.bars([f"{r['comparison']} ({r['metric']})" for r in rows],
                       [r["mde_80"] for r in rows],
                       title="Minimum detectable effect at 80% power, so far")  # fmt: skip
    return Page(
        "How long to run",
        [
            Section(
                "mde",
                "Minimum detectable effect",
                [
                    "comparison",
                    "metric",
                    "participants_a",
                    "participants_b",
                    "weeks_run",
                    "observed_difference",
                    "mde_80",
                    "effect",
                    "weeks_needed",
                    "more_weeks",
                ],
                rows,
                figures.to_html(fig) if rows else "",
                note="Two-sided test at 5%, 80% power; each participant's mean is the unit "
                "(ratings clustered by participant); see docs/metrics.md.",
            )
        ],  # fmt: skip
        {
            "effect_stars": params.get("effect_stars", ""),
            "effect_liked": params.get("effect_liked", ""),
        },
    )


def _float(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 and math.isfinite(number) else None


PAGES = {
    "overview": overview,
    "offline": versus,
    "how-many": howmany,
    "seasonality": seasonality,
    "segments": segments,
    "feedback": feedback,
    "how-long": duration,
}
TITLES = {
    "overview": "Overview",
    "offline": "Pilot vs offline",
    "how-many": "How many?",
    "seasonality": "Seasonality",
    "segments": "Segments",
    "feedback": "Feedback",
    "how-long": "How long to run",
}


# ------------------------------------------------------------------ 8. landing
def standing(data: StudyData) -> list[str]:
    """Three lines: weeks run, response rate, the leading arm and whether it is noise."""
    rated = data.recs[data.recs["rated"]]
    weeks = sorted(data.recs["week"].dropna().unique())
    if not weeks:
        return ["No week generated yet.", "No answers yet.", "No arm leads yet."]
    first = f"{len(weeks)} week{'s' if len(weeks) != 1 else ''} run ({weeks[0]} to {weeks[-1]})."
    counted = answerable(data)
    lists = data.recs[counted.to_numpy()]
    got = lists.groupby("week")["participant_id"].nunique().sum()
    answered = lists[lists["rated"]].groupby("week")["participant_id"].nunique().sum()
    where = "" if bool(counted.all()) else " in the weeks closed for answers"
    second = (
        f"Response rate {answered / got:.0%} ({answered} of {got} weekly lists answered{where})."
        if got
        else "No answers yet."
    )
    per_person = rated.groupby(["arm", "participant_id"])["stars"].mean()
    means = rated.groupby("arm")["stars"].mean().sort_values(ascending=False)
    if len(means) < 2:
        return [first, second, "Fewer than two arms with ratings: nothing to compare yet."]
    lead, runner = means.index[0], means.index[1]
    test = stats.mann_whitney(per_person[lead].to_numpy(), per_person[runner].to_numpy())
    verdict = (
        "distinguishable from noise" if test.p_value < 0.05
        else "not yet distinguishable from noise"
    )  # fmt: skip
    third = (
        f"Leading arm: {lead} ({means[lead]:.2f} stars against {runner} {means[runner]:.2f}); "
        f"{verdict} (Mann-Whitney on participants' means, p = {test.p_value:.3g})."
    )
    return [first, second, third]


# ------------------------------------------------------------------ building a page
FILTER_KEYS = [key for key, _ in SEGMENTS]


def build(study, fp: str, page: str, params: dict, *, full: bool = False):
    """(filters, weeks, Page) of one page: the study's shared data cut to the filters.

    The page as rendered (``Page.trimmed``) unless ``full`` (every row: the CSVs).
    """
    from pilot.dashboard import queries

    data = queries.subset(queries.shared(study, fp), {k: params.get(k, "") for k in FILTER_KEYS})
    built = PAGES[page](data, params)
    return data.filters, data.weeks, built if full else built.trimmed()
