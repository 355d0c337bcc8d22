"""The analysts' dashboard: a study picker, a landing page, and each study's pages.

Views are thin: load the study's rows (``pilot.dashboard.queries``), build the page
(``pilot.dashboard.pages``), render it or one of its tables as CSV.
"""

import csv
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from pilot.access import analyst_required
from pilot.dashboard import pages, queries, warm
from pilot.dashboard.cache import fingerprint, snapshot
from pilot.jobs import dotted_path, enqueue
from pilot.models import Job, Study
from pilot.report import report_job, reports_dir


def _page(request, key, page, *, current=False):
    """The built page (filters, weeks, Page), its study, fingerprint and Freshness.

    A page (not a CSV: ``current``) may be the latest snapshot while a rebuild runs.
    """
    study = get_object_or_404(Study, key=key)
    if page not in pages.PAGES:
        raise Http404("No such dashboard page.")
    params = {k: request.GET.get(k, "") for k in request.GET}
    fp = fingerprint(study)
    if current:  # a CSV: every row, for the data as they are now
        (filters, weeks, built), fresh = snapshot(
            study,
            f"{page}.csv",
            params,
            lambda: pages.build(study, fp, page, params, full=True),
            fp,
        )
    else:
        (filters, weeks, built), fresh = snapshot(
            study,
            page,
            params,
            lambda: pages.build(study, fp, page, params),
            fp,
            refresh=warm.refresh_later(study, page, params, fp),
        )
    return study, fp, filters, weeks, built, fresh


@analyst_required
def home(request):
    studies = list(Study.objects.order_by("-active", "name"))
    for study in studies:
        fp = fingerprint(study)
        study.lines, study.fresh = snapshot(
            study,
            "standing",
            {},
            lambda s=study, f=fp: pages.standing(queries.shared(s, f)),
            fp,
            refresh=warm.refresh_later(study, "", {}, fp),
        )
    return render(request, "dashboard/home.html", {"studies": studies})


@analyst_required
def study_page(request, key, page="overview"):
    study, fp, filters, weeks, built, fresh = _page(request, key, page)
    params = {k: request.GET.get(k, "") for k in request.GET}
    segments, _ = snapshot(
        study,
        "segments-values",
        {},
        lambda: queries.segment_values(study, queries.shared(study, fp)),
        fp,
        refresh=warm.refresh_later(study, page, params, fp),  # the page's own rebuild
    )
    context = {
        "study": study,
        "page": built,
        "fresh": fresh,
        "slug": page,
        "tabs": pages.TITLES,
        "filters": filters,
        "segments": [(k, label, segments[k]) for k, label in queries.SEGMENTS],
        "query": request.GET.urlencode(),
        "weeks": weeks,
        "arms": list(study.arms.order_by("pk").values_list("name", flat=True)),
    }
    return render(request, "dashboard/study.html", context)


@analyst_required
def section_csv(request, key, page, section):
    study, _, _, _, built, _ = _page(request, key, page, current=True)
    found = built.section(section)
    if found is None:
        raise Http404("No such table on this page.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{study.key}-{page}-{section}.csv"'
    writer = csv.DictWriter(response, fieldnames=found.columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({c: _cell(row.get(c)) for c in found.columns} for row in found.rows)
    return response


@require_POST
@analyst_required
def report_start(request, key):
    """Download report: build it as a job (seconds at pilot scale), then show its page."""
    study = get_object_or_404(Study, key=key)
    record = enqueue(report_job, study.pk, user=request.user)
    return redirect("dashboard-report-status", study.key, record.pk)


def _report_job(key, pk):
    study = get_object_or_404(Study, key=key)
    record = get_object_or_404(Job, pk=pk, func=dotted_path(report_job))
    if record.call_args != [study.pk]:
        raise Http404("No such report for this study.")
    return study, record


@analyst_required
def report_status(request, key, pk):
    study, record = _report_job(key, pk)
    return render(request, "dashboard/report.html", {"study": study, "job": record})


@analyst_required
def report_file(request, key, pk):
    """The built file as an attachment, so the browser saves it rather than rendering it
    under the site's CSP (the file carries its own, stricter one)."""
    study, record = _report_job(key, pk)
    path = Path((record.result or {}).get("path", "")) if record.state == Job.State.DONE else None
    if path is None or not path.is_file() or path.parent != reports_dir().resolve():
        raise Http404("This report is not ready, or was replaced by a newer one.")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=record.result.get("filename") or path.name,
        content_type="text/html; charset=utf-8",
    )  # fmt: skip


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


urlpatterns = [
    path("", home, name="dashboard-home"),
    path("<slug:key>/", study_page, name="dashboard-study"),
    path("<slug:key>/report/", report_start, name="dashboard-report"),
    path("<slug:key>/report/<int:pk>/", report_status, name="dashboard-report-status"),
    path("<slug:key>/report/<int:pk>/report.html", report_file, name="dashboard-report-file"),
    path("<slug:key>/<slug:page>/", study_page, name="dashboard-page"),
    path("<slug:key>/<slug:page>/<slug:section>.csv", section_csv, name="dashboard-csv"),
]
