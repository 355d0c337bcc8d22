"""The upload as a real background job: queued in Redis, run by an RQ worker."""

import os

import django_rq
import pytest
from django.urls import reverse
from rq import SimpleWorker

from pilot.models import Extract, Recipe

from .conftest import RECIPES
from .test_views import upload


@pytest.mark.redis
@pytest.mark.django_db
def test_an_upload_is_queued_and_a_worker_imports_it(
    client, staff_user, folder, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_INLINE = False
    settings.RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13"),
            "DEFAULT_TIMEOUT": 60,
        }
    }
    queue = django_rq.get_queue("default")
    queue.empty()
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "recipes", "recipes.csv", RECIPES)
    extract = Extract.objects.get()
    assert extract.status == "pending" and queue.count == 1
    page = client.get(response["Location"])
    assert b"<progress" in page.content
    state = client.get(reverse("data-extract-status", args=[extract.pk])).json()
    assert (state["done"], state["percent"], state["message"]) == (False, 0, "waiting for a worker")

    django_rq.get_worker("default", worker_class=SimpleWorker).work(burst=True)

    extract.refresh_from_db()
    assert (extract.status, extract.rows_imported) == ("imported", 3)
    assert Recipe.objects.count() == 3
    state = client.get(reverse("data-extract-status", args=[extract.pk])).json()
    assert state["done"] and state["percent"] == 100
