"""A pilot user's own pages: the weeks they were sent, and one week's recipes.

Only batches that were sent (or are closed) show, and only the signed-in user's own
recommendations in them; anyone else's batch is a 404. Rating comes in a later issue.
"""

from itertools import groupby

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path

from pilot.access import participant_required
from pilot.models import Batch, Recommendation

VISIBLE = (Batch.Status.SENT, Batch.Status.CLOSED)


def _diet_display(recommendations):
    """Readable diet labels ("gluten_free" -> "gluten-free") for the templates."""
    for rec in recommendations:
        rec.diet_display = [label.replace("_", "-") for label in rec.recipe.diet_labels]
    return recommendations


def _own_recommendations(user):
    return (
        Recommendation.objects.filter(participant__user=user, batch__status__in=VISIBLE)
        .select_related("batch__study", "recipe")
        .order_by("-batch__iso_year", "-batch__iso_week", "batch__study__name", "rank")
    )


def _get_batch_for_user(request, batch_id):
    """The batch and the user's recommendations in it; 404 if the user got nothing in it."""
    batch = get_object_or_404(Batch.objects.select_related("study"), pk=batch_id)
    recommendations = _diet_display(list(_own_recommendations(request.user).filter(batch=batch)))
    if not recommendations:
        raise Http404("No such batch for you.")
    return batch, recommendations


@participant_required
def my_weeks(request):
    weeks = [
        {"batch": batch, "recommendations": list(recs)}
        for batch, recs in groupby(_own_recommendations(request.user), key=lambda r: r.batch)
    ]
    return render(request, "participant/my_weeks.html", {"weeks": weeks})


@participant_required
def batch_detail(request, batch_id):
    batch, recommendations = _get_batch_for_user(request, batch_id)
    return render(
        request,
        "participant/batch.html",
        {"batch": batch, "recommendations": recommendations},
    )


urlpatterns = [
    path("", my_weeks, name="my-weeks"),
    path("weeks/<int:batch_id>/", batch_detail, name="my-batch"),
]
