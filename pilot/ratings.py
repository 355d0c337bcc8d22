"""Pilot users' answers: a rating per recommendation, a questionnaire per week.

Both writes are one upsert statement (``INSERT ... ON CONFLICT (...) DO UPDATE``) against
the table's unique constraint, so double clicks, two tabs, retries and truly concurrent
requests leave exactly one row, holding the last answer that reached the database. Values
are checked here (the views, the page's JavaScript and scripts all come through these
functions): a bad value raises :class:`AnswerInvalid` with one message per field and
writes nothing. A week that is closed (``Batch.status`` closed, or ``closes_at`` passed)
raises :class:`WeekClosed` and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from pilot.models import Batch, Participant, QuestionnaireAnswer, Rating, Recommendation
from pilot.models.studies import QUESTIONNAIRE_ITEMS

COMMENT_MAX = 1000
FREE_TEXT_MAX = 2000
WOULD_COOK = [value for value, _ in Rating.WouldCook.choices]
#: Reason codes whose evidence is (recipe external id, share of the score) pairs.
HISTORY_REASONS = {"als_history", "knn_similar", "bpr_similar"}


class AnswerInvalid(ValueError):
    """Some values were refused; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


class WeekClosed(Exception):
    """The week's answers are frozen."""

    def __init__(self, batch: Batch):
        self.batch = batch
        super().__init__(
            f"Week {batch.iso_week}, {batch.iso_year} is closed: answers can no longer be "
            "given or changed."
        )


def is_open(batch: Batch, now=None) -> bool:
    """True while answers may be given or changed: sent, and ``closes_at`` not passed."""
    now = now or timezone.now()
    if batch.status != Batch.Status.SENT:
        return False
    return batch.closes_at is None or now < batch.closes_at


def _check_open(batch: Batch) -> None:
    fresh = Batch.objects.only("status", "closes_at", "iso_year", "iso_week").get(pk=batch.pk)
    if not is_open(fresh):
        raise WeekClosed(fresh)


def _one_to_five(value, what: str) -> tuple[int | None, str | None]:
    text = "" if value is None else str(value).strip()
    if not text:
        return None, f"Choose {what} from 1 to 5."
    if not text.isdigit() or not 1 <= int(text) <= 5:
        return None, f"{what.capitalize()} must be a whole number from 1 to 5, not {text[:20]!r}."
    return int(text), None


def _text(value, what: str, limit: int) -> tuple[str, str | None]:
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        return text, f"{what} is {len(text)} characters long; keep it to {limit}."
    return text, None


@dataclass(frozen=True)
class RatingValues:
    stars: int
    would_cook: str
    comment: str


def clean_rating(stars, would_cook, comment="") -> RatingValues:
    """Checked rating values, or :class:`AnswerInvalid` naming each bad field."""
    errors = {}
    stars_value, error = _one_to_five(stars, "stars")
    if error:
        errors["stars"] = error
    cook = "" if would_cook is None else str(would_cook).strip().lower()
    if cook not in WOULD_COOK:
        errors["would_cook"] = (
            "Say whether you would cook this: yes, maybe or no."
            if not cook
            else f"Would you cook this must be yes, maybe or no, not {cook[:20]!r}."
        )
    comment_text, error = _text(comment, "The comment", COMMENT_MAX)
    if error:
        errors["comment"] = error
    if errors:
        raise AnswerInvalid(errors)
    return RatingValues(stars_value, cook, comment_text)


def save_rating(
    participant: Participant, recommendation: Recommendation, stars, would_cook, comment=""
) -> Rating:
    """Save (or replace) ``participant``'s rating of ``recommendation``; return the row.

    Raises :class:`AnswerInvalid` for bad values, :class:`WeekClosed` for a closed week and
    ``PermissionError`` when the recommendation is not the participant's.
    """
    if recommendation.participant_id != participant.pk:
        raise PermissionError(f"Recommendation {recommendation.pk} is not {participant}'s.")
    values = clean_rating(stars, would_cook, comment)
    with transaction.atomic():
        _check_open(recommendation.batch)
        Rating.objects.bulk_create(
            [Rating(recommendation=recommendation, **values.__dict__)],
            update_conflicts=True,
            unique_fields=["recommendation"],
            update_fields=["stars", "would_cook", "comment", "updated_at"],
        )
    return Rating.objects.get(recommendation=recommendation)


QUESTION_FIELDS = [name for name, _ in QUESTIONNAIRE_ITEMS]


def clean_questionnaire(data) -> dict:
    """Checked questionnaire values from a mapping (e.g. ``request.POST``)."""
    errors, values = {}, {}
    for name in QUESTION_FIELDS:
        values[name], error = _one_to_five(data.get(name), "an answer")
        if error:
            errors[name] = error
    values["free_text"], error = _text(data.get("free_text"), "Your answer", FREE_TEXT_MAX)
    if error:
        errors["free_text"] = error
    if errors:
        raise AnswerInvalid(errors)
    return values


def save_questionnaire(participant: Participant, batch: Batch, data) -> QuestionnaireAnswer:
    """Save (or replace) ``participant``'s questionnaire for ``batch``; return the row.

    ``data`` holds the six items (1-5) and ``free_text``. Raises :class:`AnswerInvalid`,
    :class:`WeekClosed`, or ``PermissionError`` when the participant got nothing that week.
    """
    values = clean_questionnaire(data)
    if not batch.recommendations.filter(participant=participant).exists():
        raise PermissionError(f"{participant} got nothing in {batch}.")
    with transaction.atomic():
        _check_open(batch)
        QuestionnaireAnswer.objects.bulk_create(
            [QuestionnaireAnswer(participant=participant, batch=batch, **values)],
            update_conflicts=True,
            unique_fields=["participant", "batch"],
            update_fields=[*QUESTION_FIELDS, "free_text"],
        )
    return QuestionnaireAnswer.objects.get(participant=participant, batch=batch)


def rating_json(rating: Rating) -> dict:
    return {
        "recommendation": rating.recommendation_id,
        "stars": rating.stars,
        "would_cook": rating.would_cook,
        "comment": rating.comment,
        "updated_at": rating.updated_at.isoformat(),
    }


def questionnaire_json(answer: QuestionnaireAnswer) -> dict:
    return {
        "batch": answer.batch_id,
        **{name: getattr(answer, name) for name in QUESTION_FIELDS},
        "free_text": answer.free_text,
    }


def evidence_note(recommendation: Recommendation, titles: dict[str, str]) -> dict | None:
    """What a history explanation rests on, and how much of the score it covers.

    For history reasons the evidence is ``[[recipe external id, share of the score], ...]``.
    Returns ``{"items": [(title, percent), ...], "percent": total, "partial": bool}``, where
    ``partial`` says the named recipes explain only part of the score (their shares add up
    to less than the whole); ``None`` for popularity and cold-start reasons.
    """
    if recommendation.reason_code not in HISTORY_REASONS:
        return None
    items, total = [], 0.0
    for pair in recommendation.evidence or []:
        try:
            key, share = pair
            share = float(share)
        except (TypeError, ValueError):
            continue
        items.append((titles.get(str(key), str(key)), round(100 * share)))
        total += share
    if not items:
        return None
    return {"items": items, "percent": round(100 * min(total, 1.0)), "partial": total < 0.995}
