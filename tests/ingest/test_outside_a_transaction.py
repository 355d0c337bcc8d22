"""Imports as the command and the job run them: with no transaction around them (the other
import tests run inside the test's transaction, which hides what autocommit would do)."""

import pytest

from pilot.ingest import import_extract
from pilot.models import Extract, Interaction

from .conftest import PEOPLE, RECIPES, interactions_csv, write

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_imports_interactions_and_an_overlapping_file_in_autocommit(folder):
    assert import_extract("recipes", write(folder, "r.csv", RECIPES)).status == "imported"
    assert import_extract("people", write(folder, "p.csv", PEOPLE)).status == "imported"
    rows = [f"V{i % 7},R{1 + i % 3},view,2026-01-01T10:{i % 60:02d}:00Z,E{i}," for i in range(40)]
    first = import_extract(
        "interactions", write(folder, "a.csv", interactions_csv(rows)), chunk_rows=9
    )
    assert first.status == "imported", first.error
    more = rows[20:] + ["V1,R1,cook,2026-01-02T10:00:00Z,E99,"]
    second = import_extract(
        "interactions", write(folder, "b.csv", interactions_csv(more)), chunk_rows=9
    )
    assert second.status == "imported", second.error
    assert second.report["counts"]["new interactions"] == 1
    assert Interaction.objects.count() == 41
    assert set(Extract.objects.values_list("status", flat=True)) == {"imported"}


def test_a_dry_run_in_autocommit_writes_nothing(folder):
    import_extract("recipes", write(folder, "r.csv", RECIPES))
    rows = [f"V{i},R1,view,2026-01-01T10:00:{i:02d}Z,E{i}," for i in range(10)]
    extract = import_extract(
        "interactions", write(folder, "a.csv", interactions_csv(rows)), dry_run=True
    )
    assert extract.status == "imported" and extract.report["counts"]["new interactions"] == 10
    assert Interaction.objects.count() == 0
    assert list(Extract.objects.values_list("kind", flat=True)) == ["recipes"]
