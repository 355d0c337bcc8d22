"""Pages built once per data change, ahead of the analyst, and served with their freshness."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from pilot.access import ANALYST_GROUP
from pilot.dashboard import pages, queries
from pilot.dashboard.cache import fingerprint
from pilot.jobs import close_batch_job, run_job
from pilot.models import Job, Rating, Recommendation
from tests.conftest import make_user
from tests.cycle.conftest import study, versions, world  # noqa: F401 (fixtures)
from tests.dashboard.test_dashboard_views import PAGES, get_csv

WARM = "pilot.dashboard.warm.warm_dashboard_job"


@pytest.fixture
def analyst(db):
    return make_user("ana-fresh", groups=[ANALYST_GROUP])


def _loads(ctx) -> list[str]:
    """The queries reading the study's recommendations row by row (not the fingerprint)."""
    return [q["sql"] for q in ctx.captured_queries if '"pilot_recommendation"."rank"' in q["sql"]]


def _reads_recommendations(ctx) -> bool:
    return bool(_loads(ctx))


@override_settings(DASHBOARD_WARM_AFTER_CLOSE=True)
def test_closing_a_batch_builds_every_page_before_anyone_asks(client, rated_study, analyst):
    batch = rated_study.batches.order_by("iso_week").first()
    close_batch_job(batch.pk)
    warmed = Job.objects.get(func=WARM)
    assert warmed.state == Job.State.DONE, warmed.error
    assert all(page in warmed.result for page in PAGES)
    client.force_login(analyst)
    for page in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/dashboard/{rated_study.key}/{page}/")
        assert response.status_code == 200
        assert not _reads_recommendations(ctx), page  # served from the built snapshot
        assert 'data-current="true"' in response.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/dashboard/").status_code == 200
    assert not _reads_recommendations(ctx)


def test_every_page_shares_one_load_of_the_rows(client, rated_study, analyst):
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as ctx:
        for page in PAGES:
            assert client.get(f"/dashboard/{rated_study.key}/{page}/?region=").status_code == 200
        assert client.get(f"/dashboard/{rated_study.key}/overview/?region=R1").status_code == 200
    loads = [
        q
        for q in ctx.captured_queries
        if 'AS "rank"' in q["sql"] and "pilot_rating" not in q["sql"]
    ]
    assert len(loads) == 1  # the recommendations are read once for all pages and filters


@override_settings(JOBS_SYNC=False)
def test_a_change_serves_the_last_snapshot_marked_refreshing_until_the_job_ran(
    client, rated_study, analyst
):
    client.force_login(analyst)
    url = f"/dashboard/{rated_study.key}/overview/"
    first = client.get(url).content.decode()
    assert 'data-current="true"' in first and "Data as of" in first
    before = {(r["arm"], r["week"]): r for r in get_csv(client, rated_study, "overview", "weeks")}
    unrated = Recommendation.objects.filter(batch__study=rated_study, rating__isnull=True)
    rec = unrated.select_related("participant__arm", "batch").first()
    Rating.objects.create(recommendation=rec, stars=5, would_cook="yes")
    # The test's transaction never commits, so the queued rebuild waits: the page shows the
    # snapshot, says so, and queues one rebuild however often it is asked for.
    for _ in range(2):
        stale = client.get(url).content.decode()
        assert 'data-current="false"' in stale and "refreshing" in stale
    job = Job.objects.get(func=WARM)
    assert job.state == Job.State.QUEUED
    # a CSV download is always current
    key = (rec.participant.arm.name, rec.batch.label)
    now = {(r["arm"], r["week"]): r for r in get_csv(client, rated_study, "overview", "weeks")}
    assert int(now[key]["ratings"]) == int(before[key]["ratings"]) + 1
    run_job(job.pk)  # what the worker does
    assert Job.objects.get(pk=job.pk).state == Job.State.DONE
    with CaptureQueriesContext(connection) as ctx:
        fresh = client.get(url).content.decode()
    assert 'data-current="true"' in fresh
    assert not _reads_recommendations(ctx)
    assert Job.objects.filter(func=WARM).count() == 1


def test_a_filtered_page_is_the_shared_data_cut_to_the_segment(rated_study):
    fp = fingerprint(rated_study)
    full = queries.shared(rated_study, fp)
    assert queries.shared(rated_study, fp) is full
    region = rated_study.participants.first().person.region
    cut = queries.subset(full, {"region": region})
    fresh = queries.load(rated_study, {"region": region})
    assert sorted(cut.recs["id"]) == sorted(fresh.recs["id"])
    assert set(cut.participants["region"]) == {region}
    people = {p.pk for p in rated_study.participants.all() if p.person.region == region}
    assert set(cut.recs["participant_id"]) <= people
    assert pages.overview_rows(cut) == pages.overview_rows(fresh)
    pages.howmany(cut)  # a page adding columns to its frame leaves the shared one alone
    assert "batch_size" not in full.recs.columns


def test_a_study_without_lists_yet_shows_every_page(client, study, analyst):  # noqa: F811
    client.force_login(analyst)
    for page in PAGES:
        assert client.get(f"/dashboard/{study.key}/{page}/").status_code == 200, page
        region = study.participants.first().person.region
        assert client.get(f"/dashboard/{study.key}/{page}/?region={region}").status_code == 200
    assert "No week generated yet." in client.get("/dashboard/").content.decode()


def test_the_tick_rebuilds_the_pages_of_active_studies_whose_data_changed(rated_study):
    """After a restart (an empty cache) or new ratings, the next tick queues one rebuild."""
    from pilot.dashboard.cache import is_built
    from pilot.jobs import tick_job

    fp = fingerprint(rated_study)
    assert not is_built(rated_study, "overview", {}, fp)
    out = tick_job()
    assert f"{rated_study.key}: dashboard pages out of date" in out
    warmed = Job.objects.get(func=WARM)
    assert warmed.state == Job.State.DONE and warmed.call_args == [rated_study.pk]
    assert all(is_built(rated_study, page, {}, fp) for page in PAGES)

    assert "dashboard pages" not in tick_job()  # built: nothing to do
    assert Job.objects.filter(func=WARM).count() == 1

    rec = Recommendation.objects.filter(batch__study=rated_study, rating__isnull=True).first()
    rating = Rating.objects.create(recommendation=rec, stars=2, would_cook="no")
    assert f"{rated_study.key}: dashboard pages out of date" in tick_job()
    assert Job.objects.filter(func=WARM).count() == 2
    assert is_built(rated_study, "overview", {}, fingerprint(rated_study))

    rated_study.active = False
    rated_study.save(update_fields=["active"])
    rating.stars = 5
    rating.save()  # the data changed (the fingerprint too) ...
    assert not is_built(rated_study, "overview", {}, fingerprint(rated_study))
    assert "dashboard pages" not in tick_job()  # ... but an ended study's pages wait for a visit
