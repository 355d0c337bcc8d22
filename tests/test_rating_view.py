"""POST /me/recommendations/<id>/rating/: JSON for JSON clients, a redirect or the page otherwise."""

import pytest
from django.test import Client
from django.urls import reverse

from pilot.models import Batch, Rating
from tests.factories import make_batch, make_recipes, recommend

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def recs(study, participant):
    batch = make_batch(study, 48)
    return recommend(batch, participant, make_recipes(3), history=["R0000", "R0001"])


@pytest.fixture
def pilot(client, participant):
    client.force_login(participant.user)
    return client


def url(rec):
    return reverse("my-rating", args=[rec.pk])


def test_it_answers_json_with_what_was_saved_and_the_progress(pilot, recs):
    response = pilot.post(
        url(recs[0]), {"stars": "4", "would_cook": "maybe", "comment": "Nice"}, **JSON
    )
    assert response.status_code == 200
    body = response.json()
    assert body["saved"]["stars"] == 4 and body["saved"]["would_cook"] == "maybe"
    assert body["saved"]["comment"] == "Nice" and body["saved"]["recommendation"] == recs[0].pk
    assert body["progress"] == {"rated": 1, "total": 3}
    assert response["Cache-Control"] == "private, no-store"


def test_it_redirects_a_form_post_back_to_the_card_with_a_message(pilot, recs):
    response = pilot.post(url(recs[1]), {"stars": "5", "would_cook": "yes"}, follow=True)
    assert response.redirect_chain == [
        (reverse("my-batch", args=[recs[1].batch_id]) + f"#rec-{recs[1].pk}", 302)
    ]
    assert b"Saved your rating of Mushroom risotto." in response.content
    assert b"1</strong> of 3 rated" in response.content
    assert Rating.objects.get().stars == 5


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"stars": "0", "would_cook": "yes"}, "stars", "from 1 to 5, not '0'"),
        ({"stars": "6", "would_cook": "yes"}, "stars", "from 1 to 5, not '6'"),
        ({"stars": "abc", "would_cook": "yes"}, "stars", "from 1 to 5, not 'abc'"),
        ({"would_cook": "yes"}, "stars", "Choose stars from 1 to 5."),
        ({"stars": "3", "would_cook": "sometimes"}, "would_cook", "yes, maybe or no"),
        ({"stars": "3"}, "would_cook", "yes, maybe or no"),
        ({"stars": "3", "would_cook": "no", "comment": "x" * 1001}, "comment", "keep it to 1000"),
    ],
)
def test_it_refuses_bad_values_with_a_message_per_field(pilot, recs, data, field, message):
    response = pilot.post(url(recs[0]), data, **JSON)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field] and message in errors[field]
    page = pilot.post(url(recs[0]), data)
    assert page.status_code == 400
    html = page.content.decode()
    assert f'id="err-{"cook" if field == "would_cook" else field}-{recs[0].pk}"' in html
    assert not Rating.objects.exists()


def test_it_keeps_what_was_typed_when_it_shows_the_page_again(pilot, recs):
    page = pilot.post(url(recs[2]), {"stars": "9", "would_cook": "maybe", "comment": "Keep me"})
    html = page.content.decode()
    assert "Keep me</textarea>" in html
    assert f'id="cook-{recs[2].pk}-maybe" checked' in html


def test_it_changes_nothing_when_a_bad_value_follows_a_good_one(pilot, recs):
    pilot.post(url(recs[0]), {"stars": "4", "would_cook": "yes"}, **JSON)
    pilot.post(url(recs[0]), {"stars": "0", "would_cook": "no"}, **JSON)
    assert Rating.objects.values_list("stars", "would_cook").get() == (4, "yes")


