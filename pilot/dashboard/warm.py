"""Building the dashboard's pages in the background, so that a request rarely builds one.

A page built in a request costs the study's load (~0.3-0.5 s at 200,000 recommendations)
plus its own computation. :func:`warm` builds, for the data as they are now, the shared
StudyData once and then every page without filters, the landing lines and the filter
values (and any page asked for); :func:`warm_dashboard_job` runs it as a job
(``pilot.jobs``). It is queued

- after each batch close (``pilot.jobs.close_batch_job``), when
  ``settings.DASHBOARD_WARM_AFTER_CLOSE`` (default on; off in the test settings), and
- by every tick (each minute under ``rqcron``) for the active studies whose pages are not
  built for their current data (:func:`warm_stale`: after a restart, an import, ratings), and
- by a page request that finds the data changed since the page's latest snapshot (a
  rating burst, an import, a close): :func:`refresh_later`, once per fingerprint and page.
  Meanwhile that request serves the latest snapshot with its time ("as of 10:42,
  refreshing").
"""

from __future__ import annotations

from pilot.dashboard import pages, queries
from pilot.dashboard.cache import claim, fingerprint, is_built, snapshot
from pilot.jobs import enqueue, job


def warm(study, extra: list | None = None) -> list[str]:
    """Build every page of ``study`` (and ``extra`` (page, params) pairs) for its data now."""
    fp = fingerprint(study)
    data = queries.shared(study, fp)
    built = []
    for page in pages.PAGES:
        snapshot(study, page, {}, lambda p=page: pages.build(study, fp, p, {}), fp)
        built.append(page)
    for page, params in extra or []:
        if page in pages.PAGES and params:
            snapshot(study, page, params, lambda p=page, q=params: pages.build(study, fp, p, q), fp)
            built.append(f"{page}?{'&'.join(f'{k}={v}' for k, v in sorted(params.items()))}")
    snapshot(study, "standing", {}, lambda: pages.standing(data), fp)
    snapshot(study, "segments-values", {}, lambda: queries.segment_values(study, data), fp)
    return built


@job("other")
def warm_dashboard_job(study_id: int, page: str = "", params: dict | None = None) -> str:
    """Build the dashboard pages of study ``study_id`` for its current data."""
    from pilot.models import Study

    study = Study.objects.get(pk=study_id)
    built = warm(study, [(page, params or {})] if page else [])
    return f"{study.key}: {len(built)} dashboard pages built ({', '.join(built)})"


def refresh_later(study, page: str, params: dict, fp: str):
    """A ``refresh`` for :func:`pilot.dashboard.cache.snapshot`: queue one rebuild."""

    if not params:
        page = ""  # every page without filters: one rebuild of them all

    def refresh():
        if claim(study, page, params, fp):
            enqueue(warm_dashboard_job, study.pk, page, dict(params))

    return refresh


def warm_stale() -> list[str]:
    """Queue :func:`warm_dashboard_job` for each active study with lists whose pages are not
    built for its current data (once per data change); the keys of those queued."""
    from django.db.models import Exists, OuterRef

    from pilot.models import Recommendation, Study

    listed = Recommendation.objects.filter(batch__study=OuterRef("pk"))
    queued = []
    for study in Study.objects.filter(Exists(listed), active=True):
        fp = fingerprint(study)
        if not is_built(study, "overview", {}, fp) and claim(study, "", {}, fp):
            enqueue(warm_dashboard_job, study.pk)
            queued.append(study.key)
    return queued
