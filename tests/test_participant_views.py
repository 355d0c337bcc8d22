"""A pilot user's pages: their own weeks only, someone else's batch is a 404."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from pilot import ratings
from pilot.models import Arm, Batch, ModelVersion, Recipe, Recommendation, Study
from tests import factories
from tests.conftest import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipes(db):
    return [
        Recipe.objects.create(
            external_id=f"R{i}",
            title=f"Recipe {i}",
            description=f"Description {i}",
            tags=["cuisine:italian"],
            diet_labels=["vegetarian", "gluten_free"],
            minutes=20 + i,
        )
        for i in range(4)
    ]


def make_batch(study, week, status=Batch.Status.SENT):
    return Batch.objects.create(study=study, iso_year=2026, iso_week=week, status=status)


def recommend(batch, participant, recipes, explanation="Because you liked {}."):
    version = participant.arm.model_version
    return [
        Recommendation.objects.create(
            batch=batch,
            participant=participant,
            recipe=recipe,
            rank=rank,
            model_version=version,
            explanation=explanation.format(recipe.title),
        )
        for rank, recipe in enumerate(recipes, start=1)
    ]


@pytest.fixture
def week_48(study, participant, other_participant, recipes):
    batch = make_batch(study, 48)
    recommend(batch, participant, recipes[:2])
    recommend(batch, other_participant, recipes[2:])
    return batch


@pytest.fixture
def other_study_batch(recipes):
    version = ModelVersion.objects.create(name="als-v1", algorithm="als")
    study = Study.objects.create(name="Autumn pilot", key="autumn-pilot")
    Arm.objects.create(study=study, name="als", model_version=version)
    stranger = enrol(study, "C900")
    batch = make_batch(study, 48)
    recommend(batch, stranger, recipes[3:])
    return batch


@pytest.fixture
def pilot_client(client, participant):
    client.force_login(participant.user)
    return client


def test_it_lists_my_weeks_with_my_recipes_only(pilot_client, week_48, other_study_batch):
    response = pilot_client.get(reverse("my-weeks"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Recipe 0" in page and "Recipe 1" in page
    assert "Recipe 2" not in page and "Recipe 3" not in page
    assert reverse("my-batch", args=[week_48.pk]) in page
    assert reverse("my-batch", args=[other_study_batch.pk]) not in page


def test_it_lists_weeks_newest_first(pilot_client, study, participant, recipes):
    recommend(make_batch(study, 46, Batch.Status.CLOSED), participant, recipes[:1])
    recommend(make_batch(study, 47), participant, recipes[1:2])
    weeks = pilot_client.get(reverse("my-weeks")).context["weeks"]
    assert [week["batch"].iso_week for week in weeks] == [47, 46]


def test_it_hides_weeks_not_sent_yet(pilot_client, study, participant, recipes):
    for week, status in [(49, Batch.Status.GENERATED), (50, Batch.Status.SCHEDULED)]:
        batch = make_batch(study, week, status)
        recommend(batch, participant, recipes[:1])
        assert pilot_client.get(reverse("my-batch", args=[batch.pk])).status_code == 404
    assert pilot_client.get(reverse("my-weeks")).context["weeks"] == []


def test_it_says_so_when_there_is_nothing_yet(pilot_client):
    response = pilot_client.get(reverse("my-weeks"))
    assert b"No recipes yet" in response.content


def test_it_shows_a_batch_with_its_explanations(pilot_client, week_48):
    response = pilot_client.get(reverse("my-batch", args=[week_48.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Because you liked Recipe 0." in page
    assert "Description 1" in page
    assert "gluten-free" in page
    assert "Recipe 2" not in page  # the other participant's recipes in the same batch


def test_it_returns_404_for_someone_elses_batch(pilot_client, other_study_batch):
    response = pilot_client.get(reverse("my-batch", args=[other_study_batch.pk]))
    assert response.status_code == 404


def test_it_returns_404_for_a_batch_with_nothing_for_me(
    pilot_client, study, other_participant, recipes
):
    batch = make_batch(study, 47)
    recommend(batch, other_participant, recipes[:2])
    assert pilot_client.get(reverse("my-batch", args=[batch.pk])).status_code == 404


def test_it_returns_404_for_a_missing_batch(pilot_client):
    assert pilot_client.get(reverse("my-batch", args=[999999])).status_code == 404


def test_it_escapes_what_it_shows(pilot_client, study, participant, recipes):
    recipes[0].title = "<script>alert('t')</script>"
    recipes[0].save()
    batch = make_batch(study, 47)
    recommend(batch, participant, recipes[:1], explanation="<b>bold</b> & {}")
    for url in (reverse("my-weeks"), reverse("my-batch", args=[batch.pk])):
        page = pilot_client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp;" in page


def test_it_keeps_staff_and_analysts_out(client, staff_user, analyst_user, week_48):
    for user in (staff_user, analyst_user):
        client.force_login(user)
        assert client.get(reverse("my-batch", args=[week_48.pk])).status_code == 403


def test_it_lists_batches_in_a_constant_number_of_queries(
    pilot_client, study, participant, recipes, django_assert_max_num_queries
):
    for week in range(40, 46):
        recommend(make_batch(study, week), participant, recipes)
    with django_assert_max_num_queries(8):
        response = pilot_client.get(reverse("my-weeks"))
    assert len(response.context["weeks"]) == 6


# --- the week page: cards, answers, progress (pilot/weeks.py) -----------------------------


@pytest.fixture
def rated_week(study, participant):
    recipes = factories.make_recipes(4)
    batch = factories.make_batch(study, 49)
    recs = factories.recommend(batch, participant, recipes[:3], history=["R0003", "R0002"])
    ratings.save_rating(participant, recs[0], 4, "yes", "Tasty")
    return batch, recs


def test_it_shows_each_card_with_what_to_know_and_the_progress(pilot_client, rated_week):
    batch, recs = rated_week
    response = pilot_client.get(reverse("my-batch", args=[batch.pk]))
    html = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert "<strong data-rated-count>1</strong> of 3 rated" in html
    assert "Main ingredients:</span> onion, garlic, tomato, rice, spinach" in html
    assert "lemon" not in html  # only the main (first five) ingredients
    assert "25 min" in html and "Italian" in html and "Main" in html
    assert "Because you cooked R0003, R0002." in html
    # The evidence names recipes by title and says they explain only part of the score.
    assert "Based on Chickpea and spinach stew (40%), Lentil shepherd&#x27;s pie (25%)" in html
    assert "explain only part of this match (about 65%)" in html
    assert f'action="{reverse("my-rating", args=[recs[0].pk])}"' in html
    assert f'id="stars-{recs[0].pk}-4" checked' in html
    assert "Tasty</textarea>" in html
    assert html.count('<form class="rate-form"') == 3


def test_it_shows_the_cold_start_reason_without_a_share(pilot_client, study, participant):
    batch = factories.make_batch(study, 50)
    factories.recommend(batch, participant, factories.make_recipes(1))
    html = pilot_client.get(reverse("my-batch", args=[batch.pk])).content.decode()
    assert "Popular with people who eat vegetarian" in html
    assert "explain only part" not in html and "Based on" not in html


def test_it_loads_its_script_from_a_file_and_has_no_inline_script(pilot_client, rated_week):
    html = pilot_client.get(reverse("my-batch", args=[rated_week[0].pk])).content.decode()
    scripts = [chunk.split(">", 1)[0] for chunk in html.split("<script")[1:]]
    assert scripts and all(" src=" in tag for tag in scripts)
    assert "js/rate.js" in html and ' style="' not in html and " onclick" not in html


@pytest.mark.parametrize("how", ["closed", "past closes_at"])
def test_it_shows_a_closed_week_read_only_with_the_answers(pilot_client, rated_week, how):
    batch, recs = rated_week
    if how == "closed":
        Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.CLOSED)
        moment = batch.closes_at - timedelta(days=1)
    else:
        moment = batch.closes_at + timedelta(minutes=1)
    with time_machine.travel(moment):
        html = pilot_client.get(reverse("my-batch", args=[batch.pk])).content.decode()
        weeks = pilot_client.get(reverse("my-weeks")).content.decode()
    assert "rate-form" not in html and "js/rate.js" not in html
    assert "this week is closed" in html
    assert "4 of 5 stars · would cook it: yes" in html and "Tasty" in html
    assert html.count("Not rated.") == 2
    assert "See this week's recipes and answers" in weeks


def test_my_weeks_counts_the_ratings_of_each_week(pilot_client, rated_week):
    html = pilot_client.get(reverse("my-weeks")).content.decode()
    assert "1 of 3 rated" in html and "Rate this week's recipes" in html
