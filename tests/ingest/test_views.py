"""The staff data pages: upload (staff only), extract report and status, rejects CSV, Data page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilot.ingest import import_extract
from pilot.ingest.progress import write_progress
from pilot.models import Extract, Interaction, Job

from .conftest import RECIPES, interactions_csv, write

pytestmark = pytest.mark.django_db


def upload(client, kind, name, text, **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, text.encode(), "text/csv"), **extra}
    return client.post(reverse("data-upload"), data)


def test_staff_upload_runs_the_import_as_a_job(client, staff_user, folder, settings):
    client.force_login(staff_user)
    response = upload(client, "recipes", "recipes.csv", RECIPES)
    extract = Extract.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("data-extract", args=[extract.pk])
    assert (extract.status, extract.rows_imported, extract.name) == ("imported", 3, "recipes.csv")
    assert extract.uploaded_by == staff_user
    job = Job.objects.get()
    assert (job.kind, job.state, job.created_by, job.result) == (
        "import",
        "done",
        staff_user,
        extract.pk,
    )
    page = client.get(response["Location"])
    assert b"IMPORTED - 3 rows read, 3 imported, 0 rejected" in page.content


def test_it_deletes_the_uploaded_file_after_the_import(client, staff_user, folder):
    client.force_login(staff_user)
    upload(client, "recipes", "recipes.csv", RECIPES)
    assert list((folder / "var" / "uploads").iterdir()) == []
    extract = Extract.objects.get()
    assert extract.checksum and extract.report["rows_read"] == 3


def test_it_keeps_the_uploaded_file_when_staff_ask(client, staff_user, folder):
    client.force_login(staff_user)
    upload(client, "recipes", "recipes.csv", RECIPES, keep_file="on")
    (kept,) = (folder / "var" / "uploads").iterdir()
    assert kept.name.endswith("-recipes.csv") and kept.read_text() == RECIPES
    assert Extract.objects.get().report["kept_file"] == str(kept)


def test_uploading_the_same_file_twice_changes_nothing_like_the_command(client, staff_user, folder):
    client.force_login(staff_user)
    upload(client, "recipes", "recipes.csv", RECIPES)
    first = Extract.objects.get()
    response = upload(client, "recipes", "again.csv", RECIPES)
    assert Extract.objects.get() == first  # no new row, rejected or otherwise
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == reverse("data-extract", args=[first.pk])
    assert f"already imported as extract #{first.pk}" in page.content.decode()
    assert "nothing changed" in page.content.decode()
    status = client.get(response["Location"].rstrip("/") + "/status.json").json()
    assert status["done"] is True


def test_a_300_character_file_name_is_stored_and_imported(client, staff_user, folder):
    client.force_login(staff_user)
    name = "r" * 300 + ".csv"
    response = upload(client, "recipes", name, RECIPES, keep_file="on")
    assert response.status_code == 302
    extract = Extract.objects.get()
    assert extract.status == "imported" and len(extract.name) <= 255
    assert extract.name.startswith("rrrr") and extract.name.endswith(".csv")
    (kept,) = (folder / "var" / "uploads").iterdir()
    assert len(kept.name) <= 33 + 80 and kept.name.endswith(".csv")


def test_an_upload_over_the_limit_is_refused_with_a_clear_message(
    client, staff_user, folder, settings
):
    settings.UPLOAD_MAX_MB = 1
    client.force_login(staff_user)
    big = RECIPES + "\n".join(f"R{i},Recipe {i},,,,10," for i in range(4, 60_000)) + "\n"
    assert len(big) > 1024 * 1024
    response = upload(client, "recipes", "big.csv", big)
    assert response.status_code == 413
    text = response.content.decode()
    assert "larger than the upload limit of 1 MB" in text and "nothing was stored" in text
    assert not Extract.objects.exists() and not Job.objects.exists()
    assert not (folder / "var" / "uploads").exists() or not any(
        (folder / "var" / "uploads").iterdir()
    )


def test_an_upload_is_stopped_while_it_streams_past_the_limit(client, staff_user, folder, settings):
    """Just over the limit (within the Content-Length check's slack for the form fields):
    the upload handler stops reading at the limit, before the file is stored."""
    settings.UPLOAD_MAX_MB = 1
    client.force_login(staff_user)
    response = upload(client, "recipes", "big.csv", "x" * (1024 * 1024 + 10))
    assert response.status_code == 413
    assert "larger than the upload limit" in response.content.decode()
    assert not Extract.objects.exists()


def test_upload_is_refused_to_analysts_and_anonymous(client, analyst_user, folder):
    assert client.get(reverse("data-upload")).status_code == 302  # to the login page
    assert upload(client, "recipes", "r.csv", RECIPES).status_code == 302
    client.force_login(analyst_user)
    assert client.get(reverse("data-upload")).status_code == 403
    assert upload(client, "recipes", "r.csv", RECIPES).status_code == 403
    assert client.get(reverse("data-home")).status_code == 403
    assert not Extract.objects.exists()


def test_an_upload_without_a_file_shows_the_form_again(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("data-upload"), {"kind": "recipes"})
    assert response.status_code == 200
    assert b"This field is required" in response.content


def test_the_status_endpoint_reports_progress(client, staff_user, folder):
    client.force_login(staff_user)
    running = Extract.objects.create(kind="interactions", name="big.csv", status="running")
    write_progress(running.pk, 42, "420,000 rows read")
    state = client.get(reverse("data-extract-status", args=[running.pk])).json()
    assert state == {
        "status": "running",
        "done": False,
        "percent": 42,
        "message": "420,000 rows read",
        "rows_read": 0,
        "rows_imported": 0,
        "rows_rejected": 0,
    }
    page = client.get(reverse("data-extract", args=[running.pk]))
    assert b"extract_progress.js" in page.content and b"<progress" in page.content


def test_rejects_download_as_csv(client, staff_user, folder, catalog, settings):
    settings.IMPORT_MAX_REJECT_SHARE = 0.5
    rows = ["V1,R1,view,2026-01-01T10:00:00Z,E1,", "V1,R9,view,2026-01-01T10:00:00Z,E2,"]
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    client.force_login(staff_user)
    response = client.get(reverse("data-extract-rejects", args=[extract.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        "file,line,column,reason,value",
        "i.csv,3,recipe_id,unknown recipe id (import the recipes extract first),R9",
    ]


def test_the_extract_page_promises_no_more_rejects_when_it_shows_them_all(
    client, staff_user, folder, catalog, settings
):
    settings.IMPORT_MAX_REJECT_SHARE = 0.9
    rows = [
        "V1,R1,view,2026-01-01T10:00:00Z,E1,",
        "V1,R9,view,2026-01-01T10:00:00Z,E2,",
        "V1,,view,2026-01-01T10:00:00Z,E3,",
    ]
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert extract.rows_rejected == 2 and len(extract.rejects) == 2
    client.force_login(staff_user)
    html = client.get(reverse("data-extract", args=[extract.pk])).content.decode()
    assert "<td><code>R9</code></td>" in html
    assert "and more" not in html  # both rejected rows are in the table
    assert "<code></code>" not in html  # the empty value reads "(empty)", not an empty chip
    assert '<span class="muted">(empty)</span>' in html


def test_rejects_download_never_hands_a_formula_to_a_spreadsheet(
    client, staff_user, folder, catalog, settings
):
    settings.IMPORT_MAX_REJECT_SHARE = 0.5
    rows = [
        "V1,R1,view,2026-01-01T10:00:00Z,E1,",
        'V1,"=HYPERLINK(1)",view,2026-01-01T10:00:00Z,E2,',
    ]
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    client.force_login(staff_user)
    response = client.get(reverse("data-extract-rejects", args=[extract.pk]))
    last = response.content.decode().splitlines()[-1]
    assert last.endswith(",'=HYPERLINK(1)")


def test_the_data_page_shows_extracts_gaps_and_identities(client, staff_user, folder, catalog):
    rows = ["V1,R1,view,2026-01-01T10:00:00Z,E1,", "V2,R2,cook,2026-01-05T10:00:00Z,E2,"]
    import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    import_extract("identities", write(folder, "ids.csv", "visitor_id,customer_id\nV1,C1\n"))
    client.force_login(staff_user)
    response = client.get(reverse("data-home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "True date range: <strong>2026-01-01</strong> to <strong>2026-01-05</strong>" in html
    assert "2026-01-02 to 2026-01-04" in html  # the gap, named
    assert "50.0%" in html  # one of two interactions resolved
    assert "js/plotly.min.js" in html and "cdn" not in html.lower()
    assert "i.csv" in html and "ids.csv" in html
    assert Interaction.objects.count() == 2


def test_the_data_page_renders_empty(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("data-home"))
    assert response.status_code == 200
    assert b"No interactions imported yet" in response.content


def test_an_unknown_extract_gives_404(client, staff_user):
    client.force_login(staff_user)
    for name in ("data-extract", "data-extract-status", "data-extract-rejects"):
        assert client.get(reverse(name, args=[999])).status_code == 404


def test_the_data_page_reads_stored_aggregates_and_recomputes_them_after_a_change(
    client, staff_user, folder, catalog, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilot.models import DataSummary

    rows = ["V1,R1,view,2026-01-01T10:00:00Z,E1,", "V2,R2,cook,2026-01-03T10:00:00Z,E2,"]
    import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    client.force_login(staff_user)
    client.get(reverse("data-home"))  # computes and stores the summary
    assert DataSummary.objects.get().data["events"] == {"cook": 1, "view": 1}
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("data-home")).content.decode()
    scans = [
        q["sql"] for q in queries if "GROUP BY" in q["sql"] and "pilot_interaction" in q["sql"]
    ]
    assert scans == []  # no aggregate over the interactions on a page view
    assert "Resolved share: 0 of 2 interactions" in page
    more = ["V3,R3,save,2026-01-05T10:00:00Z,E3,"]
    import_extract("interactions", write(folder, "j.csv", interactions_csv(more)))
    page = client.get(reverse("data-home")).content.decode()
    assert "Resolved share: 0 of 3 interactions" in page


@pytest.mark.django_db(transaction=True)
def test_without_redis_the_upload_request_returns_before_the_import_runs(
    client, staff_user, folder, settings, monkeypatch
):
    """The embedded default: the job runs on the web process's worker thread, not in the POST."""
    import threading

    from pilot import jobs
    from pilot.ingest import run

    threads = []
    real = run.import_extract

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "import_extract", spy)
    settings.JOBS_INLINE, settings.JOBS_SYNC = True, False
    jobs.reset_inline_worker()
    client.force_login(staff_user)
    response = upload(client, "recipes", "recipes.csv", RECIPES)
    extract = Extract.objects.get()
    assert response.status_code == 302
    jobs.inline_worker().join()
    extract.refresh_from_db()
    assert (extract.status, extract.rows_imported) == ("imported", 3)
    assert threads == ["pilot-jobs"]  # never the request's thread
    assert Job.objects.get().state == "done"
    jobs.reset_inline_worker()
