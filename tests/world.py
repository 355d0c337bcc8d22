"""A small world built straight in the ORM for tests of training and the weekly cycle.

``build_world(n_people, n_recipes, seed)`` makes recipes with diet labels and tags, people
with regions and restrictions, one web visitor per person (some with two devices, a few
people with none: the cold-start case) and interactions spread over six weeks. Ids are not
the demo's (``R-0001``, ``K-0001``), so code that works here does not lean on the demo.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from pilot.models import Identity, Interaction, Person, Recipe

LABEL_SETS = (
    ["vegetarian", "nut_free", "no_pork", "halal"],
    ["vegan", "vegetarian", "dairy_free", "nut_free", "no_pork", "halal", "gluten_free"],
    ["nut_free", "dairy_free"],
    ["gluten_free", "nut_free", "no_pork", "halal"],
    ["no_pork", "halal", "nut_free"],
    [],
)
RESTRICTIONS = ([], [], [], ["vegetarian"], ["gluten_free"], ["vegetarian", "nut_free"], ["halal"])
REGIONS = ("Wales", "Scotland", "London", "North East")
CUISINES = ("thai", "italian", "indian", "mexican", "british")
START = datetime(2026, 9, 7, tzinfo=UTC)


def build_world(n_people=40, n_recipes=60, seed=1, cold=4, days=42):
    rng = random.Random(seed)
    recipes = [
        Recipe(
            external_id=f"R-{i:04d}",
            title=f"{CUISINES[i % 5].title()} dish {i}",
            ingredients=["onion", "garlic"],
            tags=[f"cuisine:{CUISINES[i % 5]}", "course:main"]
            + (["holiday:christmas"] if i % 17 == 0 else []),
            diet_labels=LABEL_SETS[i % len(LABEL_SETS)],
            minutes=20 + i % 40,
        )
        for i in range(n_recipes)
    ]
    Recipe.objects.bulk_create(recipes)
    recipes = list(Recipe.objects.order_by("external_id"))
    people = [
        Person(
            customer_id=f"K-{i:04d}",
            email=f"k{i}@example.net",
            region=REGIONS[i % len(REGIONS)],
            age_band="25-34" if i % 2 else "45-54",
            household_size=1 + i % 4,
            liked_cuisines=[CUISINES[i % 5]],
            restrictions=RESTRICTIONS[i % len(RESTRICTIONS)],
        )
        for i in range(n_people)
    ]
    Person.objects.bulk_create(people)
    people = list(Person.objects.order_by("customer_id"))
    events = []
    visitors = []
    for i, person in enumerate(people):
        if i < cold:
            continue  # never used the website
        for d in range(2 if i % 5 == 0 else 1):
            visitors.append(
                Identity(
                    source=Identity.Source.WEB,
                    external_id=f"v-{i}-{d}",
                    person=person,
                    status=Identity.Status.RESOLVED,
                )
            )
    anonymous = Identity(source=Identity.Source.WEB, external_id="v-anon")
    Identity.objects.bulk_create([*visitors, anonymous])
    by_person = {}
    for v in Identity.objects.filter(person__isnull=False):
        by_person.setdefault(v.person_id, []).append(v)
    anonymous = Identity.objects.get(external_id="v-anon")
    n = 0
    for person in people:
        for visitor in by_person.get(person.pk, []):
            allowed = [r for r in recipes if set(person.restrictions) <= set(r.diet_labels)]
            liked = [r for r in allowed if r.tags[0] == f"cuisine:{person.liked_cuisines[0]}"]
            for _ in range(rng.randint(8, 20)):
                recipe = rng.choice(liked if liked and rng.random() < 0.7 else allowed)
                n += 1
                events.append(
                    Interaction(
                        key=f"e{n}",
                        visitor=visitor,
                        person=person,
                        recipe=recipe,
                        event=rng.choice(["view", "view", "save", "cook"]),
                        timestamp=START + timedelta(minutes=rng.randint(0, days * 24 * 60)),
                    )
                )
    for _ in range(30):
        n += 1
        events.append(
            Interaction(
                key=f"e{n}",
                visitor=anonymous,
                recipe=rng.choice(recipes),
                event="view",
                timestamp=START + timedelta(minutes=rng.randint(0, days * 24 * 60)),
            )
        )
    Interaction.objects.bulk_create(events)
    return people, recipes