def test_it_stores_html_as_text_and_shows_it_escaped(pilot, recs, study):
    comment = '<script>alert("x")</script><b>bold</b>'
    pilot.post(url(recs[0]), {"stars": "2", "would_cook": "no", "comment": comment}, **JSON)
    assert Rating.objects.get().comment == comment
    html = pilot.get(reverse("my-batch", args=[recs[0].batch_id])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    Batch.objects.filter(pk=recs[0].batch_id).update(status=Batch.Status.CLOSED)
    html = pilot.get(reverse("my-batch", args=[recs[0].batch_id])).content.decode()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_it_refuses_a_closed_week_clearly_and_saves_nothing(pilot, recs):
    Batch.objects.filter(pk=recs[0].batch_id).update(status=Batch.Status.CLOSED)
    response = pilot.post(url(recs[0]), {"stars": "4", "would_cook": "yes"}, **JSON)
    assert response.status_code == 409
    assert "is closed" in response.json()["error"]
    page = pilot.post(url(recs[0]), {"stars": "4", "would_cook": "yes"})
    assert page.status_code == 409 and b"is closed: answers can no longer" in page.content
    assert not Rating.objects.exists()


def test_it_is_a_404_for_someone_elses_recommendation(pilot, study, other_participant, recs):
    theirs = recommend(make_batch(study, 47), other_participant, make_recipes(1))[0]
    response = pilot.post(url(theirs), {"stars": "4", "would_cook": "yes"}, **JSON)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"  # rate.js reads the error
    assert response.json() == {"error": "No such recommendation for you."}
    assert response["Cache-Control"] == "private, no-store"
    page = pilot.post(url(theirs), {"stars": "4", "would_cook": "yes"})
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert not Rating.objects.exists()


def test_a_json_client_that_is_no_pilot_user_gets_a_json_403(client, staff_user, recs):
    client.force_login(staff_user)
    response = client.post(url(recs[0]), {"stars": "4", "would_cook": "yes"}, **JSON)
    assert response.status_code == 403 and response.json() == {"error": "This is for pilot users."}
    assert client.post(url(recs[0]), {"stars": "4"}).status_code == 403
    assert not Rating.objects.exists()


def test_it_is_a_404_for_a_week_not_sent_yet_or_missing(pilot, study, participant):
    rec = recommend(make_batch(study, 49, Batch.Status.GENERATED), participant, make_recipes(1))[0]
    assert pilot.post(url(rec), {"stars": "4", "would_cook": "yes"}).status_code == 404
    assert pilot.post(reverse("my-rating", args=[987654]), {"stars": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_it_refuses_a_post_without_csrf_token(participant, recs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)
    response = client.post(url(recs[0]), {"stars": "4", "would_cook": "yes"}, **JSON)
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_it_accepts_a_post_with_the_pages_csrf_token(participant, recs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)
    page = client.get(reverse("my-batch", args=[recs[0].batch_id]))
    token = page.context["csrf_token"]
    data = {"stars": "4", "would_cook": "yes", "csrfmiddlewaretoken": str(token)}
    assert client.post(url(recs[0]), data, **JSON).status_code == 200


def test_it_sends_a_signed_out_user_to_the_new_link_page(client, recs):
    response = client.post(url(recs[0]), {"stars": "4", "would_cook": "yes"})
    assert response.status_code == 302 and response.url == reverse("signin-request")
    response = client.post(url(recs[0]), {"stars": "4", "would_cook": "yes"}, **JSON)
    assert response.status_code == 401
    assert response.json()["signin"] == reverse("signin-request")
    assert not Rating.objects.exists()


def test_it_keeps_staff_out(client, staff_user, recs):
    client.force_login(staff_user)
    assert client.post(url(recs[0]), {"stars": "4", "would_cook": "yes"}).status_code == 403


def test_it_refuses_get(pilot, recs):
    assert pilot.get(url(recs[0])).status_code == 405


def test_it_keeps_one_rating_for_repeated_posts(pilot, recs):
    for stars in ("1", "2", "3", "3", "5"):
        pilot.post(url(recs[0]), {"stars": stars, "would_cook": "yes"}, **JSON)
    assert Rating.objects.values_list("stars", flat=True).get() == 5
