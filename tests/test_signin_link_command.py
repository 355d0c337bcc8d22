"""manage.py signin_link EMAIL [--week 2026-W49]."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from pilot import signin
from pilot.models import Batch, SignInLink
from tests.factories import make_batch, make_recipes, recommend

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("signin_link", *args, stdout=out)
    return out.getvalue().strip()


def token(url: str) -> str:
    return re.search(r"/signin/([^/]+)/$", url).group(1)


@pytest.fixture
def weeks(study, participant):
    recipes = make_recipes(2)
    old = make_batch(study, 47, Batch.Status.CLOSED)
    new = make_batch(study, 49)
    recommend(old, participant, recipes[:1])
    recommend(new, participant, recipes[1:])
    return old, new


def test_it_prints_a_fresh_link_to_the_newest_open_week(settings, participant, weeks):
    url = run(participant.person.email.upper())
    assert url.startswith(settings.SITE_URL + "/signin/")
    link = signin.check(token(url))
    assert link.user == participant.user
    assert link.next_url == reverse("my-batch", args=[weeks[1].pk])
    assert run(participant.user.email) != url  # a new link each time
    assert SignInLink.objects.count() == 2


def test_it_opens_the_week_asked_for(participant, weeks):
    url = run(participant.user.email, "--week", "2026-W47")
    assert signin.check(token(url)).next_url == reverse("my-batch", args=[weeks[0].pk])


def test_it_lands_on_my_weeks_when_nothing_was_sent(participant):
    url = run(participant.user.email)
    assert signin.check(token(url)).next_url == reverse("my-weeks")


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("49", "must look like 2026-W49"),
        ("2026-W60", "must look like"),
        ("2026-W50", "no sent week 2026-W50"),
    ],
)
def test_it_refuses_a_bad_or_unknown_week(participant, weeks, week, message):
    with pytest.raises(CommandError, match=message):
        run(participant.user.email, "--week", week)
    assert not SignInLink.objects.exists()


def test_it_refuses_an_unknown_address_and_staff(staff_user):
    with pytest.raises(CommandError, match="No pilot user has the e-mail address"):
        run("nobody@example.org")
    with pytest.raises(CommandError, match="not a pilot user"):
        run(staff_user.email)
    assert not SignInLink.objects.exists()
