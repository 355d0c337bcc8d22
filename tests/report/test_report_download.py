"""The dashboard's "Download report" button: a job builds the file, analysts and staff only,
sent as an attachment."""

import pytest

from pilot.access import ANALYST_GROUP, STAFF_GROUP
from pilot.models import Job
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def start(study):
    return f"/dashboard/{study.key}/report/"


def test_it_refuses_anonymous_and_pilot_users(client, rated_study):
    analyst = make_user("ana-rep0", groups=[ANALYST_GROUP])
    client.force_login(analyst)
    job = Job.objects.get(pk=client.post(start(rated_study)).url.rstrip("/").split("/")[-1])
    client.logout()
    urls = [f"{start(rated_study)}{job.pk}/", f"{start(rated_study)}{job.pk}/report.html"]
    for url in [start(rated_study), *urls]:
        response = client.post(url) if url == start(rated_study) else client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    client.force_login(rated_study.participants.first().user)
    assert client.post(start(rated_study)).status_code == 403
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert Job.objects.count() == 1  # the refused requests started nothing


def test_analysts_and_staff_get_it_as_an_attachment(client, rated_study, var_dir):
    for user in (make_user("ana-rep", groups=[ANALYST_GROUP]),
                 make_user("sta-rep", groups=[STAFF_GROUP], is_staff=True)):  # fmt: skip
        client.force_login(user)
        assert client.get(start(rated_study)).status_code == 405  # a POST starts it
        response = client.post(start(rated_study))
        assert response.status_code == 302
        job = Job.objects.latest("pk")
        assert response.url == f"{start(rated_study)}{job.pk}/"
        assert job.state == Job.State.DONE and job.created_by == user  # JOBS_SYNC in tests
        page = client.get(response.url).content.decode()
        assert f'href="{start(rated_study)}{job.pk}/report.html"' in page
        response = client.get(f"{start(rated_study)}{job.pk}/report.html")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="{rated_study.key}-report-'
        )
        body = b"".join(response.streaming_content).decode()
        assert body.startswith("<!DOCTYPE html>") and "<script>/**\n* plotly.js v" in body
    assert sorted(p.name for p in (var_dir / "reports").iterdir()) == [
        f"{rated_study.key}-{j.pk}.html" for j in Job.objects.order_by("pk")
    ]
    assert client.get(f"/dashboard/nope/report/{job.pk}/").status_code == 404
    assert client.post("/dashboard/nope/report/").status_code == 404


def test_a_job_of_another_kind_or_study_is_no_report(client, rated_study):
    client.force_login(make_user("ana-rep3", groups=[ANALYST_GROUP]))
    other = Job.objects.create(kind="other", func="pilot.jobs.tick_job", args={"args": []})
    assert client.get(f"{start(rated_study)}{other.pk}/").status_code == 404
    assert client.get(f"{start(rated_study)}{other.pk}/report.html").status_code == 404


def test_the_study_pages_show_the_button(client, rated_study):
    client.force_login(make_user("ana-rep2", groups=[ANALYST_GROUP]))
    page = client.get(f"/dashboard/{rated_study.key}/seasonality/").content.decode()
    assert f'action="{start(rated_study)}"' in page and "Download report" in page
    assert 'name="csrfmiddlewaretoken"' in page
