"""Simulated pilot answers for the demo: ratings and questionnaires from hidden tastes.

``simulate_answers(batch, seed)`` fills in what the demo's pilot users "would" answer for a
batch whose recommendations exist: a rating per recommendation and a questionnaire per
participant, from the demo world's hidden truth, written in docs/demo.md ("Simulated
answers") so the dashboard's findings can be checked against what was planted:

- **fit** of a recipe for a person (:func:`fit`): ``+0.9`` when its cuisine is one the
  person likes, plus the recipe's hidden ``quality`` (drawn by
  :func:`pilot.demo.generate.generate` for the same seed, N(0, 0.45), never stored), minus
  ``2.5`` when it breaks one of the person's restrictions;
- **stars** = ``round(3.1 + fit + N(0, 0.7))`` clipped to 1-5; **would cook** and the
  **comment** agree with the stars (and a broken restriction is always a "no");
- **who answers**: 10% of participants never answer; the others answer a week with
  probability ``p0 * 0.88**w`` (``p0`` ~ U(0.75, 0.95) per person, ``w`` the week's index in
  the study), and after a reminder (``batch.reminded_at`` set) 60% of those who had not
  answered do; a responder skips about 8% of the recipes and the questionnaire 15% of the
  time;
- **questionnaire**: accuracy and intention follow the mean stars, diversity the number of
  cuisines in the batch, transparency is higher (+0.7) for recipes explained by the
  person's history than for popularity/cold-start reasons, trust drops by 2 when any recipe
  broke a restriction.

Everything is a pure function of ``seed``, the study key, the week and the customer id
(``random.Random`` seeded with a string), so a run again gives the same answers, and
answers already in the database are left alone: nothing is written twice.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from statistics import mean

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pilot.demo.generate import SIZES, _recipes
from pilot.models import Batch, QuestionnaireAnswer, Rating, Recommendation
from pilot.models.studies import QUESTIONNAIRE_ITEMS
from pilot.ratings import HISTORY_REASONS

LIKED_BONUS = 0.9
RESTRICTION_PENALTY = 2.5
STARS_BASE = 3.1
STARS_NOISE = 0.7
NEVER_ANSWER = 0.10
WEEKLY_SAG = 0.88
REMINDER_PULL = 0.6
SKIP_RECIPE = 0.08
SKIP_QUESTIONNAIRE = 0.15
COMMENT_SHARE = 0.35
_MARKER = re.compile(r"manage\.py demo --seed (\d+) --size (\w+)")

COMMENTS = {
    5: ["Loved it, will make again.", "Exactly my kind of {cuisine} food.", "A new favourite."],
    4: ["Looks good, {cuisine} is always welcome.", "Nice one for a weeknight.", "Tasty."],
    3: ["Fine, nothing special.", "Maybe, if I have the time.", "Not sure about this one."],
    2: ["Not really my thing.", "Too much effort for what it is.", "I rarely cook {cuisine}."],
    1: ["Not for me at all.", "No thanks.", "Would never cook this."],
}
BROKEN_COMMENTS = ["I can't eat this: it isn't {label}.", "Not suitable for my diet ({label})."]


@lru_cache(maxsize=8)
def recipe_quality(seed: int, size: str = "full") -> dict[str, float]:
    """Hidden quality of each demo recipe (external id -> N(0, 0.45)), as generated."""
    params = SIZES[size]
    recipes = _recipes(random.Random(f"demo:{seed}:recipes"), params["n_recipes"])
    return {r.recipe_id: r.quality for r in recipes}


def fit(person, recipe, quality: dict[str, float]) -> float:
    """How well ``recipe`` suits ``person``: liked cuisine, hidden quality, restrictions."""
    value = quality.get(recipe.external_id, 0.0)
    if recipe.cuisine and recipe.cuisine in (person.liked_cuisines or []):
        value += LIKED_BONUS
    if not recipe.allows(person.restrictions or []):
        value -= RESTRICTION_PENALTY
    return value


def _clip(value: float) -> int:
    return min(5, max(1, round(value)))


def _would_cook(rng: random.Random, stars: int, broken: bool) -> str:
    if broken:
        return "no"
    weights = {5: (88, 11, 1), 4: (55, 40, 5), 3: (12, 60, 28), 2: (3, 27, 70), 1: (0, 5, 95)}
    return rng.choices(["yes", "maybe", "no"], weights=weights[stars])[0]


def _comment(rng: random.Random, stars: int, recipe, broken: list[str]) -> str:
    if broken:
        return rng.choice(BROKEN_COMMENTS).format(label=broken[0].replace("_", "-"))
    if rng.random() >= COMMENT_SHARE:
        return ""
    return rng.choice(COMMENTS[stars]).format(cuisine=(recipe.cuisine or "this").capitalize())


@dataclass
class Summary:
    participants: int = 0
    responded: int = 0
    ratings: int = 0
    questionnaires: int = 0


def _world_size(batch: Batch) -> str:
    found = _MARKER.search(batch.study.description or "")
    return found.group(2) if found and found.group(2) in SIZES else "full"


def week_index(batch: Batch) -> int:
    """0 for the study's first batch, 1 for the next, ... (by ISO week)."""
    earlier = Q(iso_year__lt=batch.iso_year) | Q(
        iso_year=batch.iso_year, iso_week__lt=batch.iso_week
    )
    return Batch.objects.filter(earlier, study=batch.study_id).count()


