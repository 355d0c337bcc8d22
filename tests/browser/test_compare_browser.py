"""'What if we add one column?' in a real Chromium: from a version's page to the comparison."""

import pytest
from playwright.sync_api import expect

from pilot import training
from pilot.models import Comparison, ModelVersion
from tests.browser.conftest import SHOTS_DIR, screenshot
from tests.browser.test_data_browser import sign_in
from tests.compare.conftest import SMALL_ALS, differs_in_exactly_one_feature
from tests.conftest import make_user
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_add_a_column_from_the_version_page_and_read_the_comparison(
    live_server, page, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    build_world(n_people=40, n_recipes=60, cold=4)
    parent = training.train_version(
        "als", params=SMALL_ALS, item_features=["cuisine"], seed=3, name="als-parent"
    )
    staff = make_user("stella-browser", groups=["staff"], is_staff=True)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, staff)

    page.goto(f"{live_server.url}/staff/versions/{parent.pk}/")
    page.get_by_label("Add the people column region").check()
    page.get_by_role("button", name="Train the variant and compare").click()

    # the job (training, then the comparison) runs within the request here (JOBS_SYNC)
    page.wait_for_url("**/staff/compare/*/", timeout=120_000)
    expect(page.locator("[data-verdict]")).to_contain_text(
        "als-parent+region adds the people column region to als-parent"
    )
    variant = ModelVersion.objects.get(name="als-parent+region")
    differs_in_exactly_one_feature(parent, variant, "user:region")
    comparison = Comparison.objects.get()
    expect(page.locator("[data-verdict]")).to_have_text(comparison.sentence)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    assert page.locator(".js-plotly-plot").count() == 3
    first = comparison.result["most_changed"][0]
    expect(page.get_by_text(first["person"]).first).to_be_visible()
    screenshot(page, "compare-variant")
    page.set_viewport_size({"width": 1366, "height": 1400})
    page.locator("#deltas").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS_DIR}/compare-variant-top.png")
    page.locator("#most-changed").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS_DIR}/compare-variant-people.png")
    assert not errors, errors
