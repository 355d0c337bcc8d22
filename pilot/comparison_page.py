"""The comparison page as sections (figure, table beside it, CSV), from a stored result.

Built like the dashboard's pages (``pilot.dashboard.pages.Section``): every number comes
from the stored :class:`~pilot.models.Comparison` result (``pilot.comparisons``); this
module only lays it out. Figures go through ``pilot.dashboard.figures``.
"""

from __future__ import annotations

from pilot.dashboard import figures
from pilot.dashboard.pages import Page, Section
from pilot.models import Comparison

DELTA_COLUMNS = [
    "metric", "label", "mean_a", "mean_b", "delta", "low", "high", "p_wilcoxon",
    "p_bootstrap", "effect", "n", "verdict",
]  # fmt: skip
OVERLAP_COLUMNS = ["bin", "from", "to", "jaccard_people", "rbo_people"]
QUANTILE_COLUMNS = ["quantile", "jaccard", "rbo"]
SEGMENT_COLUMNS = [
    "column", "group", "n", "ndcg_delta", "ndcg_low", "ndcg_high", "recall_delta",
    "recall_low", "recall_high", "mean_jaccard", "mean_rbo",
]  # fmt: skip
PEOPLE_COLUMNS = [
    "person", "segment", "jaccard", "rbo", "ndcg_a", "ndcg_b", "rank", "a_recipe", "a_title",
    "a_reason", "a_in_b", "a_hit", "b_recipe", "b_title", "b_reason", "b_in_a", "b_hit",
]  # fmt: skip
PILOT_COLUMNS = [
    "study", "ratings_a", "participants_a", "stars_a", "stars_a_low", "stars_a_high",
    "ratings_b", "participants_b", "stars_b", "stars_b_low", "stars_b_high", "stars_delta",
    "stars_p_mann_whitney", "liked_a", "liked_a_low", "liked_a_high", "liked_b", "liked_b_low",
    "liked_b_high", "liked_delta", "liked_p_mann_whitney",
]  # fmt: skip


def _round(row: dict, digits: int = 4) -> dict:
    return {k: round(v, digits) if isinstance(v, float) else v for k, v in row.items()}


def _points(labels, mid, low, high, *, name: str, colour: int = 0) -> dict:
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "x": labels,
        "y": mid,
        "marker": {"size": 9, "color": figures.COLOURS[colour % len(figures.COLOURS)]},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [
                None if h is None or m is None else h - m for h, m in zip(high, mid, strict=True)
            ],
            "arrayminus": [
                None if lo is None or m is None else m - lo for lo, m in zip(low, mid, strict=True)
            ],
        },
    }


def _zero_line() -> dict:
    return {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0, "y1": 0,
            "line": {"color": "#718096", "dash": "dot"}}  # fmt: skip


def deltas_section(result: dict) -> Section:
    rows = [_round(r) for r in result["deltas"]]
    ranking = [r for r in rows if r["metric"] in ("precision", "recall", "ndcg", "map", "mrr",
                                                   "hit_rate")]  # fmt: skip
    fig = figures.figure(
        [_points([r["label"] for r in ranking], [r["delta"] for r in ranking],
                 [r["low"] for r in ranking], [r["high"] for r in ranking], name="B - A")],
        title={"text": "Accuracy metrics, B - A, with 95% paired bootstrap intervals"},
        xaxis={"type": "category"}, yaxis={"title": {"text": "B - A"}},
        shapes=[_zero_line()], showlegend=False,
    )  # fmt: skip
    split = result["split"]
    return Section(
        "deltas",
        "Offline metrics: B - A on the same people",
        DELTA_COLUMNS,
        rows,
        figures.to_html(fig),
        note=(
            f"Mean over the {split['n_people']} people both versions scored; interval: paired "
            f"bootstrap over people ({split['n_boot']} resamples, seed {split['seed']}); test: "
            "Wilcoxon signed-rank of the per-person differences. Distinguishable from noise "
            "when the interval excludes 0 and p < 0.05."
        ),
    )


def overlap_section(result: dict) -> Section:
    o = result["overlap"]
    edges = o["edges"]
    rows = [
        {"bin": i + 1, "from": edges[i], "to": edges[i + 1],
         "jaccard_people": o["jaccard_counts"][i], "rbo_people": o["rbo_counts"][i]}
        for i in range(len(edges) - 1)
    ]  # fmt: skip
    labels = [f"{r['from']:.1f}-{r['to']:.1f}" for r in rows]
    fig = figures.figure(
        [
            {"type": "bar", "name": f"Jaccard@{result['k']}", "x": labels,
             "y": o["jaccard_counts"], "marker": {"color": figures.COLOURS[0]}},
            {"type": "bar", "name": "RBO (p = 0.9)", "x": labels, "y": o["rbo_counts"],
             "marker": {"color": figures.COLOURS[1]}},
        ],
        title={"text": "How much each person's list changed (1 = the same list)"},
        barmode="group", xaxis={"type": "category", "title": {"text": "overlap"}},
        yaxis={"title": {"text": "people"}},
    )  # fmt: skip
    return Section(
        "overlap",
        "Overlap of the two lists, per person",
        OVERLAP_COLUMNS,
        rows,
        figures.to_html(fig),
        note=(
            f"Mean Jaccard@{result['k']} {o['mean_jaccard']:.3f}, mean RBO {o['mean_rbo']:.3f}; "
            f"{(o['identical_share'] or 0):.0%} of the {o['n']} people got the identical list. "
            "Bins include their lower bound (the last one both)."
        ),
    )


