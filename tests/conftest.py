"""Shared fixtures: one user per role, and a small study with a participant.

Every view test can use ``staff_user``, ``analyst_user``, ``participant`` (with its
``.user``) and ``other_participant`` (someone else, for "someone else's object gives 404").
"""

import os

import pytest
from django.contrib.auth.models import Group, User
from hypothesis import settings as hypothesis_settings

from pilot.access import ANALYST_GROUP, STAFF_GROUP
from pilot.models import Arm, ModelVersion, Participant, Person, Study

# Property tests draw the same examples on every run (CI and `make test` are reproducible);
# HYPOTHESIS_PROFILE=explore draws new ones each run, to look for new failures.
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def make_user(username: str, *, groups=(), is_staff=False, password="pw-for-tests-1") -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.org", password=password, is_staff=is_staff
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def staff_user(db):
    return make_user("stella", groups=[STAFF_GROUP], is_staff=True)


@pytest.fixture
def analyst_user(db):
    return make_user("ana", groups=[ANALYST_GROUP])


@pytest.fixture
def study(db):
    version = ModelVersion.objects.create(name="popularity-v1", algorithm="popularity")
    study = Study.objects.create(name="Spring pilot", key="spring-pilot")
    Arm.objects.create(study=study, name="control", model_version=version, batch_size=8)
    return study


def enrol(study: Study, customer_id: str, **person_fields) -> Participant:
    person = Person.objects.create(
        customer_id=customer_id, email=f"{customer_id}@example.org", **person_fields
    )
    user = make_user(f"p-{customer_id}")
    return Participant.objects.create(
        study=study, person=person, user=user, arm=study.assign_arm(person)
    )


@pytest.fixture
def participant(study):
    return enrol(study, "C001", restrictions=["vegetarian"])


@pytest.fixture
def other_participant(study):
    return enrol(study, "C002")
