"""A pilot user rates a week in Chromium: from the e-mailed link to the thank-you page.

On a phone (390x844) and a desktop (1280x900), with JavaScript (answers saved as given)
and without it (ordinary forms); reload keeps the answers; the network cut mid-answer
shows the unsaved state and saves once back; keyboard only; someone else's week is a 404.
axe-core (axe-playwright-python) runs on every participant page: no serious or critical
violation. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from pilot import signin
from pilot.models import QuestionnaireAnswer, Rating
from pilot.models.studies import QUESTIONNAIRE_ITEMS
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.factories import make_batch, make_recipes, recommend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LINK = re.compile(r"https?://\S+/signin/[^/\s]+/")
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
AXE = Axe()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation (WCAG 2.1 A/AA and best practice)."""
    results = AXE.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in bad
    )


@pytest.fixture
def week(study, participant, other_participant):
    recipes = make_recipes(5)
    batch = make_batch(study, 49)
    mine = recommend(batch, participant, recipes[:4], history=["R0004", "R0003"])
    recommend(batch, other_participant, recipes[4:])
    return batch, mine


def context_for(browser, base_url, size, *, javascript=True):
    return browser.new_context(
        viewport=SIZES[size],
        is_mobile=size == "phone",
        has_touch=size == "phone",
        base_url=base_url,
        java_script_enabled=javascript,
    )


def sign_in_from_email(page, live_server, settings, participant, batch) -> None:
    """E-mail a link (as the weekly send does), open it, press the button."""
    settings.SITE_URL = live_server.url
    signin.send_signin_email(participant, reverse("my-batch", args=[batch.pk]))
    url = LINK.findall(mail.outbox[-1].body)[0]
    page.goto(url)
    page.get_by_role("button", name="Continue to my recipes").click()
    expect(page.get_by_role("heading", name="Week 49, 2026", level=1)).to_be_visible()


def card(page, rec):
    return page.locator(f"#rec-{rec.pk}")


def rate_with_clicks(page, rec, stars: int, cook: str) -> None:
    box = card(page, rec)
    box.locator(f"label[for='stars-{rec.pk}-{stars}']").click()
    box.get_by_text(cook.capitalize(), exact=True).click()


