"""The database itself guards the domain's rules (not only forms or model validation)."""

import pytest
from django.db import IntegrityError, transaction

from pilot.models import (
    Batch,
    Identity,
    Participant,
    Person,
    QuestionnaireAnswer,
    Rating,
    Recipe,
    Recommendation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(study):
    return Batch.objects.create(study=study, iso_year=2026, iso_week=48)


@pytest.fixture
def recipes(db):
    return [Recipe.objects.create(external_id=f"R{i}", title=f"Recipe {i}") for i in range(3)]


def recommend(batch, participant, recipe, rank):
    return Recommendation.objects.create(
        batch=batch,
        participant=participant,
        recipe=recipe,
        rank=rank,
        score=1.0,
        model_version=participant.arm.model_version,
    )


def refused(model, **fields):
    """Run a write in a savepoint and tell whether the database refused it."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_it_allows_one_rating_per_recommendation(batch, participant, recipes):
    rec = recommend(batch, participant, recipes[0], 1)
    Rating.objects.create(recommendation=rec, stars=4, would_cook="yes")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(recommendation=rec, stars=2, would_cook="no")
    assert Rating.objects.count() == 1


@pytest.mark.parametrize("stars, ok", [(0, False), (1, True), (5, True), (6, False)])
def test_it_refuses_stars_outside_1_to_5(batch, participant, recipes, stars, ok):
    rec = recommend(batch, participant, recipes[0], 1)
    assert refused(Rating, recommendation=rec, stars=stars, would_cook="yes") is not ok


def test_it_refuses_an_unknown_would_cook_answer(batch, participant, recipes):
    rec = recommend(batch, participant, recipes[0], 1)
    assert refused(Rating, recommendation=rec, stars=3, would_cook="nah")


def test_it_refuses_a_recipe_twice_in_one_batch(batch, participant, recipes):
    recommend(batch, participant, recipes[0], 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        recommend(batch, participant, recipes[0], 2)


def test_it_allows_the_same_recipe_for_another_participant(
    batch, participant, other_participant, recipes
):
    recommend(batch, participant, recipes[0], 1)
    recommend(batch, other_participant, recipes[0], 1)
    assert Recommendation.objects.filter(recipe=recipes[0]).count() == 2


def test_it_refuses_a_rank_twice_in_one_batch(batch, participant, recipes):
    recommend(batch, participant, recipes[0], 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        recommend(batch, participant, recipes[1], 1)


def test_it_refuses_rank_zero(batch, participant, recipes):
    with pytest.raises(IntegrityError), transaction.atomic():
        recommend(batch, participant, recipes[0], 0)


def test_it_keeps_identities_unique_per_source(db):
    Identity.objects.create(source="web", external_id="v-1")
    Identity.objects.create(source="crm", external_id="v-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Identity.objects.create(source="web", external_id="v-1")


def test_it_refuses_a_resolved_identity_without_a_person(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Identity.objects.create(source="web", external_id="v-2", status="resolved")


def test_it_enrols_a_person_once_per_study(study, participant):
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(
            study=study, person=participant.person, user=participant.user, arm=participant.arm
        )


def test_it_keeps_one_batch_per_study_and_week(batch):
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.create(study=batch.study, iso_year=2026, iso_week=48)


def test_it_keeps_one_questionnaire_answer_per_participant_and_batch(batch, participant):
    answers = dict(accuracy=4, diversity=3, novelty=5, transparency=4, trust=5, intention=4)
    QuestionnaireAnswer.objects.create(participant=participant, batch=batch, **answers)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireAnswer.objects.create(participant=participant, batch=batch, **answers)


@pytest.mark.parametrize("item", ["accuracy", "trust", "intention"])
def test_it_refuses_likert_answers_outside_1_to_5(batch, participant, item):
    answers = dict(accuracy=4, diversity=3, novelty=5, transparency=4, trust=5, intention=4)
    answers[item] = 6
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireAnswer.objects.create(participant=participant, batch=batch, **answers)


def test_it_assigns_arms_stably_and_by_weight(study):
    from pilot.models import Arm

    control = study.arms.get()
    Arm.objects.create(study=study, name="als", model_version=control.model_version, weight=3)
    people = [Person.objects.create(customer_id=f"K{i:04d}") for i in range(2000)]
    first = [study.assign_arm(p).name for p in people]
    again = [study.assign_arm(p).name for p in people]
    assert first == again
    share_als = first.count("als") / len(first)
    assert 0.70 < share_als < 0.80  # weight 3 of 4, within sampling noise for 2000 people
