"""The pilot as a test set: pick a model version, see it scored on the study's ratings.

``/dashboard/<study>/pilot-test/?version=<id>`` shows the stored result for the current
data; scoring runs as a background job (``pilot.pilot_scores.score_on_pilot_job``) started
by the page's form (POST), so a big study never holds a request.
"""

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from pilot import pilot_scores
from pilot.access import analyst_required
from pilot.dashboard import figures
from pilot.exports import spreadsheet_safe
from pilot.models import ModelVersion, Study

TABLES = {
    "scores": pilot_scores.TABLE_COLUMNS,
    "segments": pilot_scores.SEGMENT_COLUMNS,
    "participants": pilot_scores.PARTICIPANT_COLUMNS,
}


def _version(text) -> ModelVersion | None:
    if not text:
        return None
    try:
        return ModelVersion.objects.exclude(artifact="").get(pk=int(text))
    except (ValueError, ModelVersion.DoesNotExist):
        raise Http404("No such model version with a saved artifact.") from None


def _figure(rows: list[dict]) -> str:
    names = [r["version"] for r in rows]
    traces = []
    for i, (metric, label) in enumerate((("auc", "AUC"), ("ndcg", "NDCG"))):
        y = [r[metric] for r in rows]
        traces.append({
            "type": "bar", "name": label, "x": names, "y": y,
            "marker": {"color": figures.COLOURS[i]},
            "error_y": {
                "type": "data", "symmetric": False,
                "array": [None if v is None else r[f"{metric}_ci_high"] - v
                          for r, v in zip(rows, y, strict=True)],
                "arrayminus": [None if v is None else v - r[f"{metric}_ci_low"]
                               for r, v in zip(rows, y, strict=True)],
            },
        })  # fmt: skip
    fig = figures.figure(
        traces,
        title={"text": "Per-participant AUC and NDCG over the rated recipes, 95% intervals"},
        barmode="group",
        yaxis={"range": [0, 1.02], "title": {"text": "mean over participants"}},
        xaxis={"type": "category"},
    )
    return figures.to_html(fig)


@analyst_required
@require_http_methods(["GET", "POST"])
def pilot_test(request, key):
    study = get_object_or_404(Study, key=key)
    if request.method == "POST":
        version = _version(request.POST.get("version"))
        if version is None:
            raise Http404("Pick a model version.")
        record = pilot_scores.request_score(version, study, user=request.user)
        if record is not None and record.state in (record.State.QUEUED, record.State.RUNNING):
            messages.info(request, f"Scoring {version.name} on {study.key} (job #{record.pk}).")
        url = reverse("pilot-test", args=[study.key])
        return redirect(f"{url}?{urlencode({'version': version.pk})}")
    version = _version(request.GET.get("version"))
    result = pending = None
    failure = ""
    if version is not None:
        result, pending = pilot_scores.latest(version, study)
        if result is None and pending is None:
            failure = pilot_scores.last_failure(version, study)
    context = {
        "study": study,
        "versions": ModelVersion.objects.exclude(artifact="").order_by("-pk"),
        "version": version,
        "result": result,
        "pending": pending,
        "failure": failure,
        "bias": pilot_scores.BIAS,
    }
    if result is not None:
        context["figure"] = _figure(result["rows"])
        context["scores"] = _cells(result["rows"], pilot_scores.TABLE_COLUMNS)
        context["segments"] = _cells(result["segments"], pilot_scores.SEGMENT_COLUMNS)
        context["headers"] = [c.replace("_", " ") for c in pilot_scores.TABLE_COLUMNS]
        context["segment_headers"] = [c.replace("_", " ") for c in pilot_scores.SEGMENT_COLUMNS]
    return render(request, "dashboard/pilot_test.html", context)


def _cells(rows, columns):
    return [[row.get(c) for c in columns] for row in rows]


@analyst_required
def pilot_test_csv(request, key, table):
    study = get_object_or_404(Study, key=key)
    version = _version(request.GET.get("version"))
    if table not in TABLES or version is None:
        raise Http404("No such table.")
    result, _ = pilot_scores.latest(version, study)
    if result is None:
        raise Http404("This version has not been scored on the current ratings yet.")
    rows = result["rows"] if table == "scores" else result[table]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{study.key}-pilot-test-{version.pk}-{table}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.DictWriter(response, fieldnames=TABLES[table], extrasaction="ignore")
    writer.writeheader()
    writer.writerows({c: spreadsheet_safe(row.get(c)) for c in TABLES[table]} for row in rows)
    return response


urlpatterns = [
    path("<slug:key>/pilot-test/", pilot_test, name="pilot-test"),
    path("<slug:key>/pilot-test/<slug:table>.csv", pilot_test_csv, name="pilot-test-csv"),
]
