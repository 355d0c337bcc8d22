"""Each role reaches its pages and not the others' (docs/roles.md)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from pilot.access import ANALYST_GROUP, STAFF_GROUP
from pilot.roles import ensure_groups
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ROLE_PAGES = ["staff-home", "dashboard-home", "my-weeks"]


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.mark.parametrize("name", ["staff-home", "dashboard-home"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse(name)}"


def test_it_sends_anonymous_visitors_of_pilot_pages_to_the_new_link_page(client):
    response = client.get(reverse("my-weeks"))
    assert response.status_code == 302
    assert response.url == f"{reverse('signin-request')}?next=%2Fme%2F"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("staff_user", {"staff-home", "dashboard-home"}),
        ("analyst_user", {"dashboard-home"}),
        ("participant", {"my-weeks"}),
    ],
)
def test_it_lets_each_role_reach_its_pages_only(request, as_user, role, allowed):
    who = request.getfixturevalue(role)
    client = as_user(getattr(who, "user", who))
    for name in ROLE_PAGES:
        expected = 200 if name in allowed else 403
        assert client.get(reverse(name)).status_code == expected, (role, name)


@pytest.mark.parametrize(
    ("role", "destination"),
    [
        ("staff_user", "staff-home"),
        ("analyst_user", "dashboard-home"),
        ("participant", "my-weeks"),
    ],
)
def test_it_sends_each_role_home_to_its_place(request, as_user, role, destination):
    who = request.getfixturevalue(role)
    response = as_user(getattr(who, "user", who)).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(destination)


def test_it_shows_the_landing_page_to_anonymous_visitors(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("login").encode() in response.content
    assert reverse("signin-request").encode() in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_it_tells_a_user_without_a_role_so(as_user, db):
    response = as_user(make_user("nobody")).get(reverse("home"))
    assert response.status_code == 200
    assert b"no role in the pilot yet" in response.content


def test_it_keeps_analysts_and_pilot_users_out_of_the_admin(as_user, analyst_user):
    response = as_user(analyst_user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_it_shows_each_role_its_navigation(as_user, staff_user, analyst_user, participant):
    staff_page = as_user(staff_user).get(reverse("staff-home")).content.decode()
    assert reverse("admin:index") in staff_page
    assert reverse("dashboard-home") in staff_page
    staff_nav = staff_page.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{reverse("data-home")}">Data</a>' in staff_nav
    assert reverse("my-weeks") not in staff_page

    analyst_page = as_user(analyst_user).get(reverse("dashboard-home")).content.decode()
    assert reverse("staff-home") not in analyst_page
    assert reverse("data-home") not in analyst_page
    assert reverse("admin:index") not in analyst_page

    pilot_page = as_user(participant.user).get(reverse("my-weeks")).content.decode()
    assert reverse("my-weeks") in pilot_page
    assert reverse("dashboard-home") not in pilot_page
    assert reverse("staff-home") not in pilot_page


def test_it_shows_staff_that_jobs_run_inline(as_user, staff_user, participant, settings):
    settings.JOBS_INLINE = True
    page = as_user(staff_user).get(reverse("staff-home")).content.decode()
    assert "No Redis configured: jobs run in the web process" in page
    assert "jobs run in-process</span>" in page
    pilot_page = as_user(participant.user).get(reverse("my-weeks")).content.decode()
    assert "jobs run in-process" not in pilot_page


def test_it_shows_staff_the_queue_when_redis_is_configured(as_user, staff_user, settings):
    settings.JOBS_INLINE = False
    page = as_user(staff_user).get(reverse("staff-home")).content.decode()
    assert "jobs run in-process" not in page
    assert reverse("django_rq:home") in page


def test_it_counts_what_is_in_the_database_for_staff(as_user, staff_user, participant):
    response = as_user(staff_user).get(reverse("staff-home"))
    counts = dict(response.context["counts"])
    assert counts["Studies"] == 1
    assert counts["Participants"] == 1
    assert counts["Model versions"] == 1
    assert counts["Recipes"] == 0


def test_it_says_where_each_study_stands_for_analysts(
    as_user, analyst_user, participant, other_participant
):
    response = as_user(analyst_user).get(reverse("dashboard-home"))
    (study,) = response.context["studies"]
    assert study.lines[0] == "No week generated yet."
    assert b"Spring pilot" in response.content


def test_it_signs_staff_in_with_a_password(client, staff_user):
    response = client.post(reverse("login"), {"username": "stella", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get(reverse("staff-home")).status_code == 200


def test_it_refuses_an_outside_next_url_at_login(client, staff_user):
    response = client.post(
        f"{reverse('login')}?next=https://evil.example/",
        {"username": "stella", "password": "pw-for-tests-1"},
    )
    assert response.url == reverse("home")


def test_it_signs_out_on_post_only(as_user, staff_user):
    client = as_user(staff_user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("staff-home")).status_code == 302


def test_it_creates_the_groups_on_migrate_with_their_permissions(db):
    # The test database was built by `migrate`, whose post_migrate signal ran ensure_groups.
    staff = Group.objects.get(name=STAFF_GROUP)
    analyst = Group.objects.get(name=ANALYST_GROUP)
    staff_perms = set(staff.permissions.values_list("codename", flat=True))
    analyst_perms = set(analyst.permissions.values_list("codename", flat=True))
    assert {"add_study", "change_batch", "view_rating"} <= staff_perms
    assert "view_study" in analyst_perms
    assert not {p for p in analyst_perms if not p.startswith("view_")}
    assert not {"change_user", "add_group"} & staff_perms


def test_it_creates_the_groups_idempotently(db):
    Group.objects.all().delete()
    ensure_groups()
    ensure_groups()
    assert sorted(Group.objects.values_list("name", flat=True)) == ["analyst", "staff"]


def test_it_shows_refusals_and_missing_pages_inside_the_site_layout(client, analyst_user):
    client.force_login(analyst_user)
    refused = client.get(reverse("staff-home"))
    assert refused.status_code == 403
    assert b"not for your role" in refused.content
    assert b'name="viewport"' in refused.content
    missing = client.get("/me/weeks/999999/")
    assert missing.status_code in (403, 404)
    assert b"Back to the start page" in missing.content