def answer_questionnaire(page, value: int) -> None:
    expect(page.get_by_role("heading", name="About this week's recipes")).to_be_visible()
    for name, _ in QUESTIONNAIRE_ITEMS:
        page.locator(f"label[for='{name}-{value}']").click()
    page.get_by_label("Anything else about this week's recipes?").fill("More <b>soups</b>")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_whole_journey_with_javascript(browser, live_server, settings, participant, week, size):
    batch, recs = week
    context = context_for(browser, live_server.url, size)
    page = context.new_page()
    sign_in_from_email(page, live_server, settings, participant, batch)
    expect(page.get_by_text("0 of 4 rated")).to_be_visible()
    expect(card(page, recs[0]).get_by_text("explain only part of this match")).to_be_visible()
    expect(page.get_by_role("button", name="Save rating")).to_have_count(0)  # saved as given
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, f"week-{size}-start")

    # Stars alone are not a rating yet: the card says what is missing.
    box = card(page, recs[0])
    box.locator(f"label[for='stars-{recs[0].pk}-4']").click()
    expect(box.locator(".save-state")).to_have_text("Say whether you would cook it to save this.")
    box.get_by_text("Yes", exact=True).click()
    expect(box.locator(".save-state")).to_have_text("Saved")
    expect(page.get_by_text("1 of 4 rated")).to_be_visible()
    # A comment is saved after a pause in typing; then the other cards.
    box.get_by_label("Comment (optional)").fill("Lovely, <i>quick</i>")
    expect(box.locator(".save-state")).to_have_text("Saved")
    for rec, stars, cook in zip(recs[1:], (2, 5, 3), ("no", "yes", "maybe"), strict=True):
        rate_with_clicks(page, rec, stars, cook)
        expect(card(page, rec).locator(".save-state")).to_have_text("Saved")
    expect(page.get_by_text("4 of 4 rated")).to_be_visible()
    shot(page, f"week-{size}-rated")
    assert sorted(Rating.objects.values_list("stars", flat=True)) == [2, 3, 4, 5]
    assert Rating.objects.get(recommendation=recs[0]).comment == "Lovely, <i>quick</i>"

    # Reload: the answers are still there (from the database).
    page.reload()
    expect(page.locator(f"#stars-{recs[0].pk}-4")).to_be_checked()
    expect(page.locator(f"#cook-{recs[1].pk}-no")).to_be_checked()
    expect(card(page, recs[0]).get_by_label("Comment (optional)")).to_have_value(
        "Lovely, <i>quick</i>"
    )
    expect(page.get_by_text("4 of 4 rated")).to_be_visible()

    # Change of mind: the last answer wins, still one row.
    rate_with_clicks(page, recs[1], 3, "maybe")
    expect(card(page, recs[1]).locator(".save-state")).to_have_text("Saved")
    assert Rating.objects.filter(recommendation=recs[1]).values_list(
        "stars", "would_cook"
    ).get() == (3, "maybe")
    assert Rating.objects.count() == 4

    page.get_by_role("link", name="Go to the questionnaire").click()
    assert_accessible(page)
    answer_questionnaire(page, 4)
    shot(page, f"questionnaire-{size}")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_text("4 of 4 recipes rated")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    shot(page, f"thanks-{size}")
    answer = QuestionnaireAnswer.objects.get()
    assert answer.accuracy == 4 and answer.free_text == "More <b>soups</b>"

    page.get_by_role("link", name="My weeks").first.click()
    expect(page.get_by_text("4 of 4 rated")).to_be_visible()
    assert_accessible(page)
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_whole_journey_without_javascript(
    browser, live_server, settings, participant, week, size
):
    batch, recs = week
    context = context_for(browser, live_server.url, size, javascript=False)
    page = context.new_page()
    sign_in_from_email(page, live_server, settings, participant, batch)
    assert_no_horizontal_scroll(page)

    # A form without stars comes back with the message by the field, the rest kept.
    box = card(page, recs[0])
    box.get_by_text("Maybe", exact=True).click()
    box.get_by_label("Comment (optional)").fill("Kept")
    box.get_by_role("button", name="Save rating").click()
    box = card(page, recs[0])
    expect(box.locator(f"#err-stars-{recs[0].pk}")).to_have_text("Choose stars from 1 to 5.")
    expect(box.locator(f"#cook-{recs[0].pk}-maybe")).to_be_checked()
    expect(box.get_by_label("Comment (optional)")).to_have_value("Kept")
    shot(page, f"nojs-{size}-error")
    assert not Rating.objects.exists()

    for rec, stars in zip(recs, (5, 4, 3, 1), strict=True):
        box = card(page, rec)
        box.locator(f"label[for='stars-{rec.pk}-{stars}']").click()
        box.get_by_text("Yes", exact=True).click()
        box.get_by_role("button", name="Save rating").click()
        expect(page.get_by_text(f"Saved your rating of {rec.recipe.title}.")).to_be_visible()
    expect(page.get_by_text("4 of 4 rated")).to_be_visible()
    assert sorted(Rating.objects.values_list("stars", flat=True)) == [1, 3, 4, 5]
    page.reload()
    expect(page.locator(f"#stars-{recs[0].pk}-5")).to_be_checked()
    expect(card(page, recs[0]).locator(".save-state")).to_have_text("Saved")

    page.get_by_role("link", name="Go to the questionnaire").click()
    answer_questionnaire(page, 2)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    shot(page, f"nojs-{size}-thanks")
    assert QuestionnaireAnswer.objects.get().trust == 2
    context.close()


def test_a_network_cut_shows_unsaved_and_saves_once_back(browser, live_server, participant, week):
    batch, recs = week
    context = context_for(browser, live_server.url, "phone")
    page = context.new_page()
    context.add_cookies(session_cookie(live_server, participant))
    page.goto(reverse("my-batch", args=[batch.pk]))
    rate_with_clicks(page, recs[0], 5, "yes")
    expect(card(page, recs[0]).locator(".save-state")).to_have_text("Saved")

    context.set_offline(True)
    rate_with_clicks(page, recs[1], 2, "no")
    state = card(page, recs[1]).locator(".save-state")
    expect(state).to_have_text(re.compile("Not saved: no connection"))
    expect(state).to_have_attribute("data-state", "unsaved")
    shot(page, "offline-unsaved")
    assert not Rating.objects.filter(recommendation=recs[1]).exists()
    # The answer waits in localStorage, so a closed tab would not lose it either.
    kept = page.evaluate(f"localStorage.getItem('recipe-pilot:rating:{recs[1].pk}')")
    assert '"stars":"2"' in kept

    context.set_offline(False)
    expect(state).to_have_text("Saved", timeout=15000)
    assert Rating.objects.filter(recommendation=recs[1]).values_list("stars", flat=True).get() == 2
    assert page.evaluate(f"localStorage.getItem('recipe-pilot:rating:{recs[1].pk}')") is None
    assert Rating.objects.count() == 2
    context.close()


