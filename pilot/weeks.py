"""What a pilot user's week page shows: one card per recipe, their answers, the progress.

Plain functions over the models, so the views stay short: :func:`own_batch` finds a batch
the user may see (else 404), :func:`week_cards` builds the cards in three queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from pilot.models import Batch, QuestionnaireAnswer, Rating, Recipe, Recommendation
from pilot.ratings import COMMENT_MAX, evidence_note, is_open

VISIBLE = (Batch.Status.SENT, Batch.Status.CLOSED)
MAIN_INGREDIENTS = 5
STARS = (1, 2, 3, 4, 5)
LIKERT_LABELS = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
)


def own_recommendations(user):
    """The user's recommendations in batches that were sent (or are closed)."""
    return Recommendation.objects.filter(
        participant__user=user, batch__status__in=VISIBLE
    ).select_related("batch__study", "recipe")


def own_recommendation(user, recommendation_id: int) -> Recommendation:
    """One of the user's visible recommendations, or 404 (someone else's looks missing)."""
    found = own_recommendations(user).select_related("participant").filter(pk=recommendation_id)
    rec = found.first()
    if rec is None:
        raise Http404("No such recommendation for you.")
    return rec


def own_batch(user, batch_id: int):
    """``(batch, participant)`` for a sent or closed batch the user got recipes in, else 404."""
    batch = get_object_or_404(Batch.objects.select_related("study"), pk=batch_id)
    first = (
        own_recommendations(user)
        .filter(batch=batch)
        .select_related("participant")
        .order_by("rank")
        .first()
    )
    if first is None:
        raise Http404("No such week for you.")
    return batch, first.participant


@dataclass
class Card:
    rec: Recommendation
    stars: int | None = None
    would_cook: str = ""
    comment: str = ""
    rated: bool = False
    errors: dict = field(default_factory=dict)
    tags: list = field(default_factory=list)
    ingredients: list = field(default_factory=list)
    evidence: dict | None = None


def _tags(recipe: Recipe) -> list[str]:
    tags = [tag.split(":", 1)[-1].replace("-", " ") for tag in recipe.tags]
    return [tag.capitalize() for tag in tags] + [
        label.replace("_", "-") for label in recipe.diet_labels
    ]


def week_cards(batch, participant, *, posted=None) -> list[Card]:
    """Cards of ``participant``'s recipes in ``batch``, rank order, with their answers.

    ``posted`` = ``(recommendation id, values, errors)`` shows a refused answer again, with
    its messages, on the card it was given for.
    """
    recs = list(
        Recommendation.objects.filter(batch=batch, participant=participant)
        .select_related("recipe", "rating")
        .order_by("rank")
    )
    keys = {str(pair[0]) for rec in recs for pair in rec.evidence or [] if len(pair) == 2}
    titles = dict(Recipe.objects.filter(external_id__in=keys).values_list("external_id", "title"))
    cards = []
    for rec in recs:
        card = Card(rec=rec, tags=_tags(rec.recipe), evidence=evidence_note(rec, titles))
        card.ingredients = list(rec.recipe.ingredients or [])[:MAIN_INGREDIENTS]
        rating = getattr(rec, "rating", None)
        if rating is not None:
            card.stars, card.would_cook, card.comment = (
                rating.stars,
                rating.would_cook,
                rating.comment,
            )
            card.rated = True
        if posted and posted[0] == rec.pk:
            values, card.errors = posted[1], posted[2]
            card.stars = int(values["stars"]) if str(values.get("stars")).isdigit() else None
            card.would_cook = values.get("would_cook", "")
            card.comment = values.get("comment", "")
        cards.append(card)
    return cards


def week_context(batch, participant, *, posted=None, closed_error="") -> dict:
    """Everything ``participant/batch.html`` needs."""
    cards = week_cards(batch, participant, posted=posted)
    rated = sum(card.rated for card in cards)
    return {
        "batch": batch,
        "cards": cards,
        "open": is_open(batch),
        "rated": rated,
        "total": len(cards),
        "stars_range": STARS,
        "would_cook_choices": Rating.WouldCook.choices,
        "comment_max": COMMENT_MAX,
        "answered": QuestionnaireAnswer.objects.filter(
            batch=batch, participant=participant
        ).exists(),
        "closed_error": closed_error,
        "refused": next((card.rec for card in cards if card.errors), None),
    }


def progress(batch, participant) -> dict:
    """``{"rated": n, "total": m}`` for the participant's recipes in the batch (one query)."""
    return Recommendation.objects.filter(batch=batch, participant=participant).aggregate(
        rated=Count("rating"), total=Count("id")
    )
