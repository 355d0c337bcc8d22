"""Staff pages of studies: create one with its arms, enrol, run and watch the weekly cycle.

Every page calls one function of :mod:`pilot.batches` (or queues its job) and renders.
"""

import csv
import io

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from pilot import exports, jobs
from pilot.access import staff_required
from pilot.batches import outbox_summary, preview
from pilot.batches.studies import (
    ArmSpec,
    StudyError,
    arm_split,
    create_study,
    diet_warnings,
    enrol,
    people_for_customers,
    withdraw,
)
from pilot.forms_studies import ArmFormSet, EnrolForm, StudyForm
from pilot.models import Batch, Message, Participant, Person, Study

ACTIONS = {
    "run": jobs.run_batch_job,
    "send": jobs.send_batch_job,
    "remind": jobs.remind_batch_job,
    "close": jobs.close_batch_job,
}


@staff_required
def study_list(request):
    studies = Study.objects.annotate(
        n_participants=Count("participants", filter=Q(participants__active=True), distinct=True),
        n_batches=Count("batches", distinct=True),
    ).order_by("-created_at")
    return render(request, "staff/studies.html", {"studies": studies})


@staff_required
def study_new(request):
    form = StudyForm(request.POST or None)
    arms = ArmFormSet(request.POST or None, prefix="arm")
    if request.method == "POST" and form.is_valid() and arms.is_valid():
        specs = [
            ArmSpec(a["label"], a["version"].pk, a["batch_size"], a["weight"])
            for a in arms.cleaned_data
            if a.get("label") and a.get("version")
        ]
        d = form.cleaned_data
        try:
            study = create_study(
                d["key"], arms=specs, name=d["name"], description=d["description"],
                weekday=["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(d["weekday"]),
                send_time=d["send_time"], tz=d["timezone"], response_days=d["window_days"],
                remind_after_days=d["remind_after_days"],
            )  # fmt: skip
        except StudyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Study {study.key} created. Enrol people next.")
            return redirect("staff-study", study.key)
    return render(request, "staff/study_new.html", {"form": form, "arms": arms})


def _batches(study):
    batches = list(study.batches.annotate(
        n_recs=Count("recommendations", distinct=True),
        n_people=Count("recommendations__participant", distinct=True),
        n_rated=Count("recommendations__rating", distinct=True),
    ).order_by("-iso_year", "-iso_week"))  # fmt: skip
    for batch in batches:
        batch.outbox = outbox_summary(batch)
        batch.retried = list(
            Message.objects.filter(batch=batch, retried=True).values_list("to", flat=True)
        )
    return batches


@staff_required
def study_detail(request, key):
    study = get_object_or_404(Study, key=key)
    participants = study.participants.select_related("person", "arm").order_by(
        "-active", "person__customer_id"
    )
    person_id = request.GET.get("person", "").strip()
    shown = None
    if person_id:
        person = Person.objects.filter(customer_id=person_id).first()
        if person is None:
            messages.error(request, f"No person with customer id {person_id!r}.")
        else:
            shown = preview(study, person)
    ctx = {
        "study": study,
        "arms": study.arms.select_related("model_version"),
        "split": arm_split(study),
        "warnings": diet_warnings(study),
        "batches": _batches(study),
        "participants": participants[:100],
        "n_participants": participants.count(),
        "enrol_form": EnrolForm(),
        "preview": shown,
        "preview_id": person_id,
        "export_kinds": exports.KINDS,
    }
    return render(request, "staff/study.html", ctx)


def _people_to_enrol(form, files):
    d = form.cleaned_data
    if d["who"] == "list":
        upload = files.get("customers")
        if upload is None:
            raise StudyError("choose a CSV file with a customer_id column")
        text = io.TextIOWrapper(upload.file, encoding="utf-8-sig")
        rows = list(csv.DictReader(text))
        if rows and "customer_id" not in rows[0]:
            raise StudyError(f"{upload.name}: line 1: no customer_id column")
        return people_for_customers(r["customer_id"] for r in rows)
    people = Person.objects.order_by("customer_id")
    if d["who"] == "segment":
        if d["region"]:
            people = people.filter(region__iexact=d["region"])
        if d["age_band"]:
            people = people.filter(age_band=d["age_band"])
        if d["restriction"]:
            people = [p for p in people if d["restriction"] in (p.restrictions or [])]
    return list(people), []


@require_POST
@staff_required
def study_enrol(request, key):
    study = get_object_or_404(Study, key=key)
    form = EnrolForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request, "Enrolment: " + "; ".join(form.errors.get("__all__", ["check the form"]))
        )
        return redirect("staff-study", key)
    try:
        people, unknown = _people_to_enrol(form, request.FILES)
        report = enrol(
            study, people, dry_run=form.cleaned_data["dry_run"], unknown_customers=unknown
        )
    except StudyError as exc:
        messages.error(request, str(exc))
    else:
        for line in report.lines():
            (
                messages.warning
                if line.startswith(("warning", "skipped", "unknown"))
                else messages.success
            )(request, line)
    return redirect("staff-study", key)


@require_POST
@staff_required
def batch_action(request, key, batch_id, action):
    batch = get_object_or_404(Batch, pk=batch_id, study__key=key)
    if action not in ACTIONS:
        messages.error(request, f"Unknown action {action!r}.")
        return redirect("staff-study", key)
    jobs.enqueue(ACTIONS[action], batch.pk)
    messages.success(request, f"{batch}: {action} started as a background job.")
    return redirect("staff-study", key)


@require_POST
@staff_required
def week_run(request, key):
    from pilot.batches import Week, get_batch

    study = get_object_or_404(Study, key=key)
    try:
        week = Week.parse(request.POST.get("week", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("staff-study", key)
    batch = get_batch(study, week)
    jobs.enqueue(jobs.run_batch_job, batch.pk)
    messages.success(request, f"{batch}: generate and send started as a background job.")
    return redirect("staff-study", key)


@require_POST
@staff_required
def participant_withdraw(request, key, participant_id):
    participant = get_object_or_404(Participant, pk=participant_id, study__key=key)
    withdraw(participant)
    Message.objects.filter(participant=participant, state=Message.State.PENDING).delete()
    messages.success(request, f"{participant.person.customer_id} withdrawn: nothing more is sent.")
    return redirect("staff-study", key)


@staff_required
def study_export(request, key, kind):
    study = get_object_or_404(Study, key=key)
    if kind not in exports.KINDS:
        return HttpResponse(status=404)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{study.key}-{kind}.csv"'
    exports.write_csv(response, study, kind)
    return response


urlpatterns = [
    path("", study_list, name="staff-studies"),
    path("new/", study_new, name="staff-study-new"),
    path("<slug:key>/", study_detail, name="staff-study"),
    path("<slug:key>/enrol/", study_enrol, name="staff-study-enrol"),
    path("<slug:key>/run/", week_run, name="staff-week-run"),
    path("<slug:key>/batches/<int:batch_id>/<slug:action>/", batch_action, name="staff-batch-action"),
    path("<slug:key>/participants/<int:participant_id>/withdraw/", participant_withdraw,
         name="staff-withdraw"),
    path("<slug:key>/export/<slug:kind>.csv", study_export, name="staff-study-export"),
]  # fmt: skip
