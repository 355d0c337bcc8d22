"""Small factories for weeks to rate: Batch and Recommendation rows made directly.

No ``generate`` step exists on this branch; these build what it would: a sent batch with
ranked recommendations whose explanations and evidence look like the recommender's.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pilot.models import Batch, Recipe, Recommendation

TITLES = [
    "Thai green curry with tofu",
    "Mushroom risotto",
    "Lentil shepherd's pie",
    "Chickpea and spinach stew",
    "Roast squash salad",
    "Vegetable lasagne",
    "Halloumi traybake",
    "Black bean tacos",
    "Leek and potato soup",
    "Aubergine parmigiana",
    "Pork belly ramen",
    "Beef rendang",
]


def make_recipes(n: int = 10, *, prefix: str = "R", start: int = 0) -> list[Recipe]:
    recipes = []
    for i in range(start, start + n):
        title = TITLES[i % len(TITLES)] + ("" if i < len(TITLES) else f" {i}")
        recipe, _ = Recipe.objects.get_or_create(
            external_id=f"{prefix}{i:04d}",
            defaults={
                "title": title,
                "description": f"{title}, step by step.",
                "ingredients": ["onion", "garlic", "tomato", "rice", "spinach", "lemon", "salt"],
                "tags": ["cuisine:thai" if i % 2 else "cuisine:italian", "course:main"],
                "diet_labels": ["vegetarian", "gluten_free"],
                "minutes": 20 + 5 * (i % 6),
            },
        )
        recipes.append(recipe)
    return recipes


def make_batch(study, week: int = 48, status=Batch.Status.SENT, *, year: int = 2026, **fields):
    fields.setdefault("sent_at", timezone.now() - timedelta(days=1))
    if status == Batch.Status.SENT:
        fields.setdefault("closes_at", timezone.now() + timedelta(days=5))
    return Batch.objects.create(study=study, iso_year=year, iso_week=week, status=status, **fields)


def recommend(batch, participant, recipes, *, history=None, reason_code="als_history"):
    """One Recommendation per recipe, ranks from 1.

    ``history``: external ids of recipes the explanation rests on (the evidence), with
    shares 0.4 and 0.25 (together 65%: only part of the score). Without it the reason is
    the cold-start one, evidence ``[["users", 40], ["group_size", 120]]``.
    """
    recs = []
    for rank, recipe in enumerate(recipes, start=1):
        if history:
            evidence = [[history[0], 0.4], [history[1 % len(history)], 0.25]]
            explanation, code = f"Because you cooked {', '.join(history[:2])}.", reason_code
        else:
            evidence = [["users", 40], ["group_size", 120]]
            explanation, code = "Popular with people who eat vegetarian", "cold_start_popular"
        recs.append(
            Recommendation.objects.create(
                batch=batch,
                participant=participant,
                recipe=recipe,
                rank=rank,
                score=0.9 - rank / 100,
                model_version=participant.arm.model_version,
                reason_code=code,
                explanation=explanation,
                evidence=evidence,
            )
        )
    return recs
