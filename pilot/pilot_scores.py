"""The pilot as a test set: any model version scored on what the study's participants said.

``score_on_pilot(version, study)`` asks the version for each participant's full ordering of
the catalog (``exclude_seen=False``, the participant's dietary restrictions and segment, as
the weekly cycle asks), reads off the rank of every recipe the participant rated, and
computes per participant AUC (liked above disliked) and NDCG (stars as gain) with
:func:`recommender.rated.rated_metrics`; means with bootstrap 95% intervals over
participants (:func:`recommender.stats.bootstrap_ci`, fixed seed). The versions that
produced the study's batches are scored the same way as reference rows.

Choices (docs/pilot-test.md says the same):

- a recipe rated in several weeks (arms that allow repeats) counts once, with the stars of
  its latest week;
- every recipe is rankable, retired ones too (the question is how the version orders what
  the person rated, not what it may send today);
- a rated recipe the version cannot rank, because the participant's restrictions (today's)
  rule it out or because the version never saw it, is ranked last: tied with the other
  such recipes of that participant, below every ranked one;
- every participant with ratings counts, withdrawn ones too (their answers were real).

:func:`table_rows` returns the table as plain dicts (for the page, the command and the
client report).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import Count, Max, Min

from pilot import modeldata
from pilot.exports import pseudonym
from pilot.jobs import dotted_path, enqueue, job, progress
from pilot.models import Job, ModelVersion, Participant, Rating, Recommendation, Study
from recommender.catalog import Catalog
from recommender.rated import rated_metrics
from recommender.stats import bootstrap_ci

N_BOOT = 1000
SEED = 0
#: Participants asked for their ordering in one call (bounds memory: k = every recipe).
CHUNK = 2000

BIAS = (
    "Only recipes that the pilot's models chose were rated, so these numbers say how well a "
    "version orders recipes that the serving versions already ranked high for each person: "
    "a version that would have sent quite different recipes is judged only on the overlap, "
    "and the serving versions are scored on the very lists they produced."
)

TABLE_COLUMNS = [
    "version", "role", "auc", "auc_ci_low", "auc_ci_high", "auc_participants",
    "ndcg", "ndcg_ci_low", "ndcg_ci_high", "ndcg_participants", "ranked_last",
]  # fmt: skip
SEGMENT_COLUMNS = [
    "segment", "version", "auc", "auc_ci_low", "auc_ci_high", "auc_participants",
    "ndcg", "ndcg_ci_low", "ndcg_ci_high", "ndcg_participants",
]  # fmt: skip
PARTICIPANT_COLUMNS = [
    "participant", "arm", "segment", "version", "role", "n_rated", "n_liked", "n_disliked",
    "ranked_last", "auc", "ndcg",
]  # fmt: skip


@dataclass
class PilotRatings:
    """A study's ratings, one row per (participant, recipe): the latest week's stars."""

    ratings: pd.DataFrame  # participant_id, user, item, stars
    participants: pd.DataFrame  # id, user, arm, model_segment, segment, restrictions, pseudonym
    n_rating_rows: int  # Rating rows before keeping one per (participant, recipe)


@dataclass
class PilotScore:
    study: Study
    version: ModelVersion
    rows: list[dict]  # the table: the scored version first, then the reference versions
    segments: list[dict]
    participants: list[dict]  # one per participant and version (pseudonyms)
    counts: dict
    notes: list[str] = field(default_factory=list)
    bias: str = BIAS


def find_version(text) -> ModelVersion:
    """A version by primary key or name; ``ValueError`` naming what was asked for."""
    text = str(text).strip()
    found = ModelVersion.objects.filter(name=text).first()
    if found is None and text.isdigit():
        found = ModelVersion.objects.filter(pk=int(text)).first()
    if found is None:
        known = ", ".join(ModelVersion.objects.order_by("-pk").values_list("name", flat=True)[:10])
        raise ValueError(f"There is no model version {text!r} (latest: {known or 'none yet'}).")
    return found


def find_study(key) -> Study:
    found = Study.objects.filter(key=str(key).strip()).first()
    if found is None:
        known = ", ".join(Study.objects.values_list("key", flat=True)[:10])
        raise ValueError(f"There is no study {key!r} (studies: {known or 'none yet'}).")
    return found


def serving_versions(study: Study) -> list[ModelVersion]:
    """The versions that produced the study's batches, and the arms' versions."""
    ids = set(study.arms.values_list("model_version_id", flat=True))
    ids |= set(
        Recommendation.objects.filter(batch__study=study)
        .values_list("model_version_id", flat=True)
        .distinct()
    )
    return list(ModelVersion.objects.filter(pk__in=ids).order_by("pk"))


def load_ratings(study: Study) -> PilotRatings:
    """Every rating of the study, one per (participant, recipe), and its participants."""
    people = list(
        Participant.objects.filter(study=study)
        .select_related("person", "arm")
        .order_by("person__customer_id")
    )
    frame = modeldata.people_frame([p.person for p in people])
    participants = pd.DataFrame(
        {
            "id": [p.pk for p in people],
            "user": [p.person.customer_id for p in people],
            "arm": [p.arm.name for p in people],
            "model_segment": [s or None for s in frame["segment"]],  # as the cycle passes it
            "segment": [s or "unknown" for s in frame["segment"]],
            "restrictions": list(frame["restrictions"]),
            "pseudonym": [pseudonym(study.key, p.person.customer_id) for p in people],
        }
    )
    rows = Rating.objects.filter(recommendation__batch__study=study).values_list(
        "recommendation__participant_id",
        "recommendation__recipe__external_id",
        "stars",
        "recommendation__batch__iso_year",
        "recommendation__batch__iso_week",
        "pk",
    )
    ratings = pd.DataFrame.from_records(
        list(rows.iterator(chunk_size=20_000)),
        columns=["participant_id", "item", "stars", "year", "week", "pk"],
    )
    n_rows = len(ratings)
    ratings = ratings.sort_values(["participant_id", "item", "year", "week", "pk"])
    ratings = ratings.drop_duplicates(["participant_id", "item"], keep="last")
    ratings["item"] = ratings["item"].astype(str)
    ratings["user"] = ratings["participant_id"].map(participants.set_index("id")["user"])
    ratings = ratings[["participant_id", "user", "item", "stars"]].reset_index(drop=True)
    return PilotRatings(ratings, participants, n_rows)


def scoring_catalog() -> Catalog:
    """Every recipe, retired ones included, with its diet labels (see the module docstring)."""
    frame = modeldata.recipes_frame()
    frame["active"] = True
    return Catalog.from_frame(frame)


def rated_ranks(model, data: PilotRatings, catalog: Catalog, *, chunk: int = CHUNK) -> np.ndarray:
    """The version's rank of every rated recipe (aligned with ``data.ratings``; inf: last).

    One ``model.recommend`` call per ``chunk`` participants, k = every recipe, with their
    restrictions and segments and nothing excluded (the full ordering a version would give).
    """
    ratings = data.ratings
    ranks = np.full(len(ratings), np.inf)
    if ratings.empty:
        return ranks
    people = data.participants.set_index("user")
    users = sorted(ratings["user"].unique())
    k = len(catalog)
    for start in range(0, len(users), chunk):
        part = users[start : start + chunk]
        recs = model.recommend(
            part,
            k=k,
            catalog=catalog,
            exclude_seen=False,
            restrictions={u: _labels(people.at[u, "restrictions"]) for u in part},
            segments={u: people.at[u, "model_segment"] for u in part},
            explain=False,
        )
        ordering = recs.to_frame()[["user", "item", "rank"]]
        ordering["item"] = ordering["item"].astype(str)
        mask = ratings["user"].isin(set(part)).to_numpy()
        merged = ratings.loc[mask, ["user", "item"]].merge(
            ordering, on=["user", "item"], how="left"
        )
        ranks[mask] = merged["rank"].to_numpy(dtype=np.float64, na_value=np.inf)
    return ranks


def _labels(key: str) -> list[str]:
    return [label for label in (key or "").split(",") if label]


def _interval_cells(row: dict, name: str, values: np.ndarray) -> None:
    ci = bootstrap_ci(values, n_boot=N_BOOT, seed=SEED)
    row[name] = _r(ci.estimate)
    row[f"{name}_ci_low"] = _r(ci.low)
    row[f"{name}_ci_high"] = _r(ci.high)
    row[f"{name}_participants"] = int(ci.n)


def _r(value, digits=4):
    return None if value is None or math.isnan(value) else round(float(value), digits)


def score_version(model, data: PilotRatings, catalog: Catalog) -> pd.DataFrame:
    """Per participant with ratings: n_rated, n_liked, n_disliked, ranked_last, auc, ndcg."""
    ratings = data.ratings
    ranks = rated_ranks(model, data, catalog)
    ids = sorted(ratings["participant_id"].unique())
    position = {pid: i for i, pid in enumerate(ids)}
    user = ratings["participant_id"].map(position).to_numpy(dtype=np.int64)
    m = rated_metrics(user, ranks, ratings["stars"].to_numpy(), n_users=len(ids))
    last = np.bincount(user, weights=np.isinf(ranks), minlength=len(ids)).astype(int)
    out = pd.DataFrame({"participant_id": ids, **m, "ranked_last": last})
    return out


def _role(version: ModelVersion, serving: dict[int, list[str]], scored: bool) -> str:
    arms = serving.get(version.pk)
    parts = ["scored"] if scored else []
    if arms is not None:
        parts.append("served " + (", ".join(arms) if arms else "earlier batches"))
    return "; ".join(parts)


def score_on_pilot(version: ModelVersion, study: Study) -> PilotScore:
    """Score ``version`` on the study's ratings, with the serving versions as reference rows."""
    data = load_ratings(study)
    catalog = scoring_catalog()
    serving = serving_versions(study)
    arms_of = {v.pk: [] for v in serving}
    for arm in study.arms.order_by("pk"):
        arms_of.setdefault(arm.model_version_id, []).append(f"arm {arm.name}")
    versions = [version] + [v for v in serving if v.pk != version.pk]
    info = data.participants.set_index("id")
    rows, segments, participants = [], [], []
    for v in versions:
        scored = v.pk == version.pk
        per = score_version(modeldata.load_model(v), data, catalog)
        per["segment"] = per["participant_id"].map(info["segment"])
        row = {"version": v.name, "role": _role(v, arms_of, scored)}
        _interval_cells(row, "auc", per["auc"].to_numpy())
        _interval_cells(row, "ndcg", per["ndcg"].to_numpy())
        row["ranked_last"] = int(per["ranked_last"].sum())
        rows.append(row)
        for segment, group in per.groupby("segment", sort=True):
            seg = {"segment": segment, "version": v.name}
            _interval_cells(seg, "auc", group["auc"].to_numpy())
            _interval_cells(seg, "ndcg", group["ndcg"].to_numpy())
            segments.append(seg)
        for rec in per.itertuples(index=False):
            participants.append(
                {
                    "participant": info.at[rec.participant_id, "pseudonym"],
                    "arm": info.at[rec.participant_id, "arm"],
                    "segment": rec.segment,
                    "version": v.name,
                    "role": row["role"],
                    "n_rated": int(rec.n_rated),
                    "n_liked": int(rec.n_liked),
                    "n_disliked": int(rec.n_disliked),
                    "ranked_last": int(rec.ranked_last),
                    "auc": _r(rec.auc, 6),
                    "ndcg": _r(rec.ndcg, 6),
                }
            )
        if scored:
            counts = _counts(data, per)
    segments.sort(key=lambda s: (s["segment"], [v.name for v in versions].index(s["version"])))
    return PilotScore(
        study=study,
        version=version,
        rows=rows,
        segments=segments,
        participants=participants,
        counts=counts,
        notes=_notes(version, study, counts),
    )