def test_an_answer_left_unsent_is_sent_on_the_next_visit(browser, live_server, participant, week):
    batch, recs = week
    context = context_for(browser, live_server.url, "phone")
    context.add_cookies(session_cookie(live_server, participant))
    page = context.new_page()
    page.goto(reverse("my-batch", args=[batch.pk]))
    context.set_offline(True)
    rate_with_clicks(page, recs[2], 4, "maybe")
    expect(card(page, recs[2]).locator(".save-state")).to_have_attribute("data-state", "unsaved")
    page.close()  # the tab is closed while offline
    context.set_offline(False)
    page = context.new_page()
    page.goto(reverse("my-batch", args=[batch.pk]))
    expect(card(page, recs[2]).locator(".save-state")).to_have_text("Saved")
    assert Rating.objects.get().would_cook == "maybe"
    context.close()


def test_it_can_be_rated_with_the_keyboard_alone(browser, live_server, participant, week):
    batch, recs = week
    context = context_for(browser, live_server.url, "desktop")
    context.add_cookies(session_cookie(live_server, participant))
    page = context.new_page()
    page.goto(reverse("my-batch", args=[batch.pk]))
    page.locator(f"#stars-{recs[0].pk}-1").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # 3 stars
    page.keyboard.press("Tab")  # to "Would you cook this?"
    page.keyboard.press("Space")  # yes
    expect(card(page, recs[0]).locator(".save-state")).to_have_text("Saved")
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"cook-{recs[0].pk}-yes"
    outline = page.evaluate(
        f"getComputedStyle(document.querySelector(\"label[for='cook-{recs[0].pk}-yes']\")).outlineStyle"
    )
    assert outline == "solid"  # the focus is visible
    assert Rating.objects.values_list("stars", "would_cook").get() == (3, "yes")
    context.close()


def test_a_closed_week_is_read_only_and_accessible(browser, live_server, participant, week):
    batch, recs = week
    Rating.objects.create(recommendation=recs[0], stars=4, would_cook="yes", comment="Good")
    batch.status = "closed"
    batch.save()
    context = context_for(browser, live_server.url, "phone")
    context.add_cookies(session_cookie(live_server, participant))
    page = context.new_page()
    page.goto(reverse("my-batch", args=[batch.pk]))
    expect(page.get_by_text("this week is closed")).to_be_visible()
    expect(page.locator("form.rate-form")).to_have_count(0)
    expect(page.get_by_text("4 of 5 stars · would cook it: yes")).to_be_visible()
    assert_accessible(page)
    shot(page, "closed-week-phone")
    page.goto(reverse("my-questionnaire", args=[batch.pk]))
    expect(page.get_by_text("did not answer the questionnaire")).to_be_visible()
    assert_accessible(page)
    context.close()


def test_someone_elses_week_is_a_404_and_signed_out_goes_to_a_new_link(
    browser, live_server, participant, other_participant, study
):
    theirs = make_batch(study, 50)
    recommend(theirs, other_participant, make_recipes(1, start=7))
    context = context_for(browser, live_server.url, "phone")
    page = context.new_page()
    page.goto(reverse("my-batch", args=[theirs.pk]))
    expect(page).to_have_url(re.compile(r"/signin/\?next="))
    expect(page.get_by_text("You are signed out")).to_be_visible()
    expect(page.get_by_label("Your e-mail address")).to_be_visible()
    assert_accessible(page)
    context.add_cookies(session_cookie(live_server, participant))
    response = page.goto(reverse("my-batch", args=[theirs.pk]))
    assert response.status == 404
    context.close()


def session_cookie(live_server, participant) -> list[dict]:
    """A signed-in session for ``participant`` (the e-mailed-link journey is tested above)."""
    from django.conf import settings as django_settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(participant.user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = participant.user.get_session_auth_hash()
    session.save()
    return [
        {
            "name": django_settings.SESSION_COOKIE_NAME,
            "value": session.session_key,
            "url": live_server.url,
        }
    ]


def test_two_tabs_and_a_double_click_leave_one_rating_with_the_last_answer(
    browser, live_server, participant, week
):
    batch, recs = week
    context = context_for(browser, live_server.url, "desktop")
    context.add_cookies(session_cookie(live_server, participant))
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto(reverse("my-batch", args=[batch.pk]))
    rate_with_clicks(first, recs[0], 3, "maybe")
    expect(card(first, recs[0]).locator(".save-state")).to_have_text("Saved")
    label = card(second, recs[0]).locator(f"label[for='stars-{recs[0].pk}-5']")
    card(second, recs[0]).get_by_text("Yes", exact=True).click()
    label.dblclick()
    expect(card(second, recs[0]).locator(".save-state")).to_have_text("Saved")
    assert Rating.objects.values_list("stars", "would_cook").get() == (5, "yes")
    first.reload()
    expect(first.locator(f"#stars-{recs[0].pk}-5")).to_be_checked()
    context.close()
