"""The staff ingredient pages: the worklist (staff only) and classifying from it."""

import pytest
from django.urls import reverse

from pilot.ingredients.worklist import relabel
from pilot.models import IngredientClassification, Recipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipes(db):
    made = [
        Recipe(external_id="R1", title="Glorp <b>salad</b>", ingredients=["lettuce", "glorp"]),
        Recipe(external_id="R2", title="Glorp rice", ingredients=["rice", "glorp", "zibble"]),
    ]
    Recipe.objects.bulk_create(made)
    relabel(Recipe.objects.all())
    return made


def test_it_shows_the_worklist_with_the_total_to_staff(client, staff_user, recipes):
    client.force_login(staff_user)
    page = client.get(reverse("ingredients-worklist"))
    assert page.status_code == 200
    assert b"Worklist: 2 unknown ingredients" in page.content
    assert b'value="glorp"' in page.content
    assert b"Glorp &lt;b&gt;salad&lt;/b&gt;" in page.content  # escaped


@pytest.mark.parametrize("who", ["anonymous", "analyst", "participant"])
def test_it_is_for_staff_only(client, recipes, analyst_user, participant, who):
    if who == "analyst":
        client.force_login(analyst_user)
    elif who == "participant":
        client.force_login(participant.user)
    page = client.get(reverse("ingredients-worklist"))
    post = client.post(reverse("ingredients-classify"), {"name": ["glorp"]})
    if who == "anonymous":
        assert page.status_code == 302 and post.status_code == 302
    else:
        assert page.status_code == 403 and post.status_code == 403
    assert not IngredientClassification.objects.exists()


def test_staff_classify_ticked_and_typed_names_and_labels_follow(client, staff_user, recipes):
    client.force_login(staff_user)
    response = client.post(
        reverse("ingredients-classify"),
        {"name": ["glorp"], "names": "zibble\n", "facts": ["dairy"], "note": "checked"},
    )
    assert response.status_code == 302
    assert sorted(IngredientClassification.objects.values_list("name", "classified_by")) == [
        ("glorp", staff_user.pk),
        ("zibble", staff_user.pk),
    ]
    assert Recipe.objects.get(external_id="R2").diet_labels == [
        "vegetarian", "gluten_free", "nut_free", "halal", "no_pork"
    ]  # fmt: skip
    page = client.get(response["Location"])
    assert b"Classified 2 name(s)" in page.content
    assert b"Every ingredient of every active recipe is known." in page.content


def test_classifying_nothing_is_refused_with_a_message(client, staff_user, recipes):
    client.force_login(staff_user)
    response = client.post(reverse("ingredients-classify"), {"facts": ["dairy"]})
    assert response.status_code == 400
    assert b"Tick or type at least one ingredient name." in response.content
    bad = client.post(reverse("ingredients-classify"), {"name": ["glorp"], "facts": ["meaty"]})
    assert bad.status_code == 400
    assert not IngredientClassification.objects.exists()


def test_the_classify_page_needs_post(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("ingredients-classify")).status_code == 405


def test_classifying_runs_as_a_job_and_the_page_says_so_while_it_runs(
    client, staff_user, recipes, settings
):
    """Outside the synchronous test mode the request only queues the job (a correction of a
    known ingredient re-derives every recipe); the labels change when the job runs."""
    from pilot.jobs import run_job
    from pilot.models import Job

    settings.JOBS_SYNC = False  # the in-process worker starts on commit, which never comes here
    client.force_login(staff_user)
    response = client.post(
        reverse("ingredients-classify"), {"name": ["glorp"], "facts": ["animal"]}, follow=True
    )
    record = Job.objects.get()
    assert (record.kind, record.state, record.created_by) == ("relabel", "queued", staff_user)
    assert f"runs in the background (job {record.pk}" in response.content.decode()
    assert not IngredientClassification.objects.exists()
    assert "vegetarian" not in Recipe.objects.get(external_id="R1").diet_labels  # glorp unknown

    run_job(record.pk)
    record.refresh_from_db()
    assert record.state == "done" and record.result.startswith("Classified 1 name(s) (glorp)")
    assert IngredientClassification.objects.get().classified_by == staff_user
    labels = Recipe.objects.get(external_id="R1").diet_labels
    assert "vegetarian" not in labels and "gluten_free" in labels