def _counts(data: PilotRatings, per: pd.DataFrame) -> dict:
    liked, disliked = per["n_liked"] > 0, per["n_disliked"] > 0
    return {
        "participants": len(data.participants),
        "with_ratings": len(per),
        "without_ratings": len(data.participants) - len(per),
        "rating_rows": data.n_rating_rows,
        "ratings": len(data.ratings),
        "auc_scored": int((liked & disliked).sum()),
        "auc_no_disliked": int((liked & ~disliked).sum()),
        "auc_no_liked": int((~liked & disliked).sum()),
        "auc_only_neutral": int((~liked & ~disliked).sum()),
        "ndcg_scored": int(per["ndcg"].notna().sum()),
        "ndcg_all_same_stars": int(per["ndcg"].isna().sum()),
        "ranked_last": int(per["ranked_last"].sum()),
    }


def _notes(version: ModelVersion, study: Study, counts: dict) -> list[str]:
    c = counts
    notes = [
        f"{c['ratings']} rated recipes of {c['with_ratings']} participants "
        f"({c['rating_rows']} ratings; a recipe rated in several weeks counts once, latest "
        f"stars); {c['without_ratings']} of {c['participants']} participants rated nothing.",
        f"AUC: {c['auc_scored']} participants scored; skipped {c['auc_no_disliked']} with no "
        f"disliked recipe (1-2 stars), {c['auc_no_liked']} with no liked one (4-5 stars), "
        f"{c['auc_only_neutral']} with 3 stars only.",
        f"NDCG: {c['ndcg_scored']} participants scored; skipped {c['ndcg_all_same_stars']} "
        "whose rated recipes all have the same stars (every order scores 1).",
        f"{c['ranked_last']} rated recipes {version.name} cannot rank (ruled out by the "
        "participant's restrictions, or unknown to the version) are ranked last, tied.",
    ]
    started = (
        Recommendation.objects.filter(batch__study=study).aggregate(first=Min("created_at"))
    )["first"]
    cutoff = version.data_cutoff or version.trained_at
    if started is not None and cutoff is not None and cutoff > started:
        notes.append(
            f"{version.name} was trained on data up to {cutoff:%Y-%m-%d %H:%M} UTC, after the "
            f"study's first lists ({started:%Y-%m-%d %H:%M} UTC): it may have seen the "
            "participants' website activity of the pilot weeks (pilot ratings are not "
            "training events)."
        )
    return notes


