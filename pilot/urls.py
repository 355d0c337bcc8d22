from django.contrib import admin
from django.urls import include, path

from pilot.views import (
    accounts,
    dashboard,
    data,
    ingredients,
    jobs,
    participant,
    pilot_test,
    recipes,
    staff,
    studies,
    versions,
)

urlpatterns = [
    path("", include(accounts.urlpatterns)),
    path("me/", include(participant.urlpatterns)),
    path("staff/", include(staff.urlpatterns)),
    path("staff/data/", include(data.urlpatterns)),
    path("staff/studies/", include(studies.urlpatterns)),
    path("staff/versions/", include(versions.urlpatterns)),
    path("staff/ingredients/", include(ingredients.urlpatterns)),
    path("staff/jobs/", include(jobs.urlpatterns)),
    path("dashboard/", include(pilot_test.urlpatterns)),  # before the dashboard's <page>
    path("dashboard/recipes/", include(recipes.urlpatterns)),  # before a study key "recipes"
    path("dashboard/", include(dashboard.urlpatterns)),
    path("admin/django_rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
]
