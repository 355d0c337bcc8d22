"""Browser tests: a real Debian Chromium driven by Playwright against Django's live_server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (setting up data) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "The browser tests need Debian's Chromium at /usr/bin/chromium: "
            "run `make chromium` (apt-get install chromium).",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in ``page.goto`` go to Django's live server.

    Also replaces pytest-playwright's own ``base_url`` fixture, a method on a plugin object
    that pytest 9 warns about (PytestRemovedIn10Warning).
    """
    return live_server.url


@pytest.fixture
def phone(browser, base_url):
    """A phone-sized page (the pilot users' usual device)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, base_url=base_url
    )
    page = context.new_page()
    yield page
    context.close()


#: Where the screenshots go: ``var/screenshots/`` (git-ignored) unless PILOT_SHOTS_DIR says.
SHOTS_DIR = os.environ.get("PILOT_SHOTS_DIR") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "var",
    "screenshots",
)


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot to ``SHOTS_DIR/<name>.png`` (the phone ones end "-phone")."""
    os.makedirs(SHOTS_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS_DIR, f"{name}.png"), full_page=True)


def assert_no_horizontal_scroll(page) -> None:
    """The page is no wider than the viewport: nothing to scroll sideways on a phone.

    Compared with the viewport's own width, not ``window.innerWidth``: in a mobile context
    (``is_mobile=True``) Chromium widens the layout viewport, and so ``innerWidth``, to fit
    content that overflows, which would make ``scrollWidth <= innerWidth`` always true.
    """
    widths = page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            inner: window.innerWidth,
            client: document.documentElement.clientWidth,
        })"""
    )
    viewport = page.viewport_size["width"]
    assert widths["scroll"] <= min(viewport, widths["inner"], widths["client"]), (
        f"{page.url} scrolls sideways on a {viewport}px wide screen: {widths}"
    )
