"""Structural problems refuse the whole file with one message naming the problem."""

import gzip

import pytest

from pilot.ingest import import_extract
from pilot.models import Extract, Interaction

from .conftest import interactions_csv, snapshot, write

pytestmark = pytest.mark.django_db


def refused(kind, path):
    before = snapshot()
    extract = import_extract(kind, path)
    assert extract.status == Extract.Status.REJECTED
    assert extract.rows_imported == 0
    after = snapshot()
    # the only change is the Extract row recording the refusal
    assert {k: v for k, v in after.items() if k != "extracts"} == {
        k: v for k, v in before.items() if k != "extracts"
    }
    assert Extract.objects.filter(pk=extract.pk, status="rejected").exists()
    return extract


def test_it_refuses_an_empty_file(folder):
    extract = refused("recipes", write(folder, "empty.csv", ""))
    assert extract.error == "empty.csv: empty file (0 bytes)"


def test_it_refuses_a_header_without_rows(folder):
    extract = refused("recipes", write(folder, "header.csv", "recipe_id,title\n"))
    assert "empty file: a header row but no data rows" in extract.error


def test_it_refuses_a_missing_required_column(folder):
    extract = refused("recipes", write(folder, "r.csv", "recipe_id,minutes\nR1,10\n"))
    assert extract.error.startswith("r.csv: line 1: missing required column(s) title")
    assert "the header row has: recipe_id, minutes" in extract.error


def test_it_hints_at_the_separator(folder):
    extract = refused("recipes", write(folder, "r.csv", "recipe_id;title\nR1;Soup\n"))
    assert "Columns must be separated by commas" in extract.error


def test_it_refuses_a_file_that_is_not_utf8(folder):
    path = folder / "latin1.csv"
    path.write_bytes("recipe_id,title\nR1,Soup\nR2,Cr\u00e8me br\u00fbl\u00e9e\n".encode("latin-1"))
    extract = refused("recipes", path)
    assert extract.error.startswith("latin1.csv: line 3: not UTF-8 text")


def test_it_refuses_binary_content(folder):
    path = folder / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    extract = refused("recipes", path)
    assert "binary content" in extract.error or "not UTF-8" in extract.error


def test_it_refuses_a_broken_gzip(folder):
    path = folder / "broken.csv.gz"
    path.write_bytes(gzip.compress(b"recipe_id,title\nR1,Soup\n" * 100)[:30])
    extract = refused("recipes", path)
    assert "not a readable gzip file" in extract.error


def test_it_refuses_a_row_with_too_many_fields(folder, catalog):
    rows = [f"V{i},R1,view,2026-01-0{1 + i % 5}T10:00:00Z,E{i}," for i in range(6)]
    rows.insert(3, "V9,R1,view,2026-01-01T10:00:00Z,E9,,extra,extra")
    extract = refused("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert (
        extract.error == "i.csv: line 5: 8 fields but the header row has 6 columns; not valid CSV"
    )


def test_it_refuses_one_extra_field_too(folder, catalog):
    rows = ["V1,R1,view,2026-01-01T10:00:00Z,E1,", "V2,R1,view,2026-01-01T10:00:00Z,E2,,x"]
    extract = refused("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert extract.error.startswith("i.csv: line 3: more fields than the header row")


def test_it_refuses_a_repeated_column(folder):
    extract = refused("recipes", write(folder, "r.csv", "recipe_id,title,title\nR1,a,b\n"))
    assert extract.error == "r.csv: line 1: the header row repeats column 'title'"


def test_it_refuses_an_unknown_kind(folder):
    with pytest.raises(ValueError, match="unknown extract kind"):
        import_extract("orders", write(folder, "o.csv", "a\n1\n"))


def test_it_reads_gzip_and_a_byte_order_mark(folder, catalog):
    text = "\ufeff" + interactions_csv(["V1,R1,view,2026-01-01T10:00:00Z,E1,"])
    extract = import_extract("interactions", write(folder, "i.csv.gz", text, gz=True))
    assert extract.status == "imported"
    assert Interaction.objects.get().key == "E1"


def test_it_ignores_unknown_columns_with_a_warning(folder):
    extract = import_extract(
        "recipes", write(folder, "r.csv", "recipe_id,title,colour\nR1,Soup,red\n")
    )
    assert extract.status == "imported"
    assert extract.report["warnings"] == ["ignored unknown column(s): colour"]


def test_it_reads_windows_line_endings_and_header_case(folder, catalog, settings):
    settings.IMPORT_MAX_REJECT_SHARE = 0.5
    text = "Visitor_ID,Recipe_ID,EVENT,Timestamp\r\nV1,R1,View,2026-01-01T10:00:00Z\r\nV1,R1,rate,2026-01-01T10:00:00Z\r\n"
    extract = import_extract("interactions", write(folder, "i.csv", text))
    assert (extract.rows_read, extract.rows_rejected) == (2, 1)
    assert extract.rejects[0]["line"] == 3
    assert Interaction.objects.get().event == "view"


def test_it_reads_a_header_row_longer_than_64_kb(folder, catalog):
    """The header was cut at 64 KB, and every row then had 'more fields than the header'."""
    from pilot.ingest import import_extract

    long_name = "note_" + "x" * 70_000
    text = f"recipe_id,title,{long_name},minutes\nR7,Soup,hello,15\nR8,Stew,,30\n"
    extract = import_extract("recipes", write(folder, "wide.csv", text))
    assert extract.status == "imported", extract.error
    assert extract.rows_imported == 2
    assert any("ignored unknown column(s): note_xxx" in w for w in extract.report["warnings"])
