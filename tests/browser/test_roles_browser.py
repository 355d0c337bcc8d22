"""Staff and analysts sign in with a password; each role reaches its own home, and no more."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-1"  # the one tests/conftest.py's make_user gives every user


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page, base_url: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_role("link", name="Staff sign-in")).to_be_visible()


def test_staff_user_signs_in_reaches_staff_home_and_signs_out(live_server, page, staff_user):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, staff_user.username)

    expect(page).to_have_url(live_server.url + "/staff/")
    expect(page.get_by_role("heading", name="Staff", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="In the database")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Admin")).to_be_visible()
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    screenshot(page, "staff-home-laptop")

    sign_out(page, live_server.url)
    response = page.goto(live_server.url + "/staff/")
    assert response.status == 200
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/staff/")


def test_wrong_password_is_refused(live_server, page, staff_user):
    sign_in(page, live_server.url, staff_user.username, password="not-the-password")
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    assert page.goto(live_server.url + "/staff/").url.endswith("/accounts/login/?next=/staff/")


def test_analyst_reaches_the_dashboard_but_not_staff_home(live_server, page, analyst_user, study):
    sign_in(page, live_server.url, analyst_user.username)

    expect(page).to_have_url(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", name="Studies", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=study.name)).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Staff")).to_have_count(0)
    expect(nav.get_by_role("link", name="Admin")).to_have_count(0)

    response = page.goto(live_server.url + "/staff/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="In the database")).to_have_count(0)

    # Signing out takes a POST: a plain GET of /logout/ is refused and keeps the session.
    # (page.request shares the browser's cookies; an empty 405 body is no page to navigate to).
    assert page.request.get(live_server.url + "/accounts/logout/").status == 405
    assert page.goto(live_server.url + "/dashboard/").status == 200
    sign_out(page, live_server.url)
    page.goto(live_server.url + "/dashboard/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/dashboard/")


def test_a_user_without_a_role_is_told_to_ask_the_pilot_team(live_server, page):
    make_user("nobody")
    sign_in(page, live_server.url, "nobody")

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_text("this account has no role in the pilot yet")).to_be_visible()
    assert page.goto(live_server.url + "/staff/").status == 403
    assert page.goto(live_server.url + "/dashboard/").status == 403
    assert page.goto(live_server.url + "/me/").status == 403
