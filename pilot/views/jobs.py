"""Staff jobs page: every background job with its state, progress, duration and error."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_POST

from pilot.access import staff_required
from pilot.jobs import run_again
from pilot.models import Job

MAX_JOBS_LISTED = 200

#: Job function -> (URL name, position of the object's id in its arguments).
OBJECT_LINKS = {"pilot.jobs.import_extract_job": ("data-extract", 0)}


#: Job function -> the key of its result that holds a comparison's id (None: the result).
COMPARISON_RESULTS = {
    "pilot.jobs.compare_versions_job": None,
    "pilot.jobs.train_variant_job": "comparison_id",
}


def object_link(record: Job) -> str:
    """The page of the object a job concerns (an extract, a comparison...), where known."""
    if record.func in COMPARISON_RESULTS:
        key = COMPARISON_RESULTS[record.func]
        result = record.result.get(key) if key and isinstance(record.result, dict) else (
            record.result if key is None else None
        )  # fmt: skip
        return reverse("comparison-detail", args=[result]) if isinstance(result, int) else ""
    name, position = OBJECT_LINKS.get(record.func, (None, None))
    args = record.call_args
    if name is None or len(args) <= position:
        return ""
    try:
        return reverse(name, args=[args[position]])
    except NoReverseMatch:
        return ""


@staff_required
def jobs_home(request):
    jobs = list(Job.objects.select_related("created_by")[:MAX_JOBS_LISTED])
    for record in jobs:
        record.link = object_link(record)
    ctx = {
        "jobs": jobs,
        "job_count": Job.objects.count(),
        "jobs_inline": settings.JOBS_INLINE,
        "rq_dashboard": None if settings.JOBS_INLINE else reverse("django_rq:home"),
    }
    return render(request, "staff/jobs.html", ctx)


@require_POST
@staff_required
def job_run_again(request, pk: int):
    record = get_object_or_404(Job, pk=pk, state=Job.State.FAILED)
    again = run_again(record, user=request.user)
    messages.info(request, f"Job #{record.pk} queued again as job #{again.pk}.")
    return redirect("staff-jobs")


urlpatterns = [
    path("", jobs_home, name="staff-jobs"),
    path("<int:pk>/run-again/", job_run_again, name="staff-job-run-again"),
]
