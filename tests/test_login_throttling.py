"""Password logins are throttled per username and address; the lockout ends by itself."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def attempt(client, path, username, password):
    return client.post(path, {"username": username, "password": password})


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_it_locks_out_after_five_wrong_passwords_and_lets_in_after_the_pause(
    path, staff_user, settings, frozen
):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, path, staff_user.username, "wrong").status_code == 200
    locked = attempt(client, path, staff_user.username, "wrong")
    assert locked.status_code == 429
    assert b"Too many wrong passwords" in locked.content
    assert b"Wait 15 minutes without trying" in locked.content

    # Even the right password is refused during the pause...
    right = attempt(client, path, staff_user.username, PASSWORD)
    assert right.status_code == 429 and SESSION_KEY not in client.session
    # ...which ends by itself.
    frozen.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
    assert attempt(client, path, staff_user.username, PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(staff_user.pk)


def test_it_locks_only_that_username_from_that_address(staff_user, analyst_user, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(attacker, "/accounts/login/", staff_user.username, "wrong")
    assert attempt(attacker, "/accounts/login/", staff_user.username, PASSWORD).status_code == 429
    # The same user from their own address, and another user from the attacker's, still work.
    office = Client(REMOTE_ADDR="198.51.100.7")
    assert attempt(office, "/accounts/login/", staff_user.username, PASSWORD).status_code == 302
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert attempt(other, "/accounts/login/", analyst_user.username, PASSWORD).status_code == 302


def test_it_forgets_wrong_passwords_after_a_successful_login(staff_user, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "/accounts/login/", staff_user.username, "wrong")
    assert attempt(client, "/accounts/login/", staff_user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "/accounts/login/", staff_user.username, "wrong").status_code == 200
