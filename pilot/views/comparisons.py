"""Comparison pages (staff and analysts): pick two versions, follow the job, read the result.

Views are thin: ``pilot.comparisons`` computes and stores, ``pilot.comparison_page`` lays
the stored result out as sections with their CSV downloads.
"""

from __future__ import annotations

import csv

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from pilot import comparison_page, comparisons, training
from pilot.access import analyst_required
from pilot.exports import spreadsheet_safe
from pilot.jobs import compare_versions_job, enqueue
from pilot.models import Comparison, ModelVersion
from pilot.views.versions import run_or_404, run_status_json

MAX_LISTED = 200


class PickForm(forms.Form):
    a = forms.ModelChoiceField(queryset=ModelVersion.objects.none(), label="A (reference)")
    b = forms.ModelChoiceField(queryset=ModelVersion.objects.none(), label="B (compared with A)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trained = ModelVersion.objects.filter(holdout_cutoff__isnull=False)[:MAX_LISTED]
        for name in ("a", "b"):
            self.fields[name].queryset = ModelVersion.objects.filter(pk__in=[v.pk for v in trained])
            self.fields[name].label_from_instance = lambda v: f"#{v.pk} {v.name}"

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("b") and data["a"] == data["b"]:
            raise forms.ValidationError("Pick two different versions.")
        return data


@analyst_required
@require_GET
def pick(request):
    """``?a=ID&b=ID``: the stored comparison if there is one, else a button to compute it."""
    form = PickForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = comparisons.stored(form.cleaned_data["a"], form.cleaned_data["b"])
        if found is not None and "again" not in request.GET:
            return redirect("comparison-detail", found.pk)
    recent = Comparison.objects.select_related("version_a", "version_b")[:20]
    ctx = {"form": form, "ready": form.is_bound and form.is_valid(), "found": found,
           "recent": recent}  # fmt: skip
    return render(request, "staff/compare_pick.html", ctx)


@analyst_required
@require_POST
def start(request):
    form = PickForm(request.POST)
    if not form.is_valid():
        recent = Comparison.objects.select_related("version_a", "version_b")[:20]
        ctx = {"form": form, "ready": False, "found": None, "recent": recent}
        return render(request, "staff/compare_pick.html", ctx, status=400)
    a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    token = comparisons.new_run("Comparing two versions", spec={"a": a.pk, "b": b.pk})
    enqueue(compare_versions_job, a.pk, b.pk, token, request.user.pk, user=request.user)
    return redirect("comparison-run", token)


@analyst_required
@require_GET
def run(request, token: str):
    """A comparison (or a variant, then its comparison) in progress; opens it when done."""
    state = run_or_404(token, "run")
    if state.get("state") == "done" and state.get("comparison_id"):
        return redirect("comparison-detail", state["comparison_id"])
    return render(request, "staff/compare_run.html", {"state": state, "token": token})


@analyst_required
@require_GET
def run_status(request, token: str):
    keys = ("state", "percent", "message", "version_id", "comparison_id")
    return run_status_json(run_or_404(token, "run"), keys)


@analyst_required
@require_GET
def detail(request, pk: int):
    comparison = get_object_or_404(
        Comparison.objects.select_related("version_a", "version_b"), pk=pk
    )
    result = comparison.result
    ctx = {
        "comparison": comparison,
        "r": {**result, "most_changed": comparison_page.people(result)},
        "versions": comparison_page.versions(result),
        "split_cutoff": training.parse_cutoff(result["split"]["cutoff"]),
        "page": comparison_page.build(comparison),
    }
    return render(request, "staff/compare_detail.html", ctx)


@analyst_required
@require_GET
def section_csv(request, pk: int, section: str):
    comparison = get_object_or_404(Comparison, pk=pk)
    found = comparison_page.build(comparison).section(section)
    if found is None:
        raise Http404("No such table on this page.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comparison-{pk}-{section}.csv"'
    writer = csv.writer(response)
    writer.writerow(found.columns)
    for row in found.rows:
        writer.writerow([_cell(row.get(c)) for c in found.columns])
    return response


def _cell(value) -> str:
    """Numbers as they are (a negative delta is no formula); text made spreadsheet-safe."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return spreadsheet_safe(value)
    return str(value)


urlpatterns = [
    path("", pick, name="comparison-pick"),
    path("start/", start, name="comparison-start"),
    path("runs/<str:token>/", run, name="comparison-run"),
    path("runs/<str:token>/status/", run_status, name="comparison-run-status"),
    path("<int:pk>/", detail, name="comparison-detail"),
    path("<int:pk>/<slug:section>.csv", section_csv, name="comparison-csv"),
]
