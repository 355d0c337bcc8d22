"""Reading a ModelVersion's offline metrics defensively.

Expected layout of ``ModelVersion.metrics`` (written by ``pilot.training``, which stores
``recommender.evaluate``'s ``to_dict()``)::

    {"k": 10,
     "summary": {"ndcg": {"estimate": .., "low": .., "high": .., "n": ..}, "precision": ...,
                 "recall": ..., "map": ..., "novelty": ..., "diversity": ...},
     "segments": [{"segment": .., "metric": .., "estimate": .., ...}, ...],
     "beyond": {"catalog_coverage": .., "novelty": .., "diversity": .., ...}}

and each person's holdout numbers in the JSON file named by ``ModelVersion.holdout_file``:
``{"k": 10, "metrics": [...], "people": {customer_id: {"ndcg": .., ...}}}``. Anything
missing reads as None (a version trained before metrics were recorded shows dashes).
"""

from __future__ import annotations

#: Offline metrics shown beside the pilot: key, label.
OFFLINE = (
    ("precision", "precision@k"),
    ("recall", "recall@k"),
    ("ndcg", "NDCG@k"),
    ("map", "MAP@k"),
    ("catalog_coverage", "coverage"),
    ("novelty", "novelty"),
    ("diversity", "diversity"),
)
#: The metric the pilot is ranked against across versions and per participant.
PRIMARY = "ndcg"


def _estimate(entry):
    if isinstance(entry, dict):
        entry = entry.get("estimate")
    return float(entry) if isinstance(entry, int | float) else None


def offline_metrics(version) -> dict[str, float | None]:
    metrics = version.metrics if isinstance(version.metrics, dict) else {}
    summary = metrics.get("summary") or {}
    beyond = metrics.get("beyond") or {}
    out = {}
    for key, _ in OFFLINE:
        value = _estimate(summary.get(key))
        if value is None:
            value = _estimate(beyond.get(key))
        if value is None:
            value = _estimate(metrics.get(key))  # a flat {"ndcg": 0.1} layout
        out[key] = value
    k = metrics.get("k")
    out["k"] = int(k) if isinstance(k, int) else None
    return out


def holdout_people(version) -> dict[str, dict]:
    """customer id -> that person's holdout metrics (``pilot.training.holdout_people``);
    {} when there is no readable file or it is not laid out as expected."""
    from pilot.training import holdout_people as read

    if not (getattr(version, "holdout_file", "") or ""):
        return {}
    try:
        people = read(version)
    except (AttributeError, TypeError):  # a JSON file that is not an object
        return {}
    if not isinstance(people, dict):
        return {}
    return {str(k): v for k, v in people.items() if isinstance(v, dict)}
