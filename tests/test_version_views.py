"""Staff pages of model versions: list, train as a job (inline and with a real RQ worker),
one version with its metrics and explained recommendations; staff only."""

import os

import django_rq
import pytest
from django.urls import reverse
from django.utils.html import escape
from rq import SimpleWorker

from pilot import training
from pilot.modeldata import catalog
from pilot.models import ModelVersion
from tests.world import build_world

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
SMALL_ALS = {"factors": 8, "iterations": 5, "num_threads": 1}


@pytest.fixture
def world(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return build_world()


@pytest.fixture
def als(world):
    return training.train_version("als", params=SMALL_ALS, note="small <b>ALS</b>")


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def form(**fields):
    data = {
        "algorithm": "als",
        "params": "factors=8\niterations=5",
        "seed": "0",
        "name": "",
        "note": "",
    }
    data.update(fields)
    return data


def test_the_list_shows_versions_with_key_metrics_and_notes(staff, als):
    page = staff.get(reverse("version-list"))

    assert page.status_code == 200
    text = page.content.decode()
    assert als.name in text and reverse("version-detail", args=[als.pk]) in text
    assert f"{als.metrics['summary']['ndcg']['estimate']:.3f}" in text
    assert "small &lt;b&gt;ALS&lt;/b&gt;" in text  # the note, escaped
    assert "NDCG@10" in text


def test_the_version_page_shows_data_parameters_metrics_per_segment_and_explanations(staff, als):
    page = staff.get(reverse("version-detail", args=[als.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert f"{als.n_events}" in text and f"{als.n_unresolved} interactions of web visitors" in text
    assert "<code>factors=8</code>" in text and "<code>seed=0</code>" in text
    summary = als.metrics["summary"]["recall"]
    assert f"{summary['low']:.4f} - {summary['high']:.4f}" in text
    for region in ("Wales", "Scotland", "London", "North East"):
        assert f"<td>{region}</td>" in text
    examples = page.context["examples"]
    assert len(examples) == 5
    warm = [item for ex in examples for item in ex["items"] if item["reason_code"] == "als_history"]
    cold = [
        item
        for ex in examples
        for item in ex["items"]
        if item["reason_code"] == "cold_start_popular"
    ]
    assert warm and cold  # people with history, and one without (cold start)
    first = warm[0]
    assert first["reason"].startswith("Because you") and first["reason"] in text
    assert first["evidence"][0]["title"] in text
    partial = [item for item in warm if item["explained_share"] < 0.995]
    assert partial and "explain" in partial[0]["note"] and escape(partial[0]["note"]) in text


def test_the_version_page_explains_for_a_person_asked_for_and_respects_their_diet(
    staff, als, world
):
    people, _ = world
    vegetarian = next(
        p for p in people if p.restrictions == ["vegetarian"] and p.interactions.exists()
    )

    page = staff.get(reverse("version-detail", args=[als.pk]), {"person": vegetarian.customer_id})

    (example,) = page.context["examples"]
    assert example["person"] == vegetarian
    recipes = catalog()
    assert example["items"] and all(
        recipes.allows(i["item"], ["vegetarian"]) for i in example["items"]
    )
    missing = staff.get(reverse("version-detail", args=[als.pk]), {"person": "K-9999"})
    assert "No person with customer id K-9999" in missing.content.decode()


def test_the_form_trains_a_version_inline_and_lands_on_it(staff, world, settings, staff_user):
    settings.JOBS_INLINE = True

    response = staff.post(
        reverse("version-new"), form(user_features=["region"], note="with region", name="als-web")
    )

    assert response.status_code == 302
    page = staff.get(response["Location"])
    version = ModelVersion.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse(
        "version-detail", args=[version.pk]
    )
    assert version.name == "als-web" and version.features == ["user:region"]
    assert version.params["factors"] == 8 and version.created_by == staff_user
    token = response["Location"].rstrip("/").split("/")[-1]
    state = staff.get(reverse("version-run-status", args=[token])).json()
    assert state == {
        "state": "done", "percent": 100, "message": "Version als-web is ready.",
        "version_id": version.pk, "done": True,
    }  # fmt: skip


def test_the_form_trains_with_a_holdout_cutoff_it_was_given(staff, world, settings):
    """The cutoff (a date) reaches the job as JSON and the version records it."""
    from datetime import UTC, datetime, timedelta

    from django.db.models import Max

    from pilot.models import Interaction

    settings.JOBS_INLINE = True
    latest = Interaction.objects.aggregate(m=Max("timestamp"))["m"]
    day = (latest - timedelta(days=5)).date()
    response = staff.post(reverse("version-new"), form(cutoff=day.isoformat(), name="als-cut"))
    assert response.status_code == 302
    version = ModelVersion.objects.get(name="als-cut")
    assert version.holdout_cutoff == datetime.combine(day, datetime.min.time(), UTC)
    assert version.metrics["holdout"]["default_cutoff"] is False


def test_the_form_refuses_bad_input_on_the_page(staff, world):
    page = staff.post(reverse("version-new"), form(params="factors=many"))
    assert page.status_code == 200
    assert "Parameter factors of als: &#x27;many&#x27; is not an integer." in page.content.decode()
    page = staff.post(
        reverse("version-new"), form(algorithm="popularity", params="", item_features=["cuisine"])
    )
    assert "takes no side features" in page.content.decode()
    assert not ModelVersion.objects.exists()


def test_a_run_whose_training_is_refused_shows_why(staff, db, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # no interactions at all
    response = staff.post(reverse("version-new"), form())
    page = staff.get(response["Location"])
    assert page.status_code == 200
    assert "No interactions resolved to a person" in page.content.decode()
    assert not ModelVersion.objects.exists()


def test_the_form_can_start_from_a_version(staff, als):
    page = staff.get(reverse("version-new"), {"like": als.pk})
    initial = page.context["form"].initial
    assert initial["algorithm"] == "als" and "factors=8" in initial["params"]
    assert initial["cutoff"] == als.holdout_cutoff.date()


def test_an_unknown_run_or_version_is_404(staff, db):
    assert staff.get(reverse("version-run", args=["0" * 32])).status_code == 404
    assert staff.get(reverse("version-run-status", args=["not-a-token"])).status_code == 404
    assert staff.get(reverse("version-detail", args=[999])).status_code == 404


@pytest.mark.parametrize("who", ["analyst", "participant", "anonymous"])
def test_only_staff_see_the_pages(client, who, analyst_user, participant, als):
    if who == "analyst":
        client.force_login(analyst_user)
    elif who == "participant":
        client.force_login(participant.user)
    token = training.new_run({"algorithm": "als"})
    before = ModelVersion.objects.count()
    for url in (
        reverse("version-list"),
        reverse("version-new"),
        reverse("version-detail", args=[als.pk]),
        reverse("version-run", args=[token]),
        reverse("version-run-status", args=[token]),
    ):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403
    assert client.post(reverse("version-new"), form()).status_code in (302, 403)
    assert ModelVersion.objects.count() == before


@pytest.mark.redis
def test_a_real_worker_trains_the_queued_version(
    staff, world, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_INLINE = False
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 120}}
    queue = django_rq.get_queue("default")
    queue.empty()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("version-new"), form(name="queued"))
    assert queue.count == 1 and not ModelVersion.objects.exists()
    page = staff.get(response["Location"])
    assert b"<progress" in page.content and b"Waiting for a worker" in page.content

    django_rq.get_worker("default", worker_class=SimpleWorker).work(burst=True)

    version = ModelVersion.objects.get()
    assert version.name == "queued"
    assert staff.get(response["Location"])["Location"] == reverse(
        "version-detail", args=[version.pk]
    )
