"""Two model versions side by side: what changed, by how much, and whether it is noise.

:func:`compute` scores versions A and B on **the same holdout people** and compares B with
A through :func:`recommender.compare.compare`:

- **the split**: when both were trained with the same holdout cutoff on the same data
  (equal data fingerprints) it is their training split; otherwise the page says so and both
  are scored on a common one: trained before the later of the two holdout cutoffs, tested
  on the interactions after it up to the earlier of the two data cutoffs. Either way both
  specs (``pilot.training.training_spec``: algorithm, parameters, seed, features) are
  refitted with the evaluation of training (restrictions as hard constraints, seen recipes
  excluded, K = 10), so the lists, their explanations and the numbers come from the same
  fitted models;
- **offline deltas**: each metric's mean difference B - A over the people both scored, with
  a paired bootstrap 95% interval and the Wilcoxon signed-rank test;
- **overlap**: Jaccard@10 and rank-biased overlap (p = 0.9) per person, as a histogram and
  quantiles;
- **segments**: the NDCG@10 delta (paired interval) and the overlap per value of each people
  column (region, age band, household size, devices) and for people new since the cutoff;
- **most changed**: the people whose lists changed most (lowest RBO), both lists with titles
  and explanations side by side, under pseudonyms (``pilot.exports.pseudonym`` with the key
  :data:`PSEUDONYM_KEY`);
- **the pilot**: for each study where both versions produced batches, mean stars and the
  liked share (4-5 stars) of each, with intervals over participants and the Mann-Whitney
  test on participants' means.

:func:`store` keeps the result as a :class:`~pilot.models.Comparison` row (one per ordered
pair; computing again replaces it), whose ``sentence`` says in one sentence what changed
and whether it is distinguishable from noise. :func:`latest_for_study` gives the latest one
about a study's versions (the client report shows it).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pilot import explanations, modeldata, training
from pilot.exports import pseudonym
from pilot.models import Comparison, ModelVersion, Rating, Study
from recommender import stats
from recommender.catalog import Catalog
from recommender.compare import compare

#: Pseudonym key of the people shown on comparison pages (the same person has the same
#: pseudonym on every comparison page, and another one in each study's exports).
PSEUDONYM_KEY = "model-versions"
#: People shown in "whose lists changed most".
MOST_CHANGED = 10
#: Equal-width bins of the Jaccard and RBO histograms over [0, 1].
BINS = 10
QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)
#: People columns the segment table cuts by (those of pilot.modeldata that hold one value).
SEGMENT_COLUMNS = ("region", "age_band", "household_size", "n_devices")
#: The metric of the one-sentence verdict.
HEADLINE = "ndcg"
ALPHA = 0.05
LIKED = 4  # stars from which a rating counts as liked

Progress = Callable[[int, str], None]


class ComparisonError(ValueError):
    """Two versions that cannot be compared (the message says why)."""


# ---------------------------------------------------------------------------- look-ups
def find_version(ref: Any) -> ModelVersion:
    """A version by id or by name; a clear error naming what was asked for."""
    text = str(ref).strip()
    found = ModelVersion.objects.filter(name=text).first()
    if found is None and text.isdigit():
        found = ModelVersion.objects.filter(pk=int(text)).first()
    if found is None:
        raise ComparisonError(f"No model version with id or name {text!r}.")
    return found


def stored(a: ModelVersion, b: ModelVersion) -> Comparison | None:
    return Comparison.objects.filter(version_a=a, version_b=b).first()


def latest_for_study(study: Study) -> Comparison | None:
    """The latest stored comparison about ``study``'s arms: one between two of its arms'
    versions if any, else the latest that involves one of them; None without any."""
    ids = set(study.arms.values_list("model_version_id", flat=True))
    if not ids:
        return None
    candidates = Comparison.objects.filter(
        Q(version_a_id__in=ids) | Q(version_b_id__in=ids)
    ).select_related("version_a", "version_b")
    both = candidates.filter(version_a_id__in=ids, version_b_id__in=ids).first()
    return both or candidates.first()


def summary(comparison: Comparison) -> str:
    """One sentence: what changed from A to B and whether the headline delta is noise."""
    return comparison.sentence


# ---------------------------------------------------------------------------- what changed
def changes(a: ModelVersion, b: ModelVersion) -> dict[str, Any]:
    """How B's recipe differs from A's: features, algorithm, parameters, seed, data."""
    fa, fb = list(a.features or []), list(b.features or [])
    pa, pb = dict(a.params or {}), dict(b.params or {})
    params = {
        name: [pa.get(name), pb.get(name)]
        for name in sorted(set(pa) | set(pb))
        if pa.get(name) != pb.get(name)
    }
    return {
        "added": [f for f in fb if f not in fa],
        "removed": [f for f in fa if f not in fb],
        "algorithm": [a.algorithm, b.algorithm] if a.algorithm != b.algorithm else None,
        "params": params,
        "holdout_cutoff": _iso(a.holdout_cutoff) != _iso(b.holdout_cutoff),
        "same_data": bool(a.data_fingerprint) and a.data_fingerprint == b.data_fingerprint,
        "parent": b.parent_id == a.pk,
    }


def change_phrase(a_name: str, b_name: str, diff: dict[str, Any]) -> str:
    """``"B adds the people column region to A"`` or ``"B differs from A in ..."``."""
    features = []
    for feature in diff["added"]:
        features.append(f"adds {training.describe_change([feature])[5:]} to {a_name}")
    for feature in diff["removed"]:
        features.append(f"removes {training.describe_change([], [feature])[8:]} from {a_name}")
    other = []
    if diff["algorithm"]:
        other.append(f"algorithm ({diff['algorithm'][0]} to {diff['algorithm'][1]})")
    for name, (va, vb) in diff["params"].items():
        other.append(f"{name} ({va} to {vb})")
    if diff["holdout_cutoff"]:
        other.append("holdout cutoff")
    if not diff["same_data"]:
        other.append("data")
    if features and not other:
        return f"{b_name} " + " and ".join(features)
    if not features and not other:
        return f"{b_name} has the same recipe as {a_name}"
    parts = [p.replace(f" to {a_name}", "").replace(f" from {a_name}", "") for p in features]
    return f"{b_name} differs from {a_name}: " + ", ".join(parts + other)


def verdict(row: dict[str, Any] | None) -> str:
    """Whether a delta row is distinguishable from noise (interval and Wilcoxon agree)."""
    if not row or row.get("delta") is None:
        return "no one was scored by both"
    low, high, p = row.get("low"), row.get("high"), row.get("p_wilcoxon")
    if (
        low is not None
        and high is not None
        and p is not None
        and p < ALPHA
        and (low > 0 or high < 0)
    ):
        return f"distinguishable from noise: {'better' if row['delta'] > 0 else 'worse'}"
    return "not distinguishable from noise"


def sentence(result: dict[str, Any]) -> str:
    a, b = result["versions"]["a"]["name"], result["versions"]["b"]["name"]
    head = change_phrase(a, b, result["changes"])
    row = next((r for r in result["deltas"] if r["metric"] == HEADLINE), None)
    if not row or row.get("delta") is None:
        return f"{head}; no person was scored by both."
    p = row["p_wilcoxon"]
    return (
        f"{head}; {row['label']} {row['delta']:+.3f} (95% CI {row['low']:+.3f} to "
        f"{row['high']:+.3f}), {verdict(row)} (Wilcoxon p = {_p(p)})."
    )


# ---------------------------------------------------------------------------- the split
def common_split(a: ModelVersion, b: ModelVersion) -> dict[str, Any]:
    """Which interactions train and test both versions, and why (see the module docstring)."""
    for version in (a, b):
        if version.holdout_cutoff is None or version.data_cutoff is None:
            raise ComparisonError(
                f"Version {version.name!r} was never trained here (no holdout cutoff or data "
                "cutoff): there is nothing to score it on."
            )
    same_cutoff = a.holdout_cutoff == b.holdout_cutoff
    same_data = bool(a.data_fingerprint) and a.data_fingerprint == b.data_fingerprint
    cutoff = max(a.holdout_cutoff, b.holdout_cutoff)
    until = min(a.data_cutoff, b.data_cutoff)
    if cutoff >= until:
        raise ComparisonError(
            f"No common test period: the later holdout cutoff {_iso(cutoff)} is not before "
            f"the earlier data cutoff {_iso(until)}."
        )
    if same_cutoff and same_data:
        reason = (
            "Both versions were trained with the same holdout cutoff on the same data: they "
            "are scored on their training split."
        )
    else:
        why = []
        if not same_cutoff:
            why.append(
                f"{a.name} was trained with the holdout cutoff {a.holdout_cutoff:%Y-%m-%d %H:%M}"
                f" UTC and {b.name} with {b.holdout_cutoff:%Y-%m-%d %H:%M} UTC"
            )
        if not same_data:
            why.append("they were trained on different data (different data fingerprints)")
        reason = (
            "; ".join(why)[0].upper()
            + "; ".join(why)[1:]
            + f": both are refitted and scored here on a common split, trained before "
            f"{cutoff:%Y-%m-%d %H:%M} UTC and tested on the interactions up to "
            f"{until:%Y-%m-%d %H:%M} UTC. Their version pages show other numbers."
        )
    return {
        "cutoff": _iso(cutoff),
        "until": _iso(until),
        "same_as_training": same_cutoff and same_data,
        "same_cutoff": same_cutoff,
        "same_data": same_data,
        "reason": reason,
    }


# ---------------------------------------------------------------------------- computing
def compute(a: ModelVersion, b: ModelVersion, *, progress: Progress | None = None) -> dict:
    """Everything the comparison page shows, as JSON-ready values (see the module docstring)."""
    report = progress or (lambda percent, message: None)
    if a.pk == b.pk:
        raise ComparisonError("Pick two different versions to compare.")
    split_info = common_split(a, b)
    cutoff = training.parse_cutoff(split_info["cutoff"])
    until = training.parse_cutoff(split_info["until"])

    report(5, "Reading the interactions, people and recipes")
    events = modeldata.interactions_frame(until=until)
    people = modeldata.people_frame()
    recipes = modeldata.recipes_frame()
    catalog = Catalog.from_frame(recipes)
    if events.empty or not (events["timestamp"] >= pd.Timestamp(cutoff)).any():
        raise ComparisonError(f"No interaction after {split_info['cutoff']} to test on.")
    if not (events["timestamp"] < pd.Timestamp(cutoff)).any():
        raise ComparisonError(f"No interaction before {split_info['cutoff']} to train on.")

    results, models = [], []
    for i, version in enumerate((a, b)):
        report(10 + 35 * i, f"Fitting and scoring {version.name}")
        spec = training.training_spec(version)
        result, model, split = training.evaluate_holdout(
            spec["algorithm"], training.coerce_params(spec["algorithm"], spec["params"]),
            spec["seed"], spec["user_features"], spec["item_features"],
            events, people, recipes, cutoff, summaries=False,
        )  # fmt: skip
        results.append(result)
        models.append(model)
    report(80, "Comparing the lists and the per-person metrics")
    found = compare(
        results[0],
        results[1],
        names=(a.name, b.name),
        n_boot=training.N_BOOT,
        seed=training.BOOTSTRAP_SEED,
    )
    per_user = found.per_user
    result = {
        "k": found.k,
        "versions": {"a": _version_record(a), "b": _version_record(b)},
        "changes": changes(a, b),
        "split": {
            **split_info,
            "train_events": int(len(split.train)),
            "test_events": int(len(split.test)),
            "n_people": int(found.overlap["n_users"]),
            "n_only_a": found.info["n_only_a"],
            "n_only_b": found.info["n_only_b"],
            "n_boot": found.info["n_boot"],
            "seed": found.info["seed"],
            "rbo_p": found.info["rbo_p"],
        },
        "deltas": _delta_rows(found.deltas),
        "overlap": _overlap(per_user, found.overlap),
        "segments": _segments(per_user, people, results[0]),
    }
    report(90, "Explaining the lists that changed most")
    result["most_changed"] = _most_changed(found, models, people, catalog, split, (a, b))
    result["pilot"] = pilot_rows(a, b)
    result["sentence"] = sentence(result)
    report(100, "Done")
    return result


def _version_record(v: ModelVersion) -> dict[str, Any]:
    return {
        "id": v.pk,
        "name": v.name,
        "algorithm": v.algorithm,
        "features": list(v.features or []),
        "params": dict(v.params or {}),
        "holdout_cutoff": _iso(v.holdout_cutoff),
        "data_cutoff": _iso(v.data_cutoff),
        "data_fingerprint": v.data_fingerprint,
        "parent": v.parent_id,
    }


def _delta_rows(deltas: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for metric, row in deltas.iterrows():
        record = {"metric": metric, "label": training.METRIC_LABELS.get(metric, metric)}
        record.update({key: _num(value) for key, value in row.items()})
        record["n"] = int(row["n"])
        record["verdict"] = verdict(record)
        rows.append(record)
    return rows


def _overlap(per_user: pd.DataFrame, overlap: dict) -> dict[str, Any]:
    edges = np.linspace(0.0, 1.0, BINS + 1)
    out: dict[str, Any] = {
        "mean_jaccard": _num(overlap["jaccard"]),
        "mean_rbo": _num(overlap["rbo"]),
        "identical_share": _num(overlap["identical_share"]),
        "n": int(overlap["n_users"]),
        "edges": [round(float(e), 4) for e in edges],
        "quantiles": [float(q) for q in QUANTILES],
    }
    for name in ("jaccard", "rbo"):
        values = per_user[name].to_numpy(dtype=np.float64)
        counts, _ = np.histogram(np.clip(values, 0.0, 1.0), bins=edges)
        out[f"{name}_counts"] = [int(c) for c in counts]
        out[f"{name}_quantiles"] = (
            [float(np.quantile(values, q)) for q in QUANTILES] if values.size else []
        )
    return out


def _segments(per_user: pd.DataFrame, people: pd.DataFrame, result_a) -> list[dict[str, Any]]:
    """NDCG delta (paired interval), recall delta and overlap per value of each column."""
    frame = per_user.join(people.set_index("user")[list(SEGMENT_COLUMNS)], how="left")
    frame["new since the cutoff"] = result_a.per_user.loc[frame.index, "cold"].map(
        {True: "new", False: "known"}
    )
    rows = []
    for column in (*SEGMENT_COLUMNS, "new since the cutoff"):
        values = frame[column].fillna("(none)").astype(str).replace("", "(none)")
        for group, part in frame.groupby(values, sort=True):
            row = {"column": column, "group": group, "n": int(len(part))}
            row["mean_jaccard"] = _num(part["jaccard"].mean())
            row["mean_rbo"] = _num(part["rbo"].mean())
            for metric in (HEADLINE, "recall"):
                if f"{metric}_a" not in part:
                    continue
                diff = stats.paired_bootstrap(
                    part[f"{metric}_a"].to_numpy(dtype=np.float64),
                    part[f"{metric}_b"].to_numpy(dtype=np.float64),
                    n_boot=training.N_BOOT,
                    seed=training.BOOTSTRAP_SEED,
                )
                row[f"{metric}_delta"] = _num(diff.delta)
                row[f"{metric}_low"] = _num(diff.low)
                row[f"{metric}_high"] = _num(diff.high)
            rows.append(row)
    return rows


def _most_changed(found, models, people, catalog, split, versions) -> list[dict[str, Any]]:
    top = found.most_changed(MOST_CHANGED)
    users = list(top.index)
    if not users:
        return []
    segments, restrictions = training.holdout_inputs(people)
    hits: dict[str, set] = {}
    for user, item in zip(split.test["user"], split.test["item"], strict=True):
        hits.setdefault(user, set()).add(item)
    lists = []
    for model, version in zip(models, versions, strict=True):
        recs = model.recommend(
            users,
            found.k,
            exclude_seen=True,
            catalog=catalog,
            restrictions=restrictions,
            segments=segments,
        )
        side = bool(version.user_features)
        lists.append({u: [explanations.describe(r, catalog, side_features=side) for r in recs[u]]
                      for u in users})  # fmt: skip
    out = []
    for user, row in top.iterrows():
        items_a = [entry["item"] for entry in lists[0][user]]
        items_b = [entry["item"] for entry in lists[1][user]]
        record = {
            "person": pseudonym(PSEUDONYM_KEY, str(user)),
            "segment": str(row.get("segment", "")),
            "jaccard": _num(row["jaccard"]),
            "rbo": _num(row["rbo"]),
            "ndcg_a": _num(row.get(f"{HEADLINE}_a")),
            "ndcg_b": _num(row.get(f"{HEADLINE}_b")),
        }
        for key, mine, other in (("a", lists[0][user], items_b), ("b", lists[1][user], items_a)):
            record[f"list_{key}"] = [
                {
                    "rank": entry["rank"],
                    "item": str(entry["item"]),
                    "title": entry["title"],
                    "reason": entry["reason"],
                    "note": entry["note"],
                    "in_other": entry["item"] in other,
                    "hit": entry["item"] in hits.get(user, ()),
                }
                for entry in mine
            ]
        out.append(record)
    return out


# ---------------------------------------------------------------------------- the pilot
def pilot_rows(a: ModelVersion, b: ModelVersion) -> list[dict[str, Any]]:
    """Per study where both versions served arms: stars and liked share of each, B - A, and
    the Mann-Whitney test on participants' means (ratings of one person are not independent).
    """
    studies = Study.objects.filter(arms__model_version=a).filter(arms__model_version=b).distinct()
    out = []
    for study in studies.order_by("key"):
        ratings = pd.DataFrame.from_records(
            list(
                Rating.objects.filter(
                    recommendation__batch__study=study,
                    recommendation__model_version__in=[a, b],
                ).values_list(
                    "recommendation__model_version_id", "recommendation__participant_id", "stars"
                )
            ),
            columns=["version", "participant", "stars"],
        )
        row: dict[str, Any] = {"study": study.key, "study_name": study.name}
        means = {}
        for key, version in (("a", a), ("b", b)):
            part = ratings[ratings["version"] == version.pk]
            stars = part["stars"].to_numpy(dtype=np.float64)
            liked = (stars >= LIKED).astype(np.float64)
            who = part["participant"].to_numpy()
            row[f"ratings_{key}"] = int(len(part))
            row[f"participants_{key}"] = int(part["participant"].nunique())
            for name, values in (("stars", stars), ("liked", liked)):
                ci = stats.cluster_bootstrap_ci(
                    values, who, n_boot=training.N_BOOT, seed=training.BOOTSTRAP_SEED
                )
                row[f"{name}_{key}"] = _num(ci.estimate)
                row[f"{name}_{key}_low"] = _num(ci.low)
                row[f"{name}_{key}_high"] = _num(ci.high)
            means[key] = part.assign(liked=liked).groupby("participant")[["stars", "liked"]].mean()
        for name in ("stars", "liked"):
            va, vb = row[f"{name}_a"], row[f"{name}_b"]
            row[f"{name}_delta"] = None if va is None or vb is None else vb - va
            test = stats.mann_whitney(means["b"][name].to_numpy(), means["a"][name].to_numpy())
            row[f"{name}_p_mann_whitney"] = _num(test.p_value)
        out.append(row)
    return out


# ---------------------------------------------------------------------------- storing, jobs
def store(a: ModelVersion, b: ModelVersion, result: dict, *, seconds=0.0, user=None) -> Comparison:
    """Keep ``result`` as the comparison of (A, B), replacing an earlier one (atomic)."""
    with transaction.atomic():
        comparison, _ = Comparison.objects.update_or_create(
            version_a=a,
            version_b=b,
            defaults={
                "result": result,
                "sentence": result["sentence"],
                "seconds": seconds,
                "computed_at": timezone.now(),
                "created_by": user if getattr(user, "pk", None) else None,
            },
        )
    return comparison


def compare_versions(
    a: ModelVersion, b: ModelVersion, *, user=None, progress: Progress | None = None
) -> Comparison:
    """Compute and store the comparison of B with A."""
    clock = time.perf_counter()
    result = compute(a, b, progress=progress)
    return store(a, b, result, seconds=time.perf_counter() - clock, user=user)


def _user(user_id):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def _live(token: str | None, base: int, span: int, extra: dict) -> Progress:
    from pilot import jobs

    def progress(percent: int, message: str) -> None:
        done = base + span * percent // 100
        if token:
            training.write_run(token, state="running", percent=done, message=message, **extra)
        jobs.progress(done, message)

    return progress


def new_run(title: str, **extra) -> str:
    """A run token (a state file the staff run page follows) for a comparison or a variant."""
    token = training.new_run(extra.get("spec", {}))
    training.write_run(
        token, state="queued", percent=0, message="Waiting for a worker", title=title, **extra
    )
    return token


def run_comparison(a_id: int, b_id: int, token: str | None = None, user_id=None) -> int | None:
    """A background comparison: compute and store it, keeping the run's state file current.

    Returns the comparison's id, or None when the versions cannot be compared (the state
    file says why).
    """
    extra = {"title": "Comparing two versions", "spec": {"a": a_id, "b": b_id}}
    try:
        a, b = find_version(a_id), find_version(b_id)
        comparison = compare_versions(
            a, b, user=_user(user_id), progress=_live(token, 0, 100, extra)
        )
    except (ComparisonError, training.TrainingError) as error:
        if token:
            training.write_run(token, state="failed", percent=100, message=str(error), **extra)
        return None
    except Exception as error:
        if token:
            training.write_run(
                token, state="failed", percent=100, message=f"Comparison failed: {error}", **extra
            )
        raise
    if token:
        training.write_run(
            token, state="done", percent=100, message=comparison.sentence,
            comparison_id=comparison.pk, **extra,
        )  # fmt: skip
    return comparison.pk


def run_variant(token: str, spec: dict, user_id=None) -> dict | None:
    """Train a variant (``spec`` from ``pilot.training.variant_spec``), then compare it with
    its parent; the run page opens the comparison when both are done."""
    extra = {"title": f"Training a variant of version #{spec.get('parent')}", "spec": dict(spec)}
    user = _user(user_id)
    try:
        version = training.train_version(**spec, user=user, progress=_live(token, 0, 70, extra))
        parent = find_version(spec["parent"])
        comparison = compare_versions(parent, version, user=user,
                                      progress=_live(token, 70, 30, extra))  # fmt: skip
    except (ComparisonError, training.TrainingError) as error:
        training.write_run(token, state="failed", percent=100, message=str(error), **extra)
        return None
    except Exception as error:
        training.write_run(
            token, state="failed", percent=100, message=f"Training failed: {error}", **extra
        )
        raise
    training.write_run(
        token, state="done", percent=100, message=comparison.sentence, version_id=version.pk,
        comparison_id=comparison.pk, **extra,
    )  # fmt: skip
    return {"version_id": version.pk, "comparison_id": comparison.pk}


# ---------------------------------------------------------------------------- text
def lines(comparison: Comparison) -> list[str]:
    """What ``compare_versions`` prints: the split, the deltas, overlap, segments, pilot."""
    r = comparison.result
    a, b = r["versions"]["a"]["name"], r["versions"]["b"]["name"]
    split = r["split"]
    out = [
        f"B = {b} (#{r['versions']['b']['id']}) against A = {a} (#{r['versions']['a']['id']}).",
        split["reason"],
        f"{split['n_people']:,} people scored by both (k = {r['k']}; paired bootstrap "
        f"{split['n_boot']} resamples, seed {split['seed']}).",
        "Offline metrics (B - A):",
        f"  {'metric':<22} {'A':>8} {'B':>8} {'B - A':>8}  {'95% CI':<19} {'Wilcoxon p':>10}",
    ]
    for row in r["deltas"]:
        out.append(
            f"  {row['label']:<22} {_f(row['mean_a'])} {_f(row['mean_b'])} "
            f"{_f(row['delta'], '+')}  [{_f(row['low'], '+')}, {_f(row['high'], '+')}] "
            f"{_p(row['p_wilcoxon']):>10}"
        )
    o = r["overlap"]
    out.append(
        f"Overlap at {r['k']}: mean Jaccard {_f(o['mean_jaccard'])}, mean RBO "
        f"{_f(o['mean_rbo'])}, identical lists {o['identical_share'] or 0:.1%}."
    )
    for name in ("jaccard", "rbo"):
        quantiles = ", ".join(
            f"q{round(q * 100)} {v:.3f}"
            for q, v in zip(o["quantiles"], o[f"{name}_quantiles"], strict=True)
        )
        out.append(f"  {name}: {quantiles}")
    out.append("Segments (NDCG@10 B - A, 95% CI; mean RBO):")
    for row in r["segments"]:
        out.append(
            f"  {row['column']}={row['group']:<14} n={row['n']:<5} "
            f"{_f(row.get('ndcg_delta'), '+')} [{_f(row.get('ndcg_low'), '+')}, "
            f"{_f(row.get('ndcg_high'), '+')}]  RBO {_f(row['mean_rbo'])}"
        )
    for row in r["pilot"]:
        out.append(
            f"Pilot {row['study']}: mean stars A {_f(row['stars_a'])} B {_f(row['stars_b'])} "
            f"(B - A {_f(row['stars_delta'], '+')}, Mann-Whitney p = "
            f"{_p(row['stars_p_mann_whitney'])}); liked share A {_f(row['liked_a'])} "
            f"B {_f(row['liked_b'])} (p = {_p(row['liked_p_mann_whitney'])})."
        )
    if not r["pilot"]:
        out.append("Pilot: no study had both versions in its arms.")
    out.append(comparison.sentence)
    return out


def _f(value, sign: str = "") -> str:
    if value is None:
        return f"{'-':>8}"
    return f"{value:{sign}8.4f}"


def _p(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.2g}" if value >= 0.001 else "< 0.001"


def _num(value):
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return float(value) if isinstance(value, int | float) else value


def _iso(moment) -> str | None:
    return training._iso(moment) if moment is not None else None
