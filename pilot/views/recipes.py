"""A recipe's page ("why is X never recommended?") and the recipe search, for analysts.

Thin views: the numbers come from :mod:`pilot.recipe_report`.
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from pilot.access import analyst_required
from pilot.models import Recipe
from pilot.recipe_report import SEARCH_PAGE, recipe_report, search


@require_GET
@analyst_required
def recipe_search(request):
    q = request.GET.get("q", "").strip()[:200]
    page = Paginator(search(q), SEARCH_PAGE).get_page(request.GET.get("page"))
    return render(request, "dashboard/recipe_search.html", {"q": q, "page": page})


@require_GET
@analyst_required
def recipe_page(request, external_id):
    recipe = get_object_or_404(Recipe, external_id=external_id)
    return render(request, "dashboard/recipe.html", {"r": recipe_report(recipe), "q": ""})


urlpatterns = [
    path("", recipe_search, name="dashboard-recipes"),
    path("<path:external_id>/", recipe_page, name="dashboard-recipe"),
]
