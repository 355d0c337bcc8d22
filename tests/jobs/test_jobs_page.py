"""The staff jobs page: who may see it, what it shows, run again."""

import pytest
from django.urls import reverse

from pilot.models import Extract, Job

pytestmark = pytest.mark.django_db


def test_it_shows_jobs_to_staff_only(client, staff_user, analyst_user, participant):
    url = reverse("staff-jobs")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(analyst_user)
    assert client.get(url).status_code == 403
    client.force_login(participant.user)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_it_lists_each_job_with_state_error_who_and_its_object(client, staff_user, settings):
    settings.JOBS_INLINE = True
    extract = Extract.objects.create(kind="recipes", name="r.csv", status="imported")
    Job.objects.create(
        kind="import",
        func="pilot.jobs.import_extract_job",
        args={"args": [extract.pk, "/tmp/x.csv"]},
        state="failed",
        error="RuntimeError: <b>boom</b>",
        created_by=staff_user,
    )
    client.force_login(staff_user)
    page = client.get(reverse("staff-jobs")).content.decode()
    assert reverse("data-extract", args=[extract.pk]) in page
    assert "RuntimeError: &lt;b&gt;boom&lt;/b&gt;" in page and "<b>boom" not in page
    assert "stella" in page and "Run again" in page
    assert "jobs run in the web process" in page
    assert reverse("django_rq:home") not in page


def test_it_links_the_queue_dashboard_with_redis(client, staff_user, settings):
    settings.JOBS_INLINE = False
    client.force_login(staff_user)
    page = client.get(reverse("staff-jobs")).content.decode()
    assert reverse("django_rq:home") in page


def test_it_runs_a_failed_job_again(client, staff_user):
    failed = Job.objects.create(
        func="tests.jobs.sample.make_group", args={"args": ["again"], "kwargs": {}}, state="failed"
    )
    client.force_login(staff_user)
    response = client.post(reverse("staff-job-run-again", args=[failed.pk]))
    assert response.status_code == 302
    again = Job.objects.exclude(pk=failed.pk).get()
    assert (again.state, again.created_by, again.args) == ("done", staff_user, failed.args)


def test_run_again_is_refused_to_non_staff_and_for_jobs_not_failed(
    client, analyst_user, staff_user
):
    done = Job.objects.create(
        func="tests.jobs.sample.make_group", args={"args": ["x"]}, state="done"
    )
    client.force_login(analyst_user)
    assert client.post(reverse("staff-job-run-again", args=[done.pk])).status_code == 403
    client.force_login(staff_user)
    assert client.post(reverse("staff-job-run-again", args=[done.pk])).status_code == 404
    assert client.get(reverse("staff-job-run-again", args=[done.pk])).status_code == 405
    assert Job.objects.count() == 1


def test_the_staff_navigation_links_the_jobs_page(client, staff_user):
    client.force_login(staff_user)
    assert reverse("staff-jobs") in client.get(reverse("staff-home")).content.decode()
