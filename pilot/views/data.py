"""Staff data pages: upload an extract, follow its import, read the data-quality report."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from pilot.access import staff_required
from pilot.ingest import FORMATS, KINDS, figures, quality, report_lines
from pilot.ingest.progress import read_progress
from pilot.jobs import enqueue, import_extract_job
from pilot.models import Extract

MAX_EXTRACTS_LISTED = 500
MAX_REJECTS_SHOWN = 200


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS])
    file = forms.FileField(
        help_text="CSV, UTF-8, header row; optionally gzip-compressed (.csv.gz)."
    )


def save_upload(uploaded) -> Path:
    """Store an uploaded file under ``VAR_DIR/uploads`` with a unique name; return its path."""
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}-{Path(uploaded.name).name}"
    with open(target, "wb") as f:
        for chunk in uploaded.chunks():
            f.write(chunk)
    return target


@staff_required
def home(request):
    days = quality.interactions_per_day()
    events = quality.events_by_type()
    ctx = {
        "extracts": Extract.objects.select_related("uploaded_by")[:MAX_EXTRACTS_LISTED],
        "extract_count": Extract.objects.count(),
        "days": days,
        "last_day": days[-1].day if days else None,
        "gaps": quality.gaps(days),
        "per_day_chart": figures.to_html(figures.per_day_figure(days)) if days else "",
        "resolved_chart": figures.to_html(figures.resolved_share_figure(days)) if days else "",
        "events_chart": figures.to_html(figures.events_figure(events)) if events else "",
        "events": events,
        "identities": quality.identity_report(),
        "with_rejects": Extract.objects.filter(rows_rejected__gt=0)[:20],
    }
    return render(request, "staff/data_home.html", ctx)


@staff_required
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        stored = save_upload(uploaded)
        extract = Extract.objects.create(
            kind=form.cleaned_data["kind"],
            name=Path(uploaded.name).name[:255],
            uploaded_by=request.user,
        )
        enqueue(import_extract_job, extract.pk, str(stored))
        return redirect("data-extract", extract.pk)
    return render(request, "staff/data_upload.html", {"form": form, "formats": FORMATS.values()})


@staff_required
def extract_detail(request, pk: int):
    extract = get_object_or_404(Extract.objects.select_related("uploaded_by"), pk=pk)
    ctx = {
        "extract": extract,
        "running": extract.status in (Extract.Status.PENDING, Extract.Status.RUNNING),
        "report": report_lines(extract, max_rejects=0),
        "rejects": (extract.rejects or [])[:MAX_REJECTS_SHOWN],
    }
    return render(request, "staff/data_extract.html", ctx)


@staff_required
@require_GET
def extract_status(request, pk: int):
    """Small JSON for the progress bar: status, percent done, counts."""
    extract = get_object_or_404(Extract, pk=pk)
    running = extract.status in (Extract.Status.PENDING, Extract.Status.RUNNING)
    live = read_progress(extract.pk) if running else None
    return JsonResponse(
        {
            "status": extract.status,
            "done": not running,
            "percent": (live or {}).get("percent", 0) if running else 100,
            "message": (live or {}).get("message", "waiting for a worker")
            if running
            else extract.get_status_display(),
            "rows_read": extract.rows_read,
            "rows_imported": extract.rows_imported,
            "rows_rejected": extract.rows_rejected,
        }
    )


def spreadsheet_safe(value) -> str:
    """A cell value that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff_required
@require_GET
def extract_rejects(request, pk: int):
    """Every kept rejected row of one extract as CSV: line, column, reason, value."""
    extract = get_object_or_404(Extract, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="extract-{extract.pk}-rejects.csv"'
    writer = csv.writer(response)
    writer.writerow(["file", "line", "column", "reason", "value"])
    for entry in extract.rejects or []:
        writer.writerow(
            [
                spreadsheet_safe(extract.name),
                entry["line"],
                entry["column"],
                entry["reason"],
                spreadsheet_safe(entry.get("value", "")),
            ]
        )
    return response


urlpatterns = [
    path("", home, name="data-home"),
    path("upload/", upload, name="data-upload"),
    path("extracts/<int:pk>/", extract_detail, name="data-extract"),
    path("extracts/<int:pk>/status.json", extract_status, name="data-extract-status"),
    path("extracts/<int:pk>/rejects.csv", extract_rejects, name="data-extract-rejects"),
]
