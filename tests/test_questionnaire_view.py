"""GET/POST /me/weeks/<id>/questionnaire/ and the thank-you page after it."""

import pytest
from django.urls import reverse

from pilot.models import Batch, QuestionnaireAnswer
from pilot.models.studies import QUESTIONNAIRE_ITEMS
from tests.factories import make_batch, make_recipes, recommend

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
ANSWERS = {"accuracy": "4", "diversity": "3", "novelty": "5", "transparency": "2",
           "trust": "5", "intention": "4", "free_text": "More soups"}  # fmt: skip


@pytest.fixture
def batch(study, participant):
    batch = make_batch(study, 48)
    recommend(batch, participant, make_recipes(2))
    return batch


@pytest.fixture
def pilot(client, participant):
    client.force_login(participant.user)
    return client


def url(batch):
    return reverse("my-questionnaire", args=[batch.pk])


def test_it_shows_the_six_statements_and_the_free_text_question(pilot, batch):
    response = pilot.get(url(batch))
    assert response.status_code == 200
    html = response.content.decode()
    for name, statement in QUESTIONNAIRE_ITEMS:
        assert statement.replace("'", "&#x27;") in html
        for value in range(1, 6):
            assert f'id="{name}-{value}"' in html
    assert "Anything else about this week's recipes?" in html
    assert response["Cache-Control"] == "private, no-store"


def test_it_saves_and_goes_to_the_thank_you_page(pilot, batch):
    response = pilot.post(url(batch), ANSWERS, follow=True)
    assert response.redirect_chain == [(reverse("my-thanks", args=[batch.pk]), 302)]
    assert b"Thank you!" in response.content
    answer = QuestionnaireAnswer.objects.get()
    assert (answer.accuracy, answer.transparency, answer.free_text) == (4, 2, "More soups")


def test_it_answers_json_to_a_json_client(pilot, batch):
    response = pilot.post(url(batch), ANSWERS, **JSON)
    assert response.status_code == 200
    assert response.json()["saved"]["novelty"] == 5


def test_it_shows_the_answers_given_and_lets_them_change(pilot, batch):
    pilot.post(url(batch), ANSWERS)
    html = pilot.get(url(batch)).content.decode()
    assert 'id="accuracy-4" checked' in html and "More soups</textarea>" in html
    pilot.post(url(batch), {**ANSWERS, "accuracy": "1"})
    assert QuestionnaireAnswer.objects.values_list("accuracy", flat=True).get() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"trust": "0"}, "trust"),
        ({"trust": "6"}, "trust"),
        ({"novelty": "abc"}, "novelty"),
        ({"intention": ""}, "intention"),
        ({"free_text": "x" * 2001}, "free_text"),
    ],
)
def test_it_refuses_bad_answers_by_the_field_and_saves_nothing(pilot, batch, change, field):
    response = pilot.post(url(batch), {**ANSWERS, **change}, **JSON)
    assert response.status_code == 400 and list(response.json()["errors"]) == [field]
    page = pilot.post(url(batch), {**ANSWERS, **change})
    assert page.status_code == 400
    html = page.content.decode()
    assert f'id="err-{field}"' in html
    assert 'id="accuracy-4" checked' in html  # what was given is kept
    assert not QuestionnaireAnswer.objects.exists()


def test_it_refuses_a_closed_week_and_shows_the_answers_read_only(pilot, batch):
    pilot.post(url(batch), ANSWERS)
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.CLOSED)
    response = pilot.post(url(batch), {**ANSWERS, "accuracy": "1"}, **JSON)
    assert response.status_code == 409 and "is closed" in response.json()["error"]
    page = pilot.get(url(batch))
    html = page.content.decode()
    assert "<form" not in html.split('id="main"')[1]
    assert "4 of 5" in html
    assert QuestionnaireAnswer.objects.values_list("accuracy", flat=True).get() == 4


def test_it_is_a_404_for_someone_elses_week(client, other_participant, batch):
    client.force_login(other_participant.user)
    assert client.get(url(batch)).status_code == 404
    assert client.post(url(batch), ANSWERS).status_code == 404
    assert client.get(reverse("my-thanks", args=[batch.pk])).status_code == 404
    assert not QuestionnaireAnswer.objects.exists()


def test_it_sends_a_signed_out_user_to_the_new_link_page(client, batch):
    response = client.get(url(batch))
    assert (
        response.url
        == reverse("signin-request") + f"?next=%2Fme%2Fweeks%2F{batch.pk}%2Fquestionnaire%2F"
    )
    response = client.post(url(batch), ANSWERS, **JSON)
    assert response.status_code == 401


def test_the_thank_you_page_counts_what_was_rated(pilot, batch, participant):
    recs = list(batch.recommendations.all())
    pilot.post(reverse("my-rating", args=[recs[0].pk]), {"stars": "3", "would_cook": "no"})
    html = pilot.get(reverse("my-thanks", args=[batch.pk])).content.decode()
    assert "1 of 2 recipes rated" in html
