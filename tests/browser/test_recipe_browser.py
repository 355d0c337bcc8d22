"""The recipe page in a real Chromium: found by the dashboard's search box, chart drawn."""

import pytest
from playwright.sync_api import expect

from pilot.batches import Week, generate, get_batch
from tests.browser.conftest import screenshot
from tests.browser.test_data_browser import sign_in
from tests.conftest import make_user
from tests.dashboard.conftest import fresh_cache, study, versions, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1366])
def test_an_analyst_finds_a_recipe_and_reads_why(live_server, page, study, width):  # noqa: F811
    generate(get_batch(study, Week(2026, 49)))
    analyst = make_user("ana-recipe", groups=["analyst"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, analyst)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_label("Find a recipe").fill("R-0005")
    page.get_by_role("button", name="Search").click()
    page.locator("a.recipe-link").first.click()
    expect(page.locator("h1")).to_have_text("Thai dish 5")
    expect(page.locator("#summary")).to_contain_text("ecommended")
    expect(page.locator("#interactions .js-plotly-plot .main-svg").first).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the recipe page scrolls sideways at {width} px by {overflow}"
    screenshot(page, f"recipe-{width}")
