"""A pilot user's own pages: their weeks, one week's recipes to rate, the questionnaire.

Only batches that were sent (or are closed) show, and only the signed-in user's own
recommendations in them; anyone else's batch or recommendation is a 404. Every answer has
one address (``POST /me/recommendations/<id>/rating/``, ``POST /me/weeks/<id>/
questionnaire/``) shared by the no-JavaScript form, the page's JavaScript
(static/js/rate.js) and scripts: JSON in reply to ``Accept: application/json``, else a
redirect back (or the page again with the messages by the fields). The rules are in
pilot/ratings.py; what the pages show is built in pilot/weeks.py.
"""

from itertools import groupby

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilot import ratings, weeks
from pilot.access import participant_required, wants_json
from pilot.models import QuestionnaireAnswer
from pilot.models.studies import QUESTIONNAIRE_ITEMS

RATING_FIELDS = ("stars", "would_cook", "comment")


@require_GET
@participant_required
def my_weeks(request):
    recs = weeks.own_recommendations(request.user).order_by(
        "-batch__iso_year", "-batch__iso_week", "batch__study__name", "rank"
    )
    listed = [
        {"batch": batch, "recommendations": list(group), "open": ratings.is_open(batch)}
        for batch, group in groupby(recs.select_related("rating"), key=lambda r: r.batch)
    ]
    for week in listed:
        week["rated"] = sum(hasattr(rec, "rating") for rec in week["recommendations"])
    return render(request, "participant/my_weeks.html", {"weeks": listed})


@require_GET
@participant_required
def batch_detail(request, batch_id):
    batch, participant = weeks.own_batch(request.user, batch_id)
    return render(request, "participant/batch.html", weeks.week_context(batch, participant))


@require_POST
@participant_required
def rate(request, recommendation_id):
    rec = weeks.own_recommendation(request.user, recommendation_id)
    values = {name: request.POST.get(name, "") for name in RATING_FIELDS}
    try:
        rating = ratings.save_rating(rec.participant, rec, **values)
    except ratings.AnswerInvalid as error:
        return _refused(request, rec, 400, errors=error.errors, values=values)
    except ratings.WeekClosed as error:
        return _refused(request, rec, 409, message=str(error))
    if wants_json(request):
        progress = weeks.progress(rec.batch, rec.participant)
        return JsonResponse({"saved": ratings.rating_json(rating), "progress": progress})
    messages.success(request, f"Saved your rating of {rec.recipe.title}.")
    return redirect(reverse("my-batch", args=[rec.batch_id]) + f"#rec-{rec.pk}")


def _refused(request, rec, status, *, errors=None, values=None, message=""):
    if wants_json(request):
        body = {"errors": errors} if errors else {"error": message}
        return JsonResponse(body, status=status)
    posted = (rec.pk, values, errors) if errors else None
    context = weeks.week_context(rec.batch, rec.participant, posted=posted, closed_error=message)
    return render(request, "participant/batch.html", context, status=status)


@require_http_methods(["GET", "POST"])
@participant_required
def questionnaire(request, batch_id):
    batch, participant = weeks.own_batch(request.user, batch_id)
    answer = QuestionnaireAnswer.objects.filter(batch=batch, participant=participant).first()
    context = {"batch": batch, "answer": answer, "open": ratings.is_open(batch), "errors": {}}
    context.update(weeks.progress(batch, participant), likert=weeks.LIKERT_LABELS)
    context["free_text_max"] = ratings.FREE_TEXT_MAX
    status = 200
    if request.method == "POST":
        try:
            answer = ratings.save_questionnaire(participant, batch, request.POST)
        except ratings.AnswerInvalid as error:
            status, context["errors"] = 400, error.errors
        except ratings.WeekClosed as error:
            status, context["closed_error"] = 409, str(error)
        else:
            if wants_json(request):
                return JsonResponse({"saved": ratings.questionnaire_json(answer)})
            return redirect("my-thanks", batch.pk)
        if wants_json(request):
            body = context["errors"] and {"errors": context["errors"]}
            return JsonResponse(body or {"error": context["closed_error"]}, status=status)
    context["items"] = _items(answer, request.POST if status != 200 else None, context["errors"])
    context["free_text"] = request.POST.get("free_text") if status == 400 else None
    return render(request, "participant/questionnaire.html", context, status=status)


def _items(answer, posted, errors):
    """The six statements, each with its current (or just refused) value and message."""
    rows = []
    for name, statement in QUESTIONNAIRE_ITEMS:
        value = posted.get(name) if posted is not None else getattr(answer, name, None)
        rows.append(
            {
                "name": name,
                "statement": statement,
                "value": str(value or ""),
                "error": errors.get(name, ""),
            }
        )
    return rows


@require_GET
@participant_required
def thanks(request, batch_id):
    batch, participant = weeks.own_batch(request.user, batch_id)
    context = {"batch": batch, "open": ratings.is_open(batch)}
    context.update(weeks.progress(batch, participant))
    return render(request, "participant/thanks.html", context)


urlpatterns = [
    path("", my_weeks, name="my-weeks"),
    path("weeks/<int:batch_id>/", batch_detail, name="my-batch"),
    path("weeks/<int:batch_id>/questionnaire/", questionnaire, name="my-questionnaire"),
    path("weeks/<int:batch_id>/thanks/", thanks, name="my-thanks"),
    path("recommendations/<int:recommendation_id>/rating/", rate, name="my-rating"),
]
