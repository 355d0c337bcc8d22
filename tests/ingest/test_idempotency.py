"""Atomic and idempotent: same file twice, overlapping extracts, updates in place, dry runs."""

import pytest
from django.db import connection

from pilot.ingest import import_extract
from pilot.models import Extract, Interaction, Person, Recipe

from .conftest import PEOPLE, RECIPES, interactions_csv, snapshot, write

pytestmark = pytest.mark.django_db

WEEK_1 = [f"V{i % 4},R{1 + i % 3},view,2026-01-0{1 + i % 7}T10:00:00Z,," for i in range(20)]


def test_the_same_file_twice_changes_nothing(folder, catalog):
    path = write(folder, "i.csv", interactions_csv(WEEK_1))
    first = import_extract("interactions", path)
    before = snapshot()
    again = import_extract("interactions", path)
    assert again.pk == first.pk and again.already_imported
    assert snapshot() == before


def test_the_same_content_gzipped_is_the_same_file(folder, catalog):
    first = import_extract("interactions", write(folder, "i.csv", interactions_csv(WEEK_1)))
    before = snapshot()
    again = import_extract(
        "interactions", write(folder, "i.csv.gz", interactions_csv(WEEK_1), gz=True)
    )
    assert again.pk == first.pk
    assert snapshot() == before


def test_overlapping_extracts_never_duplicate_an_interaction(folder, catalog):
    week_2 = [f"V{i % 4},R{1 + i % 3},save,2026-01-0{1 + i % 7}T12:00:00Z,," for i in range(10)]
    import_extract("interactions", write(folder, "a.csv", interactions_csv(WEEK_1[:15])))
    assert Interaction.objects.count() == 15
    overlap = import_extract(
        "interactions", write(folder, "b.csv", interactions_csv(WEEK_1[5:] + week_2))
    )
    assert overlap.status == "imported"
    assert overlap.rows_imported == 25
    assert overlap.report["counts"]["new interactions"] == 5 + 10
    assert Interaction.objects.count() == 30
    # the rows already present keep the extract that first brought them
    assert Interaction.objects.filter(extract=overlap).count() == 15


def test_event_ids_are_the_natural_key_across_extracts(folder, catalog):
    import_extract(
        "interactions",
        write(folder, "a.csv", interactions_csv(["V1,R1,view,2026-01-01T10:00:00Z,E1,"])),
    )
    # the same event id, re-sent with a corrected time, is the same interaction
    import_extract(
        "interactions",
        write(folder, "b.csv", interactions_csv(["V1,R1,view,2026-01-01T10:00:01Z,E1,"])),
    )
    assert Interaction.objects.count() == 1


def test_a_newer_recipes_extract_updates_in_place(folder, catalog):
    ids = dict(Recipe.objects.values_list("external_id", "id"))
    newer = RECIPES.replace("Pasta pomodoro", "Pasta al pomodoro").replace(",20,", ",25,")
    newer += "R4,Peanut noodles,noodles|peanut butter,,,15,\n"
    extract = import_extract("recipes", write(folder, "recipes-2.csv", newer))
    assert extract.report["counts"] == {
        "diet labels derived from ingredients": 3,
        "created": 1,
        "updated": 1,
        "unchanged": 2,
    }
    r1 = Recipe.objects.get(external_id="R1")
    assert (r1.pk, r1.title, r1.minutes) == (ids["R1"], "Pasta al pomodoro", 25)
    assert Recipe.objects.count() == 4


def test_a_newer_people_extract_updates_only_its_columns(folder, catalog):
    import_extract(
        "people", write(folder, "p2.csv", "customer_id,restrictions\nC2,vegan|nut-free\n")
    )
    c2 = Person.objects.get(customer_id="C2")
    assert c2.restrictions == ["vegan", "nut_free"]
    assert c2.email == "c2@example.org"  # not in the newer file: kept
    assert Person.objects.count() == 2


def test_people_get_a_crm_identity(folder, catalog):
    c1 = Person.objects.get(customer_id="C1")
    assert c1.identities.get().status == "resolved"


def test_a_file_failing_half_way_leaves_no_rows(folder, catalog):
    rows = [f"V{i},R1,view,2026-01-01T10:00:{i % 60:02d}Z,E{i}," for i in range(50)]
    rows.append("V1,R1,view,2026-01-01T10:00:00Z,E99,,one field too many,and another")
    before = snapshot()
    extract = import_extract(
        "interactions", write(folder, "i.csv", interactions_csv(rows)), chunk_rows=10
    )
    assert extract.status == "rejected"
    assert "line 52" in extract.error
    assert {k: v for k, v in snapshot().items() if k != "extracts"} == {
        k: v for k, v in before.items() if k != "extracts"
    }


def test_an_unexpected_error_rolls_back_and_is_recorded(folder, catalog, monkeypatch):
    from pilot.ingest.interactions import InteractionImporter

    def boom(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(InteractionImporter, "finish", boom)
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(WEEK_1)))
    assert extract.status == Extract.Status.FAILED
    assert "RuntimeError: disk on fire" in extract.error
    assert Interaction.objects.count() == 0
    assert Extract.objects.get(pk=extract.pk).status == "failed"


