"""A study's data as CSV: recommendations, ratings, questionnaire answers, participants.

Participants appear as a stable pseudonym, ``pseudonym(study_key, customer_id)``: an HMAC
(SHA-256) keyed with ``PSEUDONYM_KEY`` (default ``SECRET_KEY``), so the same person has the
same pseudonym in every export of a study and a different one in another study, and the
customer id cannot be recovered from it. ``with_pii=True`` adds ``customer_id`` and
``email``. Every column is described in docs/exports.md.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
from collections.abc import Iterator

from django.conf import settings

from pilot.models import QuestionnaireAnswer, Rating, Recommendation, Study
from pilot.models.studies import QUESTIONNAIRE_ITEMS

KINDS = ("recommendations", "ratings", "questionnaire", "participants")
PII = ["customer_id", "email"]
COLUMNS = {
    "recommendations": [
        "week", "participant", "arm", "model_version", "rank", "recipe_id", "title", "score",
        "reason_code", "reason", "stars", "would_cook", "comment",
    ],
    "ratings": [
        "week", "participant", "arm", "model_version", "rank", "recipe_id", "title", "stars",
        "would_cook", "comment", "rated_at",
    ],
    "questionnaire": [
        "week", "participant", "arm", *[name for name, _ in QUESTIONNAIRE_ITEMS], "free_text",
        "answered_at",
    ],
    "participants": [
        "participant", "arm", "active", "enrolled_at", "withdrawn_at", "restrictions",
        "age_band", "region", "household_size",
    ],
}  # fmt: skip


def pseudonym(study_key: str, customer_id: str) -> str:
    key = (settings.PSEUDONYM_KEY or settings.SECRET_KEY).encode()
    digest = hmac.new(key, f"{study_key}:{customer_id}".encode(), hashlib.sha256).hexdigest()
    return f"p-{digest[:12]}"


def _week(batch) -> str:
    return f"{batch.iso_year}-W{batch.iso_week:02d}"


def _who(study, participant, with_pii: bool) -> dict:
    person = participant.person
    out = {"participant": pseudonym(study.key, person.customer_id), "arm": participant.arm.name}
    if with_pii:
        out.update(customer_id=person.customer_id, email=participant.user.email or person.email)
    return out


def _recommendations(study, with_pii):
    rows = (
        Recommendation.objects.filter(batch__study=study)
        .select_related(
            "batch", "participant__person", "participant__user", "participant__arm",
            "recipe", "model_version", "rating",
        )
        .order_by("batch__iso_year", "batch__iso_week", "participant__person__customer_id", "rank")
    )  # fmt: skip
    for rec in rows.iterator(chunk_size=2000):
        rating = getattr(rec, "rating", None)
        yield {
            "week": _week(rec.batch),
            **_who(study, rec.participant, with_pii),
            "model_version": rec.model_version.name,
            "rank": rec.rank,
            "recipe_id": rec.recipe.external_id,
            "title": rec.recipe.title,
            "score": f"{rec.score:.6g}" if rec.score is not None else "",
            "reason_code": rec.reason_code,
            "reason": rec.explanation,
            "stars": rating.stars if rating else "",
            "would_cook": rating.would_cook if rating else "",
            "comment": rating.comment if rating else "",
        }


def _ratings(study, with_pii):
    rows = (
        Rating.objects.filter(recommendation__batch__study=study)
        .select_related(
            "recommendation__batch", "recommendation__participant__person",
            "recommendation__participant__user", "recommendation__participant__arm",
            "recommendation__recipe", "recommendation__model_version",
        )
        .order_by(
            "recommendation__batch__iso_year", "recommendation__batch__iso_week",
            "recommendation__participant__person__customer_id", "recommendation__rank",
        )
    )  # fmt: skip
    for rating in rows.iterator(chunk_size=2000):
        rec = rating.recommendation
        yield {
            "week": _week(rec.batch),
            **_who(study, rec.participant, with_pii),
            "model_version": rec.model_version.name,
            "rank": rec.rank,
            "recipe_id": rec.recipe.external_id,
            "title": rec.recipe.title,
            "stars": rating.stars,
            "would_cook": rating.would_cook,
            "comment": rating.comment,
            "rated_at": rating.updated_at.isoformat(),
        }


def _questionnaire(study, with_pii):
    rows = (
        QuestionnaireAnswer.objects.filter(batch__study=study)
        .select_related("batch", "participant__person", "participant__user", "participant__arm")
        .order_by("batch__iso_year", "batch__iso_week", "participant__person__customer_id")
    )
    for answer in rows.iterator(chunk_size=2000):
        yield {
            "week": _week(answer.batch),
            **_who(study, answer.participant, with_pii),
            **{name: getattr(answer, name) for name, _ in QUESTIONNAIRE_ITEMS},
            "free_text": answer.free_text,
            "answered_at": answer.created_at.isoformat(),
        }


def _participants(study, with_pii):
    rows = study.participants.select_related("person", "user", "arm").order_by(
        "person__customer_id"
    )
    for p in rows.iterator(chunk_size=2000):
        person = p.person
        yield {
            **_who(study, p, with_pii),
            "active": "yes" if p.active else "no",
            "enrolled_at": p.enrolled_at.isoformat(),
            "withdrawn_at": p.withdrawn_at.isoformat() if p.withdrawn_at else "",
            "restrictions": ",".join(sorted(person.restrictions or [])),
            "age_band": person.age_band,
            "region": person.region,
            "household_size": person.household_size or "",
        }


_ROWS = {
    "recommendations": _recommendations,
    "ratings": _ratings,
    "questionnaire": _questionnaire,
    "participants": _participants,
}


def columns(kind: str, with_pii: bool = False) -> list[str]:
    cols = list(COLUMNS[kind])
    if with_pii:
        at = cols.index("participant") + 1
        cols[at:at] = PII
    return cols


def rows(study: Study, kind: str, *, with_pii: bool = False) -> Iterator[dict]:
    if kind not in KINDS:
        raise ValueError(f"unknown export {kind!r}; choose one of {', '.join(KINDS)}")
    return _ROWS[kind](study, with_pii)


#: Free-text columns (anything a person or an extract wrote), neutralised for spreadsheets.
TEXT = {"title", "reason", "comment", "free_text", "email"}


def spreadsheet_safe(value) -> str:
    """A cell value that a spreadsheet will not run as a formula (OWASP CSV injection):
    text starting with =, +, -, @, tab or carriage return gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(out, study: Study, kind: str, *, with_pii: bool = False) -> int:
    """Write the export to the text stream ``out``; return the number of data rows."""
    cols = columns(kind, with_pii)
    writer = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows(study, kind, with_pii=with_pii):
        writer.writerow({k: spreadsheet_safe(v) if k in TEXT else v for k, v in row.items()})
        n += 1
    return n
