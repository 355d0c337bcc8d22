"""A study's rows as pandas frames, in a fixed number of SQL queries whatever its size.

Each query is the SQL of an ORM queryset run on a plain cursor (no model instances are
built for 200,000 recommendations). Segment filters cut the participants first; every
other frame keeps only the rows of the participants left.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.db import connection
from django.db.models import Count

from pilot.exports import pseudonym
from pilot.models import (
    Batch,
    Identity,
    Participant,
    QuestionnaireAnswer,
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
    participants: pd.DataFrame  # id, arm_id, arm, pseudonym + one column per segment
    recs: pd.DataFrame  # one row per recommendation, its rating columns (NaN: unrated)
    batches: pd.DataFrame  # id, week, monday
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


def load(study, filters: dict | None = None) -> StudyData:
    """The study's participants, recommendations with ratings, weeks, recipes, answers."""
    filters = {k: v for k, v in (filters or {}).items() if v}
    arms = list(study.arms.select_related("model_version").order_by("pk"))
    arm_names = {a.pk: a.name for a in arms}
    participants = participants_frame(study)
    participants["arm"] = participants["arm_id"].map(arm_names)
    recs = _rows(
        Recommendation.objects.filter(batch__study=study),
        [
            "id",
            "participant_id",
            "batch_id",
            "recipe_id",
            "rank",
            "model_version_id",
            "reason_code",
            "rating__stars",
            "rating__would_cook",
        ],
    )
    cold = set(recs.loc[recs["reason_code"] == COLD_START_REASON, "participant_id"])
    participants["cold_start"] = [
        "cold start" if p in cold else "with history" for p in participants["id"]
    ]
    for key, value in filters.items():
        if key in participants.columns and key in dict(SEGMENTS):
            participants = participants[participants[key] == value]
    keep = set(participants["id"])
    recs = recs[recs["participant_id"].isin(keep)].copy()
    recs["arm_id"] = recs["participant_id"].map(participants.set_index("id")["arm_id"])
    recs["arm"] = recs["arm_id"].map(arm_names)
    batches = _rows(Batch.objects.filter(study=study), ["id", "iso_year", "iso_week"])
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
    recs["cook_yes"] = (recs["would_cook"] == "yes").where(recs["rated"])
    recipes = _rows(Recipe.objects.all(), ["id", "external_id", "title", "tags", "active"])
    recipes["tags"] = [_json_list(t) for t in recipes["tags"]]
    answers = _rows(
        QuestionnaireAnswer.objects.filter(batch__study=study),
        ["participant_id", "batch_id", *CONSTRUCTS, "free_text"],
    )
    answers = answers[answers["participant_id"].isin(keep)].copy()
    answers["arm"] = answers["participant_id"].map(participants.set_index("id")["arm"])
    answers["week"] = answers["batch_id"].map(batches.set_index("id")["week"])
    return StudyData(study, arms, participants, recs, batches, recipes, answers, filters)


def segment_values(study) -> dict[str, list[str]]:
    """Every value each segment takes among the study's participants (for the filter form)."""
    frame = participants_frame(study)
    cold = set(
        Recommendation.objects.filter(batch__study=study, reason_code=COLD_START_REASON)
        .values_list("participant_id", flat=True)
        .distinct()
    )
    frame["cold_start"] = ["cold start" if p in cold else "with history" for p in frame["id"]]
    return {key: sorted(frame[key].unique()) for key, _ in SEGMENTS}


def comments(study) -> pd.DataFrame:
    """Every rating with a comment: recipe, stars, would cook, week, explanation seen."""
    frame = _rows(
        Recommendation.objects.filter(batch__study=study)
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
    )
    return frame


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
