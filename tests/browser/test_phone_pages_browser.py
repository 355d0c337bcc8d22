"""Staff and analyst pages on a 390 px phone: nothing overflows, chart titles are whole,
wide tables say they scroll. Screenshots go to var/screenshots/ (see conftest.screenshot)."""

import pytest
from playwright.sync_api import expect

from pilot.ingest import import_extract
from pilot.models import Arm, ModelVersion
from tests.browser.conftest import assert_no_horizontal_scroll, screenshot
from tests.browser.test_data_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECIPES = "recipe_id,title,ingredients\nR1,Soup,leek|potato\nR2,Stew,beef|carrot\n"
INTERACTIONS = (
    "visitor_id,recipe_id,event,timestamp\n"
    + "".join(
        f"V{i % 7},R{1 + i % 2},{'view' if i % 3 else 'cook'},2026-01-{1 + i % 20:02d}T10:00:00Z\n"
        for i in range(60)
    )
    + "V1,R9,view,2026-01-03T10:00:00Z\nV1,,view,2026-01-03T11:00:00Z\n"
)


@pytest.fixture
def extract(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.IMPORT_MAX_REJECT_SHARE = 0.5
    (tmp_path / "recipes.csv").write_text(RECIPES)
    import_extract("recipes", tmp_path / "recipes.csv")
    name = "web-analytics-interactions-2026-01-export-with-a-rather-long-name.csv"
    (tmp_path / name).write_text(INTERACTIONS)
    return import_extract("interactions", tmp_path / name)


def _right_edges_inside(page, selector: str) -> list[str]:
    """Texts of the ``selector`` elements whose box ends right of the viewport."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter(el => el.getBoundingClientRect().right > window.visualViewport.width + 0.5
                          || el.scrollWidth > el.clientWidth + 1)
            .map(el => el.textContent.trim())""",
        selector,
    )


def test_the_extract_page_fits_a_phone(live_server, phone, staff_user, extract):
    sign_in(phone, live_server.url, staff_user)
    phone.goto(f"{live_server.url}/staff/data/extracts/{extract.pk}/")
    expect(phone.get_by_text(extract.checksum)).to_be_visible()
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "extract-phone")


def test_the_data_page_fits_a_phone_with_whole_chart_titles(
    live_server, phone, staff_user, extract
):
    sign_in(phone, live_server.url, staff_user)
    phone.goto(live_server.url + "/staff/data/")
    expect(phone.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    captions = phone.locator("figure.chart figcaption")
    expect(captions).to_have_count(3)
    expect(captions.first).to_contain_text("Interactions per day: 2026-01-01 to 2026-01-20")
    assert _right_edges_inside(phone, "figure.chart figcaption, .js-plotly-plot") == []
    assert_no_horizontal_scroll(phone)
    # Sub-headings keep their distance from the table or text above them.
    gaps = phone.evaluate(
        """() => [...document.querySelectorAll('.card h2 ~ h3:not(h2 + h3)')].map(
            h => h.getBoundingClientRect().top - h.previousElementSibling.getBoundingClientRect().bottom)"""
    )
    assert gaps and min(gaps) >= 12, gaps
    screenshot(phone, "data-page-phone")


def test_wide_tables_say_they_scroll_on_a_phone(live_server, phone, staff_user, study):
    version = ModelVersion.objects.create(name="als-2026-11-implicit-factors-64", algorithm="als")
    Arm.objects.create(study=study, name="als-with-side-features", model_version=version)
    sign_in(phone, live_server.url, staff_user)
    phone.goto(live_server.url + f"/staff/studies/{study.key}/")  # the arms table: 7 columns
    scroller = phone.locator(".table-scroll").first
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # the columns overflow
    hint = phone.locator(".table-scroll-hint").first
    expect(hint).to_be_visible()
    expect(hint).to_have_text("Swipe sideways to see every column.")
    assert_no_horizontal_scroll(phone)  # the table scrolls inside its box, not the page
    screenshot(phone, "study-arms-phone")

    # On a laptop the same table fits, and no hint shows.
    phone.set_viewport_size({"width": 1280, "height": 800})
    expect(hint).to_be_hidden()
