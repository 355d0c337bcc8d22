"""One-time sign-in links: valid, expired, reused, tampered, someone else's (docs/roles.md)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from pilot import signin
from pilot.models import SignInLink

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def path_of(url: str) -> str:
    return reverse("signin-link", args=[token_of(url)])


# --- the domain functions -------------------------------------------------------------


def test_it_creates_an_absolute_link_on_site_url(participant, settings):
    settings.SITE_URL = "https://pilot.example.org"
    url = signin.create_signin_link(participant.user)
    assert url.startswith("https://pilot.example.org/signin/")
    link = SignInLink.objects.get(user=participant.user)
    assert link.expires_at == NOW + timedelta(hours=settings.SIGNIN_LINK_MAX_AGE_HOURS)
    assert link.used_at is None
    assert link.nonce not in url  # the nonce travels only inside the signed token


def test_it_redeems_a_valid_link_once(participant):
    token = token_of(signin.create_signin_link(participant.user))
    link = signin.redeem(token)
    assert link.user == participant.user
    assert SignInLink.objects.get().used_at == NOW
    with pytest.raises(signin.LinkUsed):
        signin.redeem(token)


def test_it_refuses_a_link_older_than_the_max_age(participant, settings, frozen):
    settings.SIGNIN_LINK_MAX_AGE_HOURS = 2
    token = token_of(signin.create_signin_link(participant.user))
    frozen.shift(timedelta(hours=1, minutes=59))
    assert signin.check(token).user == participant.user
    frozen.shift(timedelta(minutes=2))
    with pytest.raises(signin.LinkExpired):
        signin.redeem(token)
    assert SignInLink.objects.get().used_at is None


def test_it_refuses_a_link_whose_row_has_expired(participant):
    token = token_of(signin.create_signin_link(participant.user))
    SignInLink.objects.update(expires_at=NOW - timedelta(seconds=1))
    with pytest.raises(signin.LinkExpired):
        signin.redeem(token)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: t[:10],  # cut short
        lambda t: "x" + t,  # payload changed
        lambda t: "not-a-token",
    ],
)
def test_it_refuses_a_tampered_link(participant, tamper):
    token = token_of(signin.create_signin_link(participant.user))
    with pytest.raises(signin.LinkInvalid):
        signin.redeem(tamper(token))
    assert SignInLink.objects.get().used_at is None


def test_it_refuses_a_token_signed_for_another_purpose(participant):
    signin.create_signin_link(participant.user)
    nonce = SignInLink.objects.get().nonce
    forged = signing.dumps({"n": nonce}, salt="another-salt")
    with pytest.raises(signin.LinkInvalid):
        signin.redeem(forged)


def test_it_refuses_an_authentic_token_naming_no_link(participant):
    forged = signing.dumps({"n": "no-such-nonce"}, salt=signin.SALT)
    with pytest.raises(signin.LinkInvalid):
        signin.redeem(forged)


def test_it_lets_only_one_of_two_racing_requests_win(participant, monkeypatch):
    token = token_of(signin.create_signin_link(participant.user))
    # Request B read the link (still unused) before request A used it up...
    stale = signin.check(token)
    signin.redeem(token)
    # ...then B tries to use it: the conditional UPDATE matches no row.
    monkeypatch.setattr(signin, "check", lambda _token: stale)
    with pytest.raises(signin.LinkUsed):
        signin.redeem(token)


def test_it_gives_no_links_to_staff_or_analysts(staff_user, analyst_user, participant):
    for user in (staff_user, analyst_user):
        with pytest.raises(signin.NotAPilotUser):
            signin.create_signin_link(user)
    participant.user.is_staff = True
    participant.user.save()
    with pytest.raises(signin.NotAPilotUser):
        signin.create_signin_link(participant.user)


def test_it_stops_a_link_of_a_user_who_became_staff(participant, staff_user):
    token = token_of(signin.create_signin_link(participant.user))
    participant.user.groups.add(*staff_user.groups.all())
    with pytest.raises(signin.LinkInvalid):
        signin.redeem(token)


def test_it_keeps_only_local_next_urls(participant):
    signin.create_signin_link(participant.user, next_url="https://evil.example/phish")
    signin.create_signin_link(participant.user, next_url="//evil.example/phish")
    signin.create_signin_link(participant.user, next_url="/me/weeks/3/")
    assert sorted(SignInLink.objects.values_list("next_url", flat=True)) == ["", "", "/me/weeks/3/"]


def test_it_emails_a_link_in_text_and_html(participant):
    url = signin.send_signin_email(participant)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["p-C001@example.org"]
    assert "Spring pilot" in message.subject
    assert "\n" not in message.subject
    assert url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert url in html
    assert signin.redeem(token_of(url)).user == participant.user


def test_it_falls_back_to_the_crm_address(participant):
    participant.user.email = ""
    participant.user.save()
    signin.send_signin_email(participant.user)
    assert mail.outbox[0].to == ["C001@example.org"]


def test_it_sends_a_requested_link_to_a_known_address_only(participant, staff_user):
    assert signin.request_link("P-c001@Example.org ") == 1
    assert signin.request_link("C001@example.org") == 1  # the CRM address works too
    assert signin.request_link("nobody@example.org") == 0
    assert signin.request_link(staff_user.email) == 0
    assert [m.to for m in mail.outbox] == [["p-C001@example.org"], ["p-C001@example.org"]]


def test_it_rate_limits_links_per_address(participant, frozen):
    sent = [signin.request_link("p-C001@example.org") for _ in range(5)]
    assert sent == [1, 1, 1, 0, 0]
    frozen.shift(signin.RATE_WINDOW + timedelta(seconds=1))
    assert signin.request_link("p-C001@example.org") == 1


def test_it_renews_a_used_link_for_its_owner_only(participant):
    token = token_of(signin.create_signin_link(participant.user))
    signin.redeem(token)
    assert signin.renew(token) == 1
    assert mail.outbox[0].to == ["p-C001@example.org"]
    assert signin.renew(token[:-2]) == 0


# --- the pages ------------------------------------------------------------------------


def test_it_shows_a_confirm_page_and_leaves_the_link_unused_on_get(client, participant):
    path = path_of(signin.create_signin_link(participant.user))
    response = client.get(path)
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert response["Cache-Control"].startswith("max-age=0")
    assert SignInLink.objects.get().used_at is None
    assert SESSION_KEY not in client.session
    client.get(path)  # a mail scanner fetching it again changes nothing
    assert SignInLink.objects.get().used_at is None


def test_it_greets_a_first_time_user_with_welcome_and_a_returning_one_with_welcome_back(
    client, participant
):
    first = client.get(path_of(signin.create_signin_link(participant.user)))
    assert b"<h1>Welcome</h1>" in first.content
    client.post(path_of(signin.create_signin_link(participant.user)))  # signs in once
    client.logout()
    again = client.get(path_of(signin.create_signin_link(participant.user)))
    assert b"<h1>Welcome back</h1>" in again.content


def test_it_sends_a_get_of_the_renew_address_to_the_link_form(client):
    response = client.get(reverse("signin-renew"))
    assert response.status_code == 302
    assert response.url == reverse("signin-request")


def test_it_signs_in_on_post_and_redirects(client, participant):
    path = path_of(signin.create_signin_link(participant.user))
    response = client.post(path)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(participant.user.pk)
    assert client.get(reverse("my-weeks")).status_code == 200


def test_it_redirects_to_the_links_next_url(client, participant):
    url = signin.create_signin_link(participant.user, next_url="/me/weeks/42/")
    response = client.post(path_of(url))
    assert response.url == "/me/weeks/42/"


def test_it_shows_a_friendly_page_for_a_reused_link(client, participant):
    path = path_of(signin.create_signin_link(participant.user))
    client.post(path)
    other_browser = Client()
    for response in (other_browser.get(path), other_browser.post(path)):
        assert response.status_code == 410
        assert b"already been used" in response.content
        assert reverse("signin-renew").encode() in response.content
    assert SESSION_KEY not in other_browser.session


def test_it_shows_a_friendly_page_for_an_expired_link(client, participant, frozen):
    path = path_of(signin.create_signin_link(participant.user))
    frozen.shift(timedelta(days=30))
    response = client.post(path)
    assert response.status_code == 410
    assert b"has expired" in response.content
    assert SESSION_KEY not in client.session


def test_it_offers_the_address_form_for_a_tampered_link(client, participant):
    token = token_of(signin.create_signin_link(participant.user))
    response = client.post(reverse("signin-link", args=[token[:-3] + "abc"]))
    assert response.status_code == 400
    assert b"does not work" in response.content
    assert reverse("signin-request").encode() in response.content
    assert reverse("signin-renew").encode() not in response.content
    assert SESSION_KEY not in client.session


def test_it_signs_in_as_the_links_owner_not_as_someone_else(client, participant, other_participant):
    client.force_login(participant.user)
    path = path_of(signin.create_signin_link(other_participant.user))
    page = client.get(path)
    assert b"This link is for another account" in page.content
    assert client.session[SESSION_KEY] == str(participant.user.pk)  # nothing changed yet
    client.post(path)
    assert client.session[SESSION_KEY] == str(other_participant.user.pk)


def test_it_renews_from_the_friendly_page(client, participant, django_capture_on_commit_callbacks):
    token = token_of(signin.create_signin_link(participant.user))
    client.post(reverse("signin-link", args=[token]))
    with django_capture_on_commit_callbacks(execute=True):  # the job (inline without Redis)
        response = client.post(reverse("signin-renew"), {"token": token})
    assert response.url == reverse("signin-sent")
    assert len(mail.outbox) == 1
    new_url = re.search(r"http\S+/signin/\S+/", mail.outbox[0].body).group(0)
    assert Client().post(path_of(new_url)).status_code == 302


def test_it_answers_the_same_for_known_and_unknown_addresses(
    client, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the job (inline without Redis)
        known = client.post(reverse("signin-request"), {"email": "p-C001@example.org"}, follow=True)
        unknown = client.post(reverse("signin-request"), {"email": "who@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("signin-sent"), 302)]
    assert known.content == unknown.content
    assert len(mail.outbox) == 1


def test_it_rejects_a_malformed_address(client, participant):
    response = client.post(reverse("signin-request"), {"email": "not an address"})
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
    assert mail.outbox == []


def test_it_needs_a_csrf_token_to_sign_in(participant):
    browser = Client(enforce_csrf_checks=True)
    path = path_of(signin.create_signin_link(participant.user))
    assert browser.post(path).status_code == 403
    assert SignInLink.objects.get().used_at is None
    page = browser.get(path)
    token = page.context["csrf_token"]
    assert browser.post(path, {"csrfmiddlewaretoken": str(token)}).status_code == 302
