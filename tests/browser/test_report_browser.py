"""The client report in a real Chromium, from file:// with the network off: charts drawn,
nothing fetched, no console error; and it prints to an A4 PDF."""

import pytest
from playwright.sync_api import expect

from pilot.report import write_report
from tests.browser.conftest import screenshot
from tests.browser.test_data_browser import sign_in
from tests.conftest import make_user
from tests.dashboard.conftest import fresh_cache, rated_study, study, versions, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_it_draws_its_charts_offline_from_a_file(browser, rated_study, tmp_path):  # noqa: F811
    path = write_report(rated_study, tmp_path / "report.html")
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
    asked, failed, problems = [], [], []

    def route(route):  # every request the page makes: only the file itself may load
        asked.append(route.request.url)
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    figures = page.locator("[data-plotly-figure]").count()
    assert figures >= 8
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=figures
    )
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('[data-plotly-figure]')]"
        ".filter(b => b.querySelector('svg.main-svg .cartesianlayer')).length"
    )
    assert drawn == figures  # every figure, with its plot area
    assert (
        page.locator(
            ".js-plotly-plot .scatterlayer .trace, .js-plotly-plot .barlayer .trace"
        ).count()
        > 0
    )
    assert asked == [path.as_uri()] and failed == [] and problems == []
    screenshot(page, "report-1200")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert problems == []
    context.close()


@pytest.mark.django_db(transaction=True)
def test_an_analyst_downloads_it_from_the_dashboard(
    live_server,
    page,
    rated_study,  # noqa: F811
    settings,
    tmp_path,
):
    settings.VAR_DIR = tmp_path / "var"
    sign_in(page, live_server.url, make_user("ana-report-browser", groups=["analyst"]))
    page.goto(f"{live_server.url}/dashboard/{rated_study.key}/how-many/")
    page.get_by_role("button", name="Download report").click()
    expect(page.get_by_text("Ready: one HTML file")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download report").click()
    download = info.value
    assert download.suggested_filename.startswith(f"{rated_study.key}-report-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    screenshot(page, "report-ready")
