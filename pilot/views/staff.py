"""The staff home page: what is in the database, how jobs run, where to go next."""

from django.conf import settings
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from pilot.access import staff_required
from pilot.models import (
    Extract,
    Interaction,
    ModelVersion,
    Participant,
    Person,
    Recipe,
    Study,
)


def _url_or(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


@staff_required
def home(request):
    counts = [
        ("Recipes", Recipe.objects.count()),
        ("People", Person.objects.count()),
        ("Interactions", Interaction.objects.count()),
        ("Extracts", Extract.objects.count()),
        ("Studies", Study.objects.count()),
        ("Participants", Participant.objects.count()),
        ("Model versions", ModelVersion.objects.count()),
    ]
    links = {
        "admin": reverse("admin:index"),
        "data": _url_or("data-home", "/staff/data/"),
        "rq": reverse("django_rq:home"),
    }
    ctx = {"counts": counts, "links": links, "jobs_inline": settings.JOBS_INLINE}
    return render(request, "staff/home.html", ctx)


urlpatterns = [
    path("", home, name="staff-home"),
]
