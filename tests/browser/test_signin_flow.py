"""A pilot user on a phone: e-mailed link -> confirm -> My weeks; the link works only once."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from pilot.models import Batch, Recipe, Recommendation, SignInLink
from tests.browser.conftest import assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/signin/[^/\s]+/")


@pytest.fixture
def sent_week(study, participant, other_participant):
    """A sent batch with two recipes for ``participant`` and two others for someone else."""
    titles = ["Lentil shepherd's pie", "Mushroom risotto", "Pork belly ramen", "Beef rendang"]
    recipes = [
        Recipe.objects.create(
            external_id=f"R{i}",
            title=title,
            description=f"{title}, step by step.",
            tags=["cuisine:british" if i == 0 else "cuisine:italian"],
            diet_labels=["vegetarian", "gluten_free"] if i < 2 else [],
            minutes=25 + 10 * i,
        )
        for i, title in enumerate(titles)
    ]
    batch = Batch.objects.create(study=study, iso_year=2026, iso_week=48, status=Batch.Status.SENT)
    for who, mine in ((participant, recipes[:2]), (other_participant, recipes[2:])):
        for rank, recipe in enumerate(mine, start=1):
            Recommendation.objects.create(
                batch=batch,
                participant=who,
                recipe=recipe,
                rank=rank,
                model_version=who.arm.model_version,
                explanation=f"Because you often cook {recipe.cuisine} dishes.",
            )
    return {"mine": titles[:2], "theirs": titles[2:]}


def only_link_in(message) -> str:
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    return links[0]


def test_pilot_user_signs_in_from_the_emailed_link_on_a_phone(
    live_server, settings, phone, participant, sent_week
):
    settings.SITE_URL = live_server.url  # the e-mailed link must point at this server
    address = participant.user.email  # where links go: the user's own address comes first

    # The landing page's form sends the link; the CRM address, in any case, finds the user.
    phone.goto(live_server.url + "/")
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("Your e-mail address").fill(participant.person.email.upper())
    phone.get_by_role("button", name="E-mail me a sign-in link").click()
    expect(phone.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[address]]
    url = only_link_in(mail.outbox[0])
    assert url.startswith(live_server.url + "/signin/")

    # Opening the link uses nothing up: it asks for a press of the button.
    response = phone.goto(url)
    assert response.status == 200
    expect(
        phone.get_by_role("heading", name="Welcome", exact=True)
    ).to_be_visible()  # a first visit
    assert SignInLink.objects.get().used_at is None
    assert_no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Continue to my recipes").click()

    # Home sends a pilot user to My weeks, with their own recipes and nobody else's.
    expect(phone).to_have_url(live_server.url + "/me/")
    expect(phone.get_by_role("heading", name="My weeks", level=1)).to_be_visible()
    expect(phone.get_by_text("You are signed in.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Week 48, 2026")).to_be_visible()
    items = phone.locator("ol.recipe-list li")
    expect(items).to_have_text(sent_week["mine"])
    body = phone.locator("body").inner_text()
    for title in sent_week["theirs"]:
        assert title not in body
    assert SignInLink.objects.get().used_at is not None
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "my-weeks-phone")

    # The week's own page shows the recipes in full, still without sideways scrolling.
    phone.get_by_role("link", name="Rate this week's recipes").click()
    expect(phone.get_by_role("heading", name="Week 48, 2026", level=1)).to_be_visible()
    expect(phone.locator(".recipe-title")).to_have_count(2)
    expect(phone.get_by_text("Because you often cook british dishes.")).to_be_visible()
    assert_no_horizontal_scroll(phone)

    # The same link again: the friendly "already used" page, offering a new link.
    response = phone.goto(url)
    assert response.status == 410
    expect(phone.get_by_role("heading", name="This link has already been used")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.get_by_role("button", name="E-mail me a new link").click()
    expect(phone.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[address], [address]]
    fresh = only_link_in(mail.outbox[1])
    assert fresh != url
    assert SignInLink.objects.filter(user=participant.user, used_at__isnull=True).count() == 1


def test_a_tampered_link_offers_the_address_form(live_server, settings, phone, participant):
    settings.SITE_URL = live_server.url
    phone.goto(live_server.url + "/")
    phone.get_by_label("Your e-mail address").fill(participant.user.email)
    phone.get_by_role("button", name="E-mail me a sign-in link").click()
    expect(phone.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    url = only_link_in(mail.outbox[0])

    response = phone.goto(url[:-6] + "xxxxx/")
    assert response.status == 400
    expect(phone.get_by_role("heading", name="This link does not work")).to_be_visible()
    expect(phone.get_by_role("button", name="E-mail me a new link")).to_have_count(0)
    expect(phone.get_by_label("Your e-mail address")).to_be_visible()
    assert_no_horizontal_scroll(phone)

    # The real link still works afterwards.
    phone.goto(url)
    phone.get_by_role("button", name="Continue to my recipes").click()
    expect(phone.get_by_role("heading", name="My weeks", level=1)).to_be_visible()
    expect(phone.get_by_text("No recipes yet.")).to_be_visible()
