"""The client report in a real Chromium, from file:// with the network off: charts drawn,
nothing fetched, no console error; and it prints to an A4 PDF."""

import pytest

from pilot.report import write_report
from tests.browser.conftest import screenshot
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
