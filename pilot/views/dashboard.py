"""The analysts' dashboard: a study picker, a landing page, and each study's pages.

Views are thin: load the study's rows (``pilot.dashboard.queries``), build the page
(``pilot.dashboard.pages``), render it or one of its tables as CSV.
"""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from pilot.access import analyst_required
from pilot.dashboard import pages, queries, warm
from pilot.dashboard.cache import fingerprint, snapshot
from pilot.models import Study


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
    path("<slug:key>/<slug:page>/", study_page, name="dashboard-page"),
    path("<slug:key>/<slug:page>/<slug:section>.csv", section_csv, name="dashboard-csv"),
]
