"""Fixtures of the pilot as a test set: a hand-made world whose popularity order is known.

Five recipes A > B > C > D > E by the number of (non-participant) fans who viewed each
(5, 4, 3, 2, 1), so a Popularity version orders them A, B, C, D, E for everyone. B and E are
not vegetarian. Four participants rate by hand (see ``hand_study``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pilot.batches.studies import ArmSpec, create_study, enrol
from pilot.models import (
    Batch,
    Identity,
    Interaction,
    Participant,
    Person,
    Rating,
    Recipe,
    Recommendation,
)
from recommender.models import Popularity
from tests.cycle.conftest import study, train, versions, world  # noqa: F401 (fixtures)

T0 = datetime(2026, 9, 7, tzinfo=UTC)
LABELS = {"A": ["vegetarian"], "B": [], "C": ["vegetarian"], "D": ["vegetarian"], "E": []}
#: Hand ratings: participant -> {recipe: stars}.
HAND = {
    "P1": {"A": 5, "B": 1, "C": 4, "D": 2},
    "P2": {"A": 4, "B": 5, "E": 1},  # vegetarian: B and E are ruled out, so ranked last
    "P3": {"A": 5, "C": 4},  # no disliked recipe: no AUC
    "P4": {},  # rated nothing
}


@pytest.fixture
def hand_world(db):
    Recipe.objects.bulk_create(
        Recipe(external_id=x, title=f"Dish {x}", diet_labels=LABELS[x]) for x in "ABCDE"
    )
    recipes = {r.external_id: r for r in Recipe.objects.all()}
    fans = Person.objects.bulk_create(
        Person(customer_id=f"F{i}", email=f"f{i}@example.net") for i in range(5)
    )
    Person.objects.bulk_create(
        Person(
            customer_id=p,
            email=f"{p.lower()}@example.net",
            restrictions=["vegetarian"] if p == "P2" else [],
        )
        for p in HAND
    )
    visitors = Identity.objects.bulk_create(
        Identity(source=Identity.Source.WEB, external_id=f"v{f.customer_id}", status="resolved",
                 person=Person.objects.get(customer_id=f.customer_id))
        for f in fans
    )  # fmt: skip
    events = []
    for n_fans, x in zip((5, 4, 3, 2, 1), "ABCDE", strict=True):
        for i in range(n_fans):
            events.append(
                Interaction(key=f"{x}{i}", visitor=visitors[i], person=visitors[i].person,
                            recipe=recipes[x], event="view", timestamp=T0 + timedelta(hours=i))
            )  # fmt: skip
    Interaction.objects.bulk_create(events)
    return recipes


@pytest.fixture
def hand_version(hand_world, tmp_path):
    return train(tmp_path, "pop-hand", Popularity())


@pytest.fixture
def hand_study(hand_version, hand_world):
    made = create_study("hand-test", arms=[ArmSpec("pop", hand_version.pk, 5)], name="Hand test")
    enrol(made, Person.objects.filter(customer_id__in=list(HAND)))
    batch = Batch.objects.create(study=made, iso_year=2026, iso_week=40, status="closed")
    for participant in Participant.objects.filter(study=made).select_related("person"):
        for rank, (x, stars) in enumerate(HAND[participant.person.customer_id].items(), 1):
            rec = Recommendation.objects.create(
                batch=batch, participant=participant, recipe=hand_world[x], rank=rank,
                model_version=hand_version,
            )  # fmt: skip
            Rating.objects.create(recommendation=rec, stars=stars, would_cook="yes")
    return made


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
