"""The dashboard in a real Chromium, on a phone (390 px) and a desktop: charts drawn."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_data_browser import sign_in
from tests.conftest import make_user
from tests.dashboard.conftest import fresh_cache, rated_study, study, versions, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = ("overview", "offline", "how-many", "seasonality", "segments", "feedback", "how-long")


@pytest.mark.parametrize("width", [390, 1366])
def test_analysts_see_every_dashboard_page_with_charts(live_server, page, rated_study, width):  # noqa: F811
    analyst = make_user("ana-browser", groups=["analyst"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, analyst)
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_text("2 weeks run (2026-W49 to 2026-W50).")).to_be_visible()
    screenshot(page, f"dashboard-landing-{width}")
    for name in PAGES:
        page.goto(f"{live_server.url}/dashboard/{rated_study.key}/{name}/")
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        charts = page.locator(".js-plotly-plot").count()
        assert charts >= 1, name
        assert page.locator("table").count() >= charts
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways at {width} px by {overflow}"
        screenshot(page, f"dashboard-{name}-{width}")
