"""Helpers for import tests: write a small extract file, import it, snapshot the database."""

import gzip
from pathlib import Path

import pytest

from pilot.ingest import import_extract
from pilot.models import Extract, Identity, Interaction, Person, Recipe

RECIPES = """recipe_id,title,ingredients,tags,diet_labels,minutes,description
R1,Pasta pomodoro,pasta|tomatoes|basil,cuisine:italian|course:main,,20,Quick
R2,Chicken curry,chicken|rice|curry powder,cuisine:indian,,40,
R3,Green salad,lettuce|cucumber,,vegan|gluten_free,10,
"""

PEOPLE = """customer_id,email,age_band,household_size,region,restrictions,liked_cuisines
C1,c1@example.org,25-34,2,north,vegetarian,italian
C2,c2@example.org,35-44,3,south,,indian|thai
"""


def write(folder: Path, name: str, text: str, *, gz: bool = False) -> Path:
    path = folder / name
    data = text.encode("utf-8")
    if gz:
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def interactions_csv(rows: list[str]) -> str:
    return "visitor_id,recipe_id,event,timestamp,event_id,value\n" + "\n".join(rows) + "\n"


def snapshot() -> dict:
    """Everything an import writes, as comparable values."""
    return {
        "recipes": sorted(
            Recipe.objects.values_list("external_id", "title", "diet_labels", "minutes")
        ),
        "people": sorted(Person.objects.values_list("customer_id", "email", "restrictions")),
        "identities": sorted(
            Identity.objects.values_list("source", "external_id", "person_id", "status")
        ),
        "interactions": sorted(
            Interaction.objects.values_list("key", "visitor_id", "person_id", "recipe_id", "event")
        ),
        "extracts": sorted(Extract.objects.values_list("id", "status")),
    }


@pytest.fixture
def folder(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path


@pytest.fixture
def catalog(db, folder):
    """Recipes R1-R3 and people C1-C2, imported through the importer itself."""
    assert import_extract("recipes", write(folder, "recipes.csv", RECIPES)).status == "imported"
    assert import_extract("people", write(folder, "people.csv", PEOPLE)).status == "imported"