def answers_this_week(
    study_key: str, customer_id: str, seed: int, rng, week: int, reminded: bool
) -> bool:
    """Does this person answer this week?

    Whether they ever answer and their base rate ``p0`` belong to the person (the same every
    week); the week's own draws come from ``rng``.
    """
    person = random.Random(f"answers:{seed}:{study_key}:{customer_id}")
    never, p0 = person.random(), person.uniform(0.75, 0.95)
    first, second = rng.random(), rng.random()
    if never < NEVER_ANSWER:
        return False
    return first < p0 * WEEKLY_SAG**week or (reminded and second < REMINDER_PULL)


def simulate_answers(batch: Batch, seed: int = 0, *, size: str | None = None) -> Summary:
    """Create the simulated ratings and questionnaires of ``batch``; return what was done.

    Only participants with recommendations in the batch are considered; answers already
    there are kept as they are (running it twice writes nothing the second time).
    """
    quality = recipe_quality(seed, size or _world_size(batch))
    week = week_index(batch)
    reminded = batch.reminded_at is not None
    recs = (
        Recommendation.objects.filter(batch=batch)
        .select_related("participant__person", "recipe")
        .order_by("participant_id", "rank")
    )
    rated = set(
        Rating.objects.filter(recommendation__batch=batch).values_list("recommendation", flat=True)
    )
    answered = set(
        QuestionnaireAnswer.objects.filter(batch=batch).values_list("participant", flat=True)
    )
    by_participant: dict[int, list[Recommendation]] = {}
    for rec in recs:
        by_participant.setdefault(rec.participant_id, []).append(rec)

    summary, new_ratings, new_answers = Summary(), [], []
    for participant_id, mine in by_participant.items():
        person = mine[0].participant.person
        rng = random.Random(f"answers:{seed}:{batch.study.key}:{batch.label}:{person.customer_id}")
        summary.participants += 1
        if not answers_this_week(batch.study.key, person.customer_id, seed, rng, week, reminded):
            continue
        summary.responded += 1
        when = _answered_at(rng, batch, reminded)
        stars_given, reasons = [], []
        for rec in mine:
            broken = [x for x in person.restrictions or [] if x not in rec.recipe.diet_labels]
            stars = _clip(STARS_BASE + fit(person, rec.recipe, quality) + rng.gauss(0, STARS_NOISE))
            cook, comment = (
                _would_cook(rng, stars, bool(broken)),
                _comment(rng, stars, rec.recipe, broken),
            )
            if rng.random() < SKIP_RECIPE:
                continue
            stars_given.append(stars)
            reasons.append((rec.reason_code in HISTORY_REASONS, bool(broken), rec.recipe.cuisine))
            if rec.pk not in rated:
                rating = Rating(recommendation=rec, stars=stars, would_cook=cook, comment=comment)
                rating.answered_at = when + timedelta(seconds=45 * rec.rank)
                new_ratings.append(rating)
        if stars_given and rng.random() >= SKIP_QUESTIONNAIRE and participant_id not in answered:
            answer = QuestionnaireAnswer(
                participant_id=participant_id,
                batch=batch,
                free_text="",
                **_questionnaire(rng, stars_given, reasons),
            )
            answer.answered_at = when + timedelta(minutes=15)
            new_answers.append(answer)
    with transaction.atomic():
        Rating.objects.bulk_create(new_ratings, ignore_conflicts=True)
        QuestionnaireAnswer.objects.bulk_create(new_answers, ignore_conflicts=True)
        # Answer times as simulated (auto_now_add wrote "now").
        for rating in new_ratings:
            Rating.objects.filter(recommendation=rating.recommendation_id).update(
                created_at=rating.answered_at, updated_at=rating.answered_at
            )
        for answer in new_answers:
            QuestionnaireAnswer.objects.filter(
                participant=answer.participant_id, batch=batch
            ).update(created_at=answer.answered_at)
    summary.ratings, summary.questionnaires = len(new_ratings), len(new_answers)
    return summary


def _answered_at(rng: random.Random, batch: Batch, reminded: bool):
    start = batch.sent_at or batch.scheduled_for or timezone.now()
    if reminded and batch.reminded_at and rng.random() < 0.4:
        start = batch.reminded_at
    return start + timedelta(hours=rng.uniform(0.5, 40))


def _questionnaire(rng: random.Random, stars: list[int], reasons) -> dict[str, int]:
    mean_stars = mean(stars)
    history = mean(1.0 if is_history else 0.0 for is_history, _, _ in reasons)
    any_broken = any(broken for _, broken, _ in reasons)
    cuisines = len({cuisine for _, _, cuisine in reasons})

    def noise():  # one draw per item, in a fixed order
        return rng.gauss(0, 0.6)

    values = {
        "accuracy": _clip(mean_stars + noise()),
        "diversity": _clip(1.5 + 0.5 * cuisines + noise()),
        "novelty": _clip(3.0 + noise()),
        "transparency": _clip(3.0 + 0.7 * history + noise()),
        "trust": _clip(4.4 - (2.0 if any_broken else 0.0) + noise()),
        "intention": _clip(0.5 + 0.85 * mean_stars + noise()),
    }
    assert set(values) == {name for name, _ in QUESTIONNAIRE_ITEMS}
    return values


def planted_fit_by_arm(batch: Batch, seed: int = 0, *, size: str | None = None) -> dict:
    """Mean :func:`fit` of the recipes each arm recommended in ``batch``: the truth to check."""
    quality = recipe_quality(seed, size or _world_size(batch))
    fits: dict[str, list[float]] = {}
    for rec in Recommendation.objects.filter(batch=batch).select_related(
        "participant__person", "participant__arm", "recipe"
    ):
        fits.setdefault(rec.participant.arm.name, []).append(
            fit(rec.participant.person, rec.recipe, quality)
        )
    return {arm: mean(values) for arm, values in sorted(fits.items())}
