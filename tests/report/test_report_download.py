"""The dashboard's "Download report" button: analysts and staff only, sent as an attachment."""

import pytest

from pilot.access import ANALYST_GROUP, STAFF_GROUP
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def url(study):
    return f"/dashboard/{study.key}/report.html"


def test_it_refuses_anonymous_and_pilot_users(client, rated_study):
    response = client.get(url(rated_study))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(rated_study.participants.first().user)
    assert client.get(url(rated_study)).status_code == 403


def test_analysts_and_staff_download_it_as_an_attachment(client, rated_study):
    for user in (make_user("ana-rep", groups=[ANALYST_GROUP]),
                 make_user("sta-rep", groups=[STAFF_GROUP], is_staff=True)):  # fmt: skip
        client.force_login(user)
        response = client.get(url(rated_study))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="{rated_study.key}-report-'
        )
        body = response.content.decode()
        assert body.startswith("<!DOCTYPE html>") and "<script>/**\n* plotly.js v" in body
    assert client.get("/dashboard/nope/report.html").status_code == 404


def test_the_study_pages_show_the_button(client, rated_study):
    client.force_login(make_user("ana-rep2", groups=[ANALYST_GROUP]))
    page = client.get(f"/dashboard/{rated_study.key}/seasonality/").content.decode()
    assert f'href="{url(rated_study)}"' in page and "Download report" in page
