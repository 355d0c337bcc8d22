"""The Content-Security-Policy is on and the pages still work under it in Chromium.

Chromium reports every blocked script, style or request as a console error starting
"Refused to ..."; the pages must draw their charts and log no such error.
"""

import os

import pytest
from playwright.sync_api import expect

from pilot.ingest import import_extract
from tests.browser.test_data_browser import sign_in

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTERACTIONS = (
    "visitor_id,recipe_id,event,timestamp\n"
    "V1,R1,view,2026-01-01T10:00:00Z\nV1,R2,cook,2026-01-04T10:00:00Z\n"
)


@pytest.fixture
def refusals(page):
    """Every CSP refusal Chromium logs on ``page``."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(f"{page.url}: {message.text[:60]} {message.location}")
            if "Content Security Policy" in message.text or message.text.startswith("Refused")
            else None
        ),
    )
    return seen


@pytest.fixture
def interactions(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    path = tmp_path / "events.csv"
    path.write_text(INTERACTIONS)
    import_extract("recipes", _recipes(tmp_path))
    import_extract("interactions", path)


def _recipes(folder):
    path = folder / "recipes.csv"
    path.write_text("recipe_id,title,ingredients\nR1,Soup,leek|potato\nR2,Stew,beef|carrot\n")
    return path


def test_the_data_page_charts_render_under_the_policy(
    live_server, page, staff_user, interactions, refusals
):
    sign_in(page, live_server.url, staff_user)
    response = page.goto(live_server.url + "/staff/data/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    assert page.locator(".js-plotly-plot").count() == 3
    # Each chart drew its bars or line and its title.
    expect(page.locator("figure.chart figcaption").first).to_be_visible()
    assert page.locator(".js-plotly-plot .point, .js-plotly-plot .scatterlayer path").count() > 0
    assert refusals == []


@pytest.mark.redis
def test_the_admin_and_the_queue_dashboard_work_under_the_policy(
    live_server, page, staff_user, refusals, settings
):
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    staff_user.is_superuser = True
    staff_user.save()
    sign_in(page, live_server.url, staff_user)
    for path in (
        "/admin/",
        "/admin/pilot/extract/",
        "/admin/pilot/study/add/",
        "/admin/django_rq/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers, path
    assert refusals == []
