"""A study's rows as pandas frames, in a fixed number of SQL queries whatever its size.

Each query is the SQL of an ORM queryset run on a plain cursor (no model instances are
built for 200,000 recommendations). Segment filters cut the participants first; every
other frame keeps only the rows of the participants left.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Case, Count, Value, When

from pilot.exports import pseudonym
from pilot.models import (
    Batch,
    Identity,
    Participant,
    QuestionnaireAnswer,
    Rating,
    Recipe,
    Recommendation,
)
from pilot.models.studies import QUESTIONNAIRE_ITEMS

COLD_START_REASON = "cold_start_popular"
CONSTRUCTS = [name for name, _ in QUESTIONNAIRE_ITEMS]
#: Segment dimensions: key, label (values come from the participants themselves).
SEGMENTS = (
    ("diet", "Diet"),
    ("age_band", "Age band"),
    ("region", "Region"),
    ("household_size", "Household size"),
    ("devices", "Devices"),
    ("cold_start", "Cold start"),
)


def _rows(queryset, columns) -> pd.DataFrame:
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        data = cursor.fetchall()
    return pd.DataFrame.from_records(data, columns=[c.split("__")[-1] for c in columns])


def _json_list(value) -> list:
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return list(value or [])


@dataclass
class StudyData:
    study: object
    arms: list
    participants: pd.DataFrame  # id, pcode, arm_id, arm, pseudonym + one column per segment
    #: one row per recommendation, its rating columns (NaN: unrated); ``pcode``: the
    #: participant's rank among the sorted participant ids (a dense cluster code)
    recs: pd.DataFrame
    batches: pd.DataFrame  # id, iso_year, iso_week, status, week, monday
    recipes: pd.DataFrame  # id, external_id, title, tags (list)
    answers: pd.DataFrame  # questionnaire answers
    filters: dict

    @property
    def weeks(self) -> list[str]:
        return sorted(self.batches["week"].unique())


def _devices(count: int) -> str:
    return "3+" if count >= 3 else str(count)


def participants_frame(study) -> pd.DataFrame:
    frame = _rows(
        Participant.objects.filter(study=study),
        [
            "id",
            "arm_id",
            "person_id",
            "person__customer_id",
            "person__age_band",
            "person__household_size",
            "person__region",
            "person__restrictions",
        ],
    )
    devices = dict(
        Identity.objects.filter(
            source=Identity.Source.WEB,
            status=Identity.Status.RESOLVED,
            person__participations__study=study,
        )
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    frame["pseudonym"] = [pseudonym(study.key, c) for c in frame["customer_id"]]
    frame["diet"] = [
        ", ".join(sorted(_json_list(r))) or "no restriction" for r in frame["restrictions"]
    ]
    frame["age_band"] = frame["age_band"].replace("", "unknown").fillna("unknown")
    frame["region"] = frame["region"].replace("", "unknown").fillna("unknown")
    frame["household_size"] = [
        str(int(h)) if pd.notna(h) and h else "unknown" for h in frame["household_size"]
    ]
    frame["devices"] = [_devices(devices.get(p, 0)) for p in frame["person_id"]]
    return frame.drop(columns=["restrictions", "person_id"])  # customer_id: never shown


def _fetch(queryset, columns, ordered=False) -> list[tuple]:
    """Rows of ``columns``; in no particular order (the model's default ordering dropped)
    unless ``ordered``."""
    if not ordered:
        queryset = queryset.order_by()
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _int_array(rows: list[tuple], width: int) -> np.ndarray:
    if not rows:
        return np.zeros((0, width), dtype=np.int64)
    return np.array(rows, dtype=np.int64).reshape(len(rows), width)


def recommendations_frame(study) -> pd.DataFrame:
    """One row per recommendation of the study with its rating (stars NaN: unrated).

    Two lean queries of integers only, joined in numpy: the study's recommendations
    (id, participant, batch, recipe, rank) and the ratings whose recommendation id lies in
    the range of theirs (an index range scan; ratings of other studies inside the range
    are dropped by the join). Faster on SQLite and PostgreSQL than one LEFT JOIN read
    row by row into Python objects.
    """
    batches = Batch.objects.filter(study=study).values("pk")
    recs = _int_array(
        _fetch(
            Recommendation.objects.filter(batch_id__in=batches),
            ["id", "participant_id", "batch_id", "recipe_id", "rank"],
        ),
        5,
    )
    frame = pd.DataFrame(
        {name: recs[:, i] for i, name in enumerate(REC_COLUMNS)}, columns=list(REC_COLUMNS)
    )
    stars = np.full(len(frame), np.nan)
    cook = np.zeros(len(frame), dtype=bool)
    if len(frame):
        ids = recs[:, 0]
        low, high = int(ids.min()), int(ids.max())
        yes = Case(When(would_cook="yes", then=Value(1)), default=Value(0))
        rated = _int_array(
            _fetch(
                Rating.objects.filter(
                    recommendation_id__gte=low, recommendation_id__lte=high
                ).annotate(yes=yes),
                ["recommendation_id", "stars", "yes"],
            ),
            3,
        )
        order = np.argsort(ids, kind="stable")
        pos = np.searchsorted(ids, rated[:, 0], sorter=order)
        pos = np.minimum(pos, len(ids) - 1)
        found = ids[order[pos]] == rated[:, 0]
        where = order[pos[found]]
        stars[where] = rated[found, 1]
        cook[where] = rated[found, 2] == 1
    frame["stars"] = stars
    frame["cook"] = cook
    return frame


REC_COLUMNS = ("id", "participant_id", "batch_id", "recipe_id", "rank")


def load_all(study) -> StudyData:
    """The study's participants, recommendations with ratings, weeks, recipes, answers.

    A fixed number of queries (eight) whatever the study's size.
    """
    arms = list(study.arms.select_related("model_version").order_by("pk"))
    arm_names = {a.pk: a.name for a in arms}
    participants = segment_frame(study)
    participants["arm"] = participants["arm_id"].map(arm_names)
    recs = recommendations_frame(study)
    ids = np.sort(participants["id"].to_numpy())
    recs["pcode"] = np.searchsorted(ids, recs["participant_id"].to_numpy())
    participants["pcode"] = np.searchsorted(ids, participants["id"].to_numpy())
    arm_by_code = np.zeros(len(ids), dtype=np.int64)
    arm_by_code[participants["pcode"].to_numpy()] = participants["arm_id"].to_numpy()
    recs["arm_id"] = arm_by_code[recs["pcode"].to_numpy()]
    recs["arm"] = recs["arm_id"].map(arm_names)
    batches = _rows(Batch.objects.filter(study=study), ["id", "iso_year", "iso_week", "status"])
    batches["week"] = [
        f"{y}-W{w:02d}" for y, w in zip(batches.iso_year, batches.iso_week, strict=False)
    ]
    batches["monday"] = [
        date.fromisocalendar(int(y), int(w), 1)
        for y, w in zip(batches.iso_year, batches.iso_week, strict=False)
    ]
    recs["week"] = recs["batch_id"].map(batches.set_index("id")["week"])
    recs["rated"] = recs["stars"].notna()
    recs["liked"] = (recs["stars"] >= 4).where(recs["rated"])
    recs["cook_yes"] = recs.pop("cook").where(recs["rated"])
    recipes = _rows(Recipe.objects.all(), ["id", "external_id", "title", "tags", "active"])
    recipes["tags"] = [_json_list(t) for t in recipes["tags"]]
    answers = _rows(
        QuestionnaireAnswer.objects.filter(batch__study=study),
        ["participant_id", "batch_id", *CONSTRUCTS, "free_text"],
    )
    answers["arm"] = answers["participant_id"].map(participants.set_index("id")["arm"])
    answers["week"] = answers["batch_id"].map(batches.set_index("id")["week"])
    return StudyData(study, arms, participants, recs, batches, recipes, answers, {})


def segment_frame(study) -> pd.DataFrame:
    """:func:`participants_frame` with the ``cold_start`` segment: "cold start" for whoever
    got a cold-start list in this study, else "with history"."""
    participants = participants_frame(study)
    cold = set(cold_start_participants(study))
    participants["cold_start"] = [
        "cold start" if p in cold else "with history" for p in participants["id"]
    ]
    return participants


def cold_start_participants(study) -> list[int]:
    return list(
        Recommendation.objects.filter(
            batch_id__in=Batch.objects.filter(study=study).values("pk"),
            reason_code=COLD_START_REASON,
        )
        .order_by()
        .values_list("participant_id", flat=True)
        .distinct()
    )


def subset(full: StudyData, filters: dict | None = None) -> StudyData:
    """``full`` cut to the participants of the segment filters (no query).

    Always a new StudyData with its own (shallow) frames: a page may add columns to its
    ``recs`` without touching the shared data.
    """
    filters = {k: v for k, v in (filters or {}).items() if v}
    participants, recs, answers = full.participants, full.recs, full.answers
    for key, value in filters.items():
        if key in participants.columns and key in dict(SEGMENTS):
            participants = participants[participants[key] == value]
    if len(participants) != len(full.participants):
        keep = participants["id"]
        recs = recs[recs["participant_id"].isin(keep)]
        answers = answers[answers["participant_id"].isin(keep)]
    return StudyData(
        full.study,
        full.arms,
        participants.copy(deep=False),
        recs.copy(deep=False),
        full.batches,
        full.recipes,
        answers.copy(deep=False),
        filters,
    )


#: Unfiltered StudyData per (study, data fingerprint), shared by every page and filter.
_SHARED: OrderedDict = OrderedDict()
_SHARED_SIZE = 4
_LOCK = threading.Lock()


def shared(study, fingerprint: str) -> StudyData:
    """The study's data for this fingerprint, loaded once per process for all pages."""
    key = (study.pk, fingerprint)
    with _LOCK:
        found = _SHARED.get(key)
        if found is not None:
            _SHARED.move_to_end(key)
            return found
    data = load_all(study)
    with _LOCK:
        _SHARED[key] = data
        while len(_SHARED) > _SHARED_SIZE:
            _SHARED.popitem(last=False)
    return data


def load(study, filters: dict | None = None) -> StudyData:
    """The study's data cut to ``filters`` (loaded afresh: no sharing)."""
    return subset(load_all(study), filters)


def segment_values(study, data: StudyData | None = None) -> dict[str, list[str]]:
    """Every value each segment takes among the study's participants (for the filter form)."""
    frame = (data or load_all(study)).participants
    return {key: sorted(frame[key].unique()) for key, _ in SEGMENTS}


def comments(study) -> list[tuple]:
    """Every rating with a comment, as tuples (participant id, batch id, recipe title, rank,
    explanation seen, stars, would cook, comment)."""
    return _fetch(
        Recommendation.objects.filter(batch_id__in=Batch.objects.filter(study=study).values("pk"))
        .exclude(rating__comment="")
        .filter(rating__isnull=False),
        [
            "participant_id",
            "batch_id",
            "recipe__title",
            "recipe__external_id",
            "rank",
            "explanation",
            "rating__stars",
            "rating__would_cook",
            "rating__comment",
        ],
        ordered=True,  # the listing's order: the model's (week, participant, rank)
    )


def item_users(recipe_ids=None) -> dict[int, int]:
    """Distinct people who interacted with each recipe (novelty and popularity of what was sent)."""
    from pilot.models import Interaction

    rows = (
        Interaction.objects.filter(person__isnull=False)
        .values("recipe_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("recipe_id", "n")
    )
    return dict(rows)


def interacting_people() -> int:
    from pilot.models import Interaction

    return Interaction.objects.filter(person__isnull=False).values("person_id").distinct().count()
