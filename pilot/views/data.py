"""Staff data pages: upload an extract, follow its import, read the data-quality report."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.text import get_valid_filename
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from pilot.access import staff_required
from pilot.exports import spreadsheet_safe
from pilot.ingest import FORMATS, KINDS, figures, quality, report_lines, summary
from pilot.ingest.progress import read_progress
from pilot.jobs import enqueue, import_extract_job
from pilot.models import Extract, Job

MAX_EXTRACTS_LISTED = 500
MAX_REJECTS_SHOWN = 200


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS])
    file = forms.FileField(
        help_text="CSV, UTF-8, header row; optionally gzip-compressed (.csv.gz).",
        max_length=None,
    )
    keep_file = forms.BooleanField(
        required=False,
        label="Keep the uploaded file on the server after the import",
        help_text="By default the file is deleted once imported; its checksum and report stay.",
    )


def upload_limit_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def too_large_message(size: int | None = None) -> str:
    got = f" (this one is {size / 1024 / 1024:,.0f} MB)" if size else ""
    return (
        f"The file is larger than the upload limit of {settings.UPLOAD_MAX_MB:,} MB{got}; "
        "nothing was stored. Import it with manage.py import_extract, or raise UPLOAD_MAX_MB."
    )


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes ``UPLOAD_MAX_MB`` (also when the
    client sent no Content-Length, or a wrong one): the file is never stored whole."""

    def __init__(self, request):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_limit_bytes():
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def stored_name(name: str, limit: int = 80) -> str:
    """A safe, short file name for the stored copy: ``x`` * 300 + ``.csv`` -> 80 chars."""
    name = get_valid_filename(Path(name).name) or "upload"
    suffix = "".join(Path(name).suffixes)[-12:]
    stem = name[: len(name) - len(suffix)] if suffix else name
    return stem[: limit - len(suffix)] + suffix


def save_upload(uploaded) -> Path:
    """Store an uploaded file under ``VAR_DIR/uploads`` with a unique name; return its path."""
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}-{stored_name(uploaded.name)}"
    with open(target, "wb") as f:
        for chunk in uploaded.chunks():
            f.write(chunk)
    return target


@staff_required
def home(request):
    stored = summary.data_summary()  # aggregates kept between imports: no full scan here
    days = summary.days_of(stored)
    events = stored["events"]
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
        "identities": summary.identity_report_of(stored),
        "with_rejects": Extract.objects.filter(rows_rejected__gt=0)[:20],
    }
    return render(request, "staff/data_home.html", ctx)


@csrf_exempt  # checked by ``_upload``, after the size limit is in place
@staff_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """The size limit must be set before the body is read (CSRF middleware would read it)."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and length > upload_limit_bytes() + 64 * 1024:
        return _upload_form(request, UploadForm(), error=too_large_message(length), status=413)
    request.upload_handlers.insert(0, SizeLimitHandler(request))
    return _upload(request)


@csrf_protect
def _upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if getattr(request, "upload_too_large", False):
        return _upload_form(request, UploadForm(), error=too_large_message(), status=413)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        stored = save_upload(uploaded)
        extract = Extract.objects.create(
            kind=form.cleaned_data["kind"],
            name=Path(uploaded.name).name[:255],
            uploaded_by=request.user,
        )
        keep = form.cleaned_data["keep_file"]
        enqueue(import_extract_job, extract.pk, str(stored), keep, user=request.user)
        return redirect("data-extract", extract.pk)
    return _upload_form(request, form)


def _upload_form(request, form, *, error: str = "", status: int = 200):
    ctx = {"form": form, "formats": FORMATS.values(), "error": error}
    ctx["limit_mb"] = settings.UPLOAD_MAX_MB
    return render(request, "staff/data_upload.html", ctx, status=status)


def earlier_import(pk: int) -> Extract:
    """The Extract an upload's file had already been imported as, when the upload's own
    pending row was dropped for it (its import job returned the earlier id); else 404."""
    record = Job.objects.filter(
        kind=Job.Kind.IMPORT, args__args__0=pk, state=Job.State.DONE
    ).first()
    if record is None or not isinstance(record.result, int) or record.result == pk:
        raise Http404("No such extract")
    return get_object_or_404(Extract, pk=record.result)


@staff_required
def extract_detail(request, pk: int):
    extract = Extract.objects.select_related("uploaded_by").filter(pk=pk).first()
    if extract is None:
        earlier = earlier_import(pk)
        messages.info(
            request,
            f"{earlier.name}: already imported as extract #{earlier.pk} on "
            f"{earlier.finished_at:%Y-%m-%d %H:%M}; nothing changed.",
        )
        return redirect("data-extract", earlier.pk)
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
    extract = Extract.objects.filter(pk=pk).first()
    if extract is None:  # the same file was imported before: the page shows that one
        earlier_import(pk)
        return JsonResponse({"status": "already imported", "done": True, "percent": 100})
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
