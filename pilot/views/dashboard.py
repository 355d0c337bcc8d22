"""The analysts' landing page: studies and who is enrolled in each arm.

The real dashboard (scores vs offline metrics, model comparison) comes in a later issue.
"""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.urls import path

from pilot.access import analyst_required
from pilot.models import Arm, Study


@analyst_required
def home(request):
    arms = Arm.objects.select_related("model_version").annotate(
        enrolled=Count("participants"),
        active=Count("participants", filter=Q(participants__active=True)),
    )
    studies = list(Study.objects.prefetch_related(Prefetch("arms", queryset=arms)))
    for study in studies:
        total_weight = sum(arm.weight for arm in study.arms.all())
        for arm in study.arms.all():
            arm.share = arm.weight / total_weight if total_weight else 0.0
        study.enrolled = sum(arm.enrolled for arm in study.arms.all())
        study.active_count = sum(arm.active for arm in study.arms.all())
    return render(request, "dashboard/home.html", {"studies": studies})


urlpatterns = [
    path("", home, name="dashboard-home"),
]