def quantiles_section(result: dict) -> Section:
    o = result["overlap"]
    rows = [
        {"quantile": q, "jaccard": round(j, 4), "rbo": round(r, 4)}
        for q, j, r in zip(o["quantiles"], o["jaccard_quantiles"], o["rbo_quantiles"], strict=True)
    ]
    return Section("quantiles", "Overlap quantiles", QUANTILE_COLUMNS, rows,
                   note="0 is the person whose list changed most, 1 the least.")  # fmt: skip


def segments_section(result: dict) -> Section:
    rows = [_round(r) for r in result["segments"]]
    labels = [f"{r['column']}={r['group']}" for r in rows]
    fig = figures.figure(
        [_points(labels, [r.get("ndcg_delta") for r in rows], [r.get("ndcg_low") for r in rows],
                 [r.get("ndcg_high") for r in rows], name="NDCG@10 B - A")],
        title={"text": "NDCG@10, B - A, per segment (95% paired intervals)"},
        xaxis={"type": "category"}, yaxis={"title": {"text": "B - A"}},
        shapes=[_zero_line()], showlegend=False,
    )  # fmt: skip
    return Section(
        "segments",
        "By segment: the people columns",
        SEGMENT_COLUMNS,
        rows,
        figures.to_html(fig),
        note="Small segments have wide intervals: read them as where to look, not as findings.",
    )


def people_rows(result: dict) -> list[dict]:
    rows = []
    for person in result["most_changed"]:
        la, lb = person["list_a"], person["list_b"]
        for i in range(max(len(la), len(lb))):
            a = la[i] if i < len(la) else {}
            b = lb[i] if i < len(lb) else {}
            rows.append(_round({
                "person": person["person"], "segment": person["segment"],
                "jaccard": person["jaccard"], "rbo": person["rbo"],
                "ndcg_a": person["ndcg_a"], "ndcg_b": person["ndcg_b"], "rank": i + 1,
                "a_recipe": a.get("item"), "a_title": a.get("title"), "a_reason": a.get("reason"),
                "a_in_b": a.get("in_other"), "a_hit": a.get("hit"),
                "b_recipe": b.get("item"), "b_title": b.get("title"), "b_reason": b.get("reason"),
                "b_in_a": b.get("in_other"), "b_hit": b.get("hit"),
            }))  # fmt: skip
    return rows


def pilot_section(result: dict) -> Section | None:
    rows = [_round(r) for r in result["pilot"]]
    if not rows:
        return None
    a, b = result["versions"]["a"]["name"], result["versions"]["b"]["name"]
    studies = [r["study"] for r in rows]
    fig = figures.figure(
        [_points(studies, [r["stars_a"] for r in rows], [r["stars_a_low"] for r in rows],
                 [r["stars_a_high"] for r in rows], name=f"A: {a}", colour=0),
         _points(studies, [r["stars_b"] for r in rows], [r["stars_b_low"] for r in rows],
                 [r["stars_b_high"] for r in rows], name=f"B: {b}", colour=1)],
        title={"text": "Pilot: mean stars of each version's recommendations (95% intervals)"},
        xaxis={"type": "category"}, yaxis={"title": {"text": "mean stars"}, "range": [1, 5]},
    )  # fmt: skip
    return Section(
        "pilot",
        "In the pilot: what participants said",
        PILOT_COLUMNS,
        rows,
        figures.to_html(fig),
        note=(
            "Ratings of the recommendations each version made in a study where both served "
            "arms; liked = 4-5 stars. Intervals by bootstrap over participants; Mann-Whitney "
            "test on participants' means (one person's ratings are not independent)."
        ),
    )


def versions(result: dict) -> list[dict]:
    """A and B for the page, their dates as datetimes (the result holds ISO text)."""
    from pilot.training import parse_cutoff

    return [
        {**v, "holdout_cutoff": parse_cutoff(v["holdout_cutoff"]),
         "data_cutoff": parse_cutoff(v["data_cutoff"])}
        for v in (result["versions"]["a"], result["versions"]["b"])
    ]  # fmt: skip


def people(result: dict) -> list[dict]:
    """The most-changed people with their two lists as ``sides`` (A, then B) for the page."""
    a, b = result["versions"]["a"]["name"], result["versions"]["b"]["name"]
    return [
        {**p, "sides": [{"label": f"A: {a}", "items": p["list_a"]},
                        {"label": f"B: {b}", "items": p["list_b"]}]}
        for p in result["most_changed"]
    ]  # fmt: skip


def build(comparison: Comparison) -> Page:
    result = comparison.result
    sections = [
        deltas_section(result),
        overlap_section(result),
        quantiles_section(result),
        segments_section(result),
        Section("most-changed", "The people whose lists changed most", PEOPLE_COLUMNS,
                people_rows(result)),
    ]  # fmt: skip
    pilot = pilot_section(result)
    if pilot is not None:
        sections.append(pilot)
    a, b = result["versions"]["a"]["name"], result["versions"]["b"]["name"]
    return Page(f"{b} against {a}", sections)
