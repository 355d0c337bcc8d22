"""Staff upload an extract, watch a running import's progress bar, read the Data page."""

import pytest
from playwright.sync_api import expect

from pilot.ingest.progress import write_progress
from pilot.models import Extract
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECIPES = "recipe_id,title,ingredients\nR1,Soup,leek|potato\nR2,Stew,beef|carrot\n"
INTERACTIONS = (
    "visitor_id,recipe_id,event,timestamp\n"
    "V1,R1,view,2026-01-01T10:00:00Z\nV1,R2,cook,2026-01-04T10:00:00Z\n"
)


def sign_in(page, base_url, user):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


def upload(page, base_url, kind, name, text):
    page.goto(base_url + "/staff/data/upload/")
    page.get_by_label("Kind of extract").select_option(kind)
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Import").click()


def test_staff_upload_extracts_and_see_the_data_page(live_server, page, staff_user, var_dir):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, staff_user)
    upload(page, live_server.url, "recipes", "recipes.csv", RECIPES)
    expect(page.get_by_role("heading", name="Recipes extract recipes.csv")).to_be_visible()
    expect(page.get_by_text("IMPORTED - 2 rows read, 2 imported, 0 rejected")).to_be_visible()
    upload(page, live_server.url, "interactions", "events.csv", INTERACTIONS)
    expect(page.get_by_text("IMPORTED - 2 rows read, 2 imported")).to_be_visible()

    page.goto(live_server.url + "/staff/data/")
    expect(page.get_by_text("2026-01-02 to 2026-01-03")).to_be_visible()  # the gap
    # plotly (served locally) drew the three charts
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    assert page.locator(".js-plotly-plot").count() == 3
    screenshot(page, "data-page-laptop")


def test_the_progress_bar_follows_a_running_import(live_server, page, staff_user, var_dir):
    extract = Extract.objects.create(kind="interactions", name="big.csv", status="running")
    write_progress(extract.pk, 37, "370,000 rows read")
    sign_in(page, live_server.url, staff_user)
    page.goto(f"{live_server.url}/staff/data/extracts/{extract.pk}/")
    expect(page.get_by_text("37% - 370,000 rows read")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "37")
    screenshot(page, "extract-progress")

    Extract.objects.filter(pk=extract.pk).update(
        status="imported", rows_read=10, rows_imported=10, progress=100
    )
    # the page polls the status endpoint, sees the import finished and reloads
    expect(page.get_by_text("IMPORTED - 10 rows read, 10 imported, 0 rejected")).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