def table_rows(result: PilotScore) -> list[dict]:
    """The table as plain dicts (``TABLE_COLUMNS``): the scored version, then the references."""
    return [{c: row.get(c) for c in TABLE_COLUMNS} for row in result.rows]


# ------------------------------------------------------------------ as a background job
def data_key(version: ModelVersion, study: Study) -> str:
    """Changes when the study's ratings, its serving versions or the version's artifact do."""
    ratings = Rating.objects.filter(recommendation__batch__study=study).aggregate(
        n=Count("pk"), last=Max("pk"), edited=Max("updated_at")
    )
    parts = (
        ratings["n"],
        ratings["last"],
        str(ratings["edited"]),
        version.pk,
        version.artifact,
        str(version.trained_at),
        [v.pk for v in serving_versions(study)],
        Participant.objects.filter(study=study).count(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def as_json(result: PilotScore, key: str) -> dict:
    return {
        "key": key,
        "version": result.version.name,
        "study": result.study.key,
        "rows": table_rows(result),
        "segments": result.segments,
        "participants": result.participants,
        "counts": result.counts,
        "notes": result.notes,
        "bias": result.bias,
    }


@job("other")
def score_on_pilot_job(version_id: int, study_id: int) -> dict:
    """Score a version on a study (see :func:`score_on_pilot`); the Job keeps the result."""
    version = ModelVersion.objects.get(pk=version_id)
    study = Study.objects.get(pk=study_id)
    key = data_key(version, study)
    progress(5, f"scoring {version.name} on {study.key}")
    return as_json(score_on_pilot(version, study), key)


def _jobs(version: ModelVersion, study: Study, states, **lookups):
    path = dotted_path(score_on_pilot_job)
    wanted = [version.pk, study.pk]
    rows = Job.objects.filter(func=path, state__in=states, **lookups).order_by("-pk")[:50]
    for record in rows:
        if record.call_args == wanted:
            yield record


def latest(version: ModelVersion, study: Study) -> tuple[dict | None, Job | None]:
    """The stored result for the current data (or None) and a job still under way (or None)."""
    key = data_key(version, study)
    done = next(_jobs(version, study, [Job.State.DONE], result__key=key), None)
    pending = next(_jobs(version, study, [Job.State.QUEUED, Job.State.RUNNING]), None)
    return (done.result if done is not None else None), pending


def request_score(version: ModelVersion, study: Study, *, user=None) -> Job | None:
    """Enqueue the scoring unless a current result or a pending job exists (idempotent)."""
    if not version.artifact:
        raise ValueError(f"Model version {version.name!r} has no saved artifact.")
    done, pending = latest(version, study)
    if done is not None or pending is not None:
        return pending
    return enqueue(score_on_pilot_job, version.pk, study.pk, user=user)


def last_failure(version: ModelVersion, study: Study) -> str:
    """The first line of the latest failed run's error ("" when the latest run did not fail)."""
    found = next(_jobs(version, study, [Job.State.DONE, Job.State.FAILED]), None)
    if found is None or found.state != Job.State.FAILED:
        return ""
    return found.error.splitlines()[0] if found.error else "failed"