def test_a_dry_run_changes_nothing(folder, catalog):
    before = snapshot()
    extract = import_extract(
        "interactions", write(folder, "i.csv", interactions_csv(WEEK_1)), dry_run=True
    )
    assert extract.pk is None
    assert extract.status == "imported" and extract.rows_imported == 20
    assert extract.report["dry_run"] is True
    assert snapshot() == before


def test_a_refused_file_can_be_imported_again_later(folder, db):
    path = write(folder, "i.csv", interactions_csv(WEEK_1))
    assert import_extract("interactions", path).status == "rejected"  # no recipes yet
    import_extract("recipes", write(folder, "recipes.csv", RECIPES))
    import_extract("people", write(folder, "people.csv", PEOPLE))
    assert import_extract("interactions", path).status == "imported"
    assert Interaction.objects.count() == 20


def test_timestamps_are_stored_as_django_stores_them(folder, catalog):
    rows = ["V1,R1,view,2026-01-01T10:00:00Z,E1,", "V1,R1,view,2026-01-01T10:00:00.250+00:00,E2,"]
    import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    from datetime import UTC, datetime

    exact = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    assert list(Interaction.objects.filter(timestamp__lte=exact).values_list("key", flat=True)) == [
        "E1"
    ]
    assert Interaction.objects.get(key="E2").timestamp == exact.replace(microsecond=250000)
    assert connection.vendor in ("sqlite", "postgresql")


def test_two_imports_of_the_same_file_at_once_import_it_once(folder, catalog, monkeypatch):
    """The database constraint catches the twin that passed the checksum check in a race."""
    path = write(folder, "i.csv", interactions_csv(WEEK_1))
    first = import_extract("interactions", path)
    monkeypatch.setattr("pilot.ingest.run.previous_import", lambda kind, checksum: None)
    twin = import_extract("interactions", path)
    assert twin.status == "rejected"
    assert twin.error == "i.csv: the same file was imported at the same time by another job"
    assert Interaction.objects.count() == 20
    assert Extract.objects.filter(kind="interactions", status="imported").get() == first


def test_rows_split_over_many_chunks_are_each_imported_once(folder, catalog):
    """Chunks are written one after the other (on PostgreSQL one in the background while the
    next is read): every row lands once, a key repeated in a later chunk keeps the first."""
    rows = [f"V{i % 5},R{1 + i % 3},view,2026-01-01T10:{i % 60:02d}:00Z,E{i}," for i in range(70)]
    rows += ["V9,R3,cook,2026-01-02T10:00:00Z,E3,", "V1,R1,view,2026-01-01T10:00:00Z,,"] * 2
    extract = import_extract(
        "interactions", write(folder, "i.csv", interactions_csv(rows)), chunk_rows=7
    )
    assert extract.status == "imported"
    assert extract.report["counts"]["new interactions"] == 71
    assert Interaction.objects.count() == 71
    first = Interaction.objects.get(key="E3")
    assert (first.event, first.recipe.external_id) == ("view", "R1")  # line 5, not line 72
    assert sorted((r["line"], r["reason"]) for r in extract.rejects) == [
        (72, "duplicate key: the same interaction as line 5"),
        (74, "duplicate key: the same interaction as line 5"),
        (75, "duplicate key: the same interaction as line 73"),
    ]


def test_after_a_file_failing_half_way_the_next_import_works(folder, catalog):
    """The failed import's last chunk may still be inserting when it fails: it is waited
    for and rolled back, and the connection is left fit for the next import."""
    rows = [f"V{i},R1,view,2026-01-01T10:00:{i % 60:02d}Z,E{i}," for i in range(50)]
    broken = [*rows, "V1,R1,view,2026-01-01T10:00:00Z,E99,,one field too many,and another"]
    path = write(folder, "broken.csv", interactions_csv(broken))
    assert import_extract("interactions", path, chunk_rows=10).status == "rejected"
    assert Interaction.objects.count() == 0
    good = import_extract(
        "interactions", write(folder, "i.csv", interactions_csv(rows)), chunk_rows=10
    )
    assert good.status == "imported" and good.report["counts"]["new interactions"] == 50
    assert Interaction.objects.count() == 50


def test_a_key_repeated_in_the_same_chunk_keeps_the_first_line(folder, catalog):
    """Rows may be written in another order than the file's (by visitor on PostgreSQL): the
    first line still wins, even when a later one sorts before it."""
    rows = [f"V1,R1,view,2026-01-01T10:{i:02d}:00Z,A{i}," for i in range(20)]
    rows += ["V9,R2,cook,2026-01-02T10:00:00Z,K1,", "V1,R3,save,2026-01-03T10:00:00Z,K1,"]
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert extract.status == "imported"
    kept = Interaction.objects.get(key="K1")
    assert (kept.visitor.external_id, kept.recipe.external_id, kept.event) == ("V9", "R2", "cook")
    assert [(r["line"], r["reason"]) for r in extract.rejects] == [
        (23, "duplicate key: the same interaction as line 22")
    ]
