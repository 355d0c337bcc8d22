"""The pilot-test page: who may see it, scoring as a job, the table, figure and CSVs."""

import csv
import io
import json
import os
import re
from html import unescape
from pathlib import Path

import django_rq
import pytest
from rq import SimpleWorker

from pilot.access import ANALYST_GROUP
from pilot.exports import pseudonym
from pilot.models import Job, Rating
from tests.conftest import make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")


def url(study):
    return f"/dashboard/{study.key}/pilot-test/"


def test_it_refuses_anonymous_and_pilot_users(client, hand_study, hand_version):
    pages = [url(hand_study), f"{url(hand_study)}scores.csv?version={hand_version.pk}"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(url(hand_study), {"version": hand_version.pk}).status_code == 302
    client.force_login(hand_study.participants.first().user)
    for page in pages:
        assert client.get(page).status_code == 403
    assert client.post(url(hand_study), {"version": hand_version.pk}).status_code == 403
    assert not Job.objects.exists()


def test_an_analyst_scores_a_version_and_sees_the_table(client, hand_study, hand_version):
    client.force_login(make_user("ana-pt", groups=[ANALYST_GROUP]))
    page = client.get(url(hand_study)).content.decode()
    assert "Only recipes that the pilot&#x27;s models chose were rated" in page
    assert f'<option value="{hand_version.pk}"' in page
    response = client.get(f"{url(hand_study)}?version={hand_version.pk}")
    assert b'id="not-scored"' in response.content

    response = client.post(url(hand_study), {"version": hand_version.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{url(hand_study)}?version={hand_version.pk}"
    (record,) = Job.objects.all()  # JOBS_SYNC in tests: done already
    assert record.state == Job.State.DONE
    client.post(url(hand_study), {"version": hand_version.pk})
    assert Job.objects.count() == 1  # the current result is reused

    page = client.get(response["Location"]).content.decode()
    (cells,) = re.findall(r"<tr><td>pop-hand</td>(.*?)</tr>", page)
    values = re.findall(r"<td>(.*?)</td>", cells)
    assert values[:5] == ["scored; served arm pop", "0.75", "0.75", "0.75", "2"]
    (figure,) = re.findall(r'data-plotly-figure="([^"]*)"', page)
    traces = json.loads(unescape(figure))["data"]
    assert [t["name"] for t in traces] == ["AUC", "NDCG"] and traces[0]["y"] == [0.75]
    assert "3 participants scored" in page and "<script>" not in page

    text = client.get(f"{url(hand_study)}participants.csv?version={hand_version.pk}")
    rows = list(csv.DictReader(io.StringIO(text.content.decode())))
    assert {r["participant"] for r in rows} == {
        pseudonym("hand-test", p) for p in ("P1", "P2", "P3")
    }
    scores = list(csv.DictReader(io.StringIO(client.get(
        f"{url(hand_study)}scores.csv?version={hand_version.pk}").content.decode())))  # fmt: skip
    assert scores[0]["auc"] == "0.75" and scores[0]["auc_participants"] == "2"


def test_a_new_rating_makes_the_stored_result_stale(client, hand_study, hand_version):
    client.force_login(make_user("ana-pt", groups=[ANALYST_GROUP]))
    client.post(url(hand_study), {"version": hand_version.pk})
    rating = Rating.objects.get(
        recommendation__participant__person__customer_id="P1",
        recommendation__recipe__external_id="C",
    )
    rating.stars = 1  # P1: liked {A}, disliked {B, C, D}: A first, AUC 1
    rating.save()
    page = client.get(f"{url(hand_study)}?version={hand_version.pk}")
    assert b'id="not-scored"' in page.content
    assert client.get(f"{url(hand_study)}scores.csv?version={hand_version.pk}").status_code == 404
    client.post(url(hand_study), {"version": hand_version.pk})
    assert Job.objects.count() == 2
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"{url(hand_study)}participants.csv?version={hand_version.pk}").content.decode())))  # fmt: skip
    assert next(r for r in rows if r["participant"] == pseudonym("hand-test", "P1"))["auc"] == "1.0"


def test_a_failed_run_says_why(client, hand_study, hand_version):
    client.force_login(make_user("ana-pt", groups=[ANALYST_GROUP]))
    Path(hand_version.artifact).unlink()
    client.post(url(hand_study), {"version": hand_version.pk})
    (record,) = Job.objects.all()
    assert record.state == Job.State.FAILED
    page = client.get(f"{url(hand_study)}?version={hand_version.pk}").content.decode()
    assert 'id="failed"' in page and "its artifact" in page and "is missing on this machine" in page


def test_unknown_versions_and_tables_are_404(client, hand_study, hand_version):
    client.force_login(make_user("ana-pt", groups=[ANALYST_GROUP]))
    assert client.get(f"{url(hand_study)}?version=999").status_code == 404
    assert client.get(f"{url(hand_study)}?version=x").status_code == 404
    assert client.post(url(hand_study), {"version": "999"}).status_code == 404
    assert client.get(f"{url(hand_study)}nope.csv?version={hand_version.pk}").status_code == 404
    assert client.get("/dashboard/no-such-study/pilot-test/").status_code == 404


def test_the_dashboard_links_to_it(client, hand_study):
    client.force_login(make_user("ana-pt", groups=[ANALYST_GROUP]))
    page = client.get(f"/dashboard/{hand_study.key}/").content.decode()
    assert f'href="{url(hand_study)}"' in page
    version = hand_study.arms.get().model_version_id
    assert f'href="{url(hand_study)}?version={version}"' in page


@pytest.mark.redis
def test_a_real_rq_worker_scores_and_the_page_shows_it_after(
    client, settings, hand_study, hand_version, django_capture_on_commit_callbacks
):
    settings.JOBS_INLINE = False
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    queue = django_rq.get_queue("default")
    queue.empty()
    client.force_login(make_user("ana-pt", groups=[ANALYST_GROUP]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(hand_study), {"version": hand_version.pk})
    (record,) = Job.objects.all()
    page = client.get(f"{url(hand_study)}?version={hand_version.pk}").content.decode()
    assert 'id="pending"' in page and f"job #{record.pk}, queued" in page
    client.post(url(hand_study), {"version": hand_version.pk})
    assert Job.objects.count() == 1 and queue.count == 1  # one run, however many clicks
    django_rq.get_worker("default", worker_class=SimpleWorker).work(burst=True)
    record.refresh_from_db()
    assert record.state == Job.State.DONE
    page = client.get(f"{url(hand_study)}?version={hand_version.pk}").content.decode()
    assert "<tr><td>pop-hand</td><td>scored; served arm pop</td><td>0.75</td>" in page
