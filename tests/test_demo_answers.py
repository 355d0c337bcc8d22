"""pilot.demo.answers: simulated answers follow the planted truth (docs/demo.md)."""

import random
from datetime import timedelta
from statistics import mean

import pytest
from django.utils import timezone

from pilot.demo import answers
from pilot.demo.generate import SIZES, _recipes
from pilot.models import Arm, Batch, ModelVersion, QuestionnaireAnswer, Rating, Recipe, Study
from tests.conftest import enrol
from tests.factories import recommend

pytestmark = pytest.mark.django_db
SEED = 0
N_PEOPLE = 120


@pytest.fixture
def world():
    """The small demo world's recipes (hidden quality known) and 120 varied participants."""
    demo = _recipes(random.Random(f"demo:{SEED}:recipes"), SIZES["small"]["n_recipes"])
    recipes = Recipe.objects.bulk_create(
        Recipe(external_id=r.recipe_id, title=r.title, tags=r.tags, diet_labels=r.labels)
        for r in demo
    )
    version = ModelVersion.objects.create(name="als-demo", algorithm="als")
    study = Study.objects.create(
        name="Demo", key="demo-answers", description="manage.py demo --seed 0 --size small"
    )
    Arm.objects.create(study=study, name="als", model_version=version)
    rng = random.Random("people")
    cuisines = sorted({r.cuisine for r in demo})
    people = [
        enrol(
            study,
            f"C{20000 + i}",
            liked_cuisines=rng.sample(cuisines, 2),
            restrictions=["vegetarian"] if i % 4 == 0 else [],
        )
        for i in range(N_PEOPLE)
    ]
    return study, recipes, people


def week(study, recipes, people, number, *, reminded=False):
    sent = timezone.now() - timedelta(days=30 - number)
    batch = Batch.objects.create(
        study=study, iso_year=2026, iso_week=number, status=Batch.Status.CLOSED, sent_at=sent,
        reminded_at=sent + timedelta(days=3) if reminded else None,
    )  # fmt: skip
    for i, participant in enumerate(people):
        chosen = [recipes[(i * 7 + number * 13 + k * 17) % len(recipes)] for k in range(6)]
        recommend(batch, participant, chosen, history=["R0001", "R0002"] if i % 2 else None)
    return batch


def responders(batch):
    return set(
        Rating.objects.filter(recommendation__batch=batch).values_list(
            "recommendation__participant", flat=True
        )
    )


def test_it_fills_answers_once_and_the_same_way_each_time(world):
    study, recipes, people = world
    batch = week(study, recipes, people, 40)
    first = answers.simulate_answers(batch, SEED)
    assert first.participants == N_PEOPLE and 0 < first.responded < N_PEOPLE
    assert first.ratings == Rating.objects.count() > 0
    assert first.questionnaires == QuestionnaireAnswer.objects.count() > 0
    snapshot = sorted(
        Rating.objects.values_list("recommendation", "stars", "would_cook", "comment")
    )
    again = answers.simulate_answers(batch, SEED)
    assert (again.ratings, again.questionnaires) == (0, 0)
    Rating.objects.all().delete()
    QuestionnaireAnswer.objects.all().delete()
    answers.simulate_answers(batch, SEED)
    assert (
        sorted(Rating.objects.values_list("recommendation", "stars", "would_cook", "comment"))
        == snapshot
    )


def test_stars_follow_fit_and_would_cook_and_comments_agree(world):
    study, recipes, people = world
    batch = week(study, recipes, people, 41)
    answers.simulate_answers(batch, SEED)
    quality = answers.recipe_quality(SEED, "small")
    rows = list(
        Rating.objects.select_related(
            "recommendation__recipe", "recommendation__participant__person"
        )
    )
    fits = [
        answers.fit(r.recommendation.participant.person, r.recommendation.recipe, quality)
        for r in rows
    ]
    good = [r.stars for r, f in zip(rows, fits, strict=True) if f > 0.5]
    bad = [r.stars for r, f in zip(rows, fits, strict=True) if f < -0.5]
    assert mean(good) > mean(bad) + 1.0
    by_cook = {c: mean(r.stars for r in rows if r.would_cook == c) for c in ("yes", "maybe", "no")}
    assert by_cook["yes"] > by_cook["maybe"] > by_cook["no"]
    broken = [
        r
        for r in rows
        if not r.recommendation.recipe.allows(r.recommendation.participant.person.restrictions)
    ]
    assert broken and all(r.would_cook == "no" for r in broken)
    assert all("diet" in r.comment or "can't eat" in r.comment for r in broken)
    five_comments = {r.comment for r in rows if r.stars == 5 and r.comment}
    assert five_comments and not five_comments & {"No thanks.", "Not for me at all."}


def test_response_sags_over_the_weeks_and_recovers_after_a_reminder(world):
    study, recipes, people = world
    batches = [week(study, recipes, people, n) for n in (42, 43, 44, 45)]
    batches.append(week(study, recipes, people, 46, reminded=True))
    for batch in batches:
        answers.simulate_answers(batch, SEED)
    rates = [len(responders(b)) / N_PEOPLE for b in batches]
    assert rates[0] > rates[3] + 0.1, rates  # sags
    assert rates[4] > rates[3] + 0.1, rates  # the reminder brings people back
    never = set(p.pk for p in people) - set().union(*(responders(b) for b in batches))
    assert 0.03 < len(never) / N_PEOPLE < 0.2  # some people never answer at all


def test_the_questionnaire_follows_the_batch(world):
    study, recipes, people = world
    batch = week(study, recipes, people, 47)
    answers.simulate_answers(batch, SEED)
    rows = list(QuestionnaireAnswer.objects.select_related("participant"))
    history = [a.transparency for a in rows if int(a.participant.person.customer_id[1:]) % 2]
    popular = [a.transparency for a in rows if not int(a.participant.person.customer_id[1:]) % 2]
    assert mean(history) > mean(popular)
    vegetarians = [a.trust for a in rows if a.participant.person.restrictions]
    assert mean(vegetarians) < mean(a.trust for a in rows if not a.participant.person.restrictions)
    assert all(1 <= getattr(a, name) <= 5 for a in rows for name in ("accuracy", "intention"))


def test_it_reports_the_planted_fit_per_arm(world):
    study, recipes, people = world
    batch = week(study, recipes, people, 48)
    planted = answers.planted_fit_by_arm(batch, SEED)
    assert list(planted) == ["als"] and -3 < planted["als"] < 2
