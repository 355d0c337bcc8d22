"""The pilot-test page in a real Chromium: pick a version, score it, see the chart drawn."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_data_browser import sign_in
from tests.conftest import make_user
from tests.pilot_test.conftest import fresh_cache, hand_study, hand_version, hand_world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1366])
def test_an_analyst_scores_a_version_from_the_dashboard(live_server, page, hand_study, width):  # noqa: F811
    analyst = make_user("ana-pilot-test", groups=["analyst"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, analyst)
    page.goto(f"{live_server.url}/dashboard/{hand_study.key}/")
    page.get_by_role("link", name="Score any model version on this pilot's ratings").click()
    expect(page.locator("#bias")).to_contain_text("Only recipes that the pilot's models chose")
    page.get_by_label("Model version").select_option(label="pop-hand")
    page.get_by_role("button", name="Score on this pilot").click()
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    expect(page.locator("#scores table")).to_contain_text("scored; served arm pop")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways at {width} px by {overflow}"
    screenshot(page, f"pilot-test-{width}")
