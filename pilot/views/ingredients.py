"""Staff pages: the unknown-ingredient worklist, and classifying one or many names."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from pilot.access import staff_required
from pilot.ingredients.facts import FACTS
from pilot.ingredients.worklist import worklist
from pilot.jobs import classify_ingredients_job, enqueue
from pilot.models import IngredientClassification, Job, UnknownIngredient

ROWS_SHOWN = 300
HISTORY_SHOWN = 30


class ClassifyForm(forms.Form):
    names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One ingredient name per line (ticked rows of the worklist are added).",
        required=False,
    )
    facts = forms.MultipleChoiceField(
        choices=[(f, f"{f}: {meaning}") for f, meaning in FACTS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick nothing for an ingredient that breaks no label (e.g. a vegetable).",
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, ticked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ticked = list(ticked)

    def clean(self):
        data = super().clean()
        typed = [n.strip() for n in (data.get("names") or "").splitlines() if n.strip()]
        data["name_list"] = list(dict.fromkeys(self.ticked + typed))
        if not data["name_list"]:
            raise forms.ValidationError("Tick or type at least one ingredient name.")
        if any(len(n) > 200 for n in data["name_list"]):
            raise forms.ValidationError("An ingredient name is longer than 200 characters.")
        return data


def _render_worklist(request, form, status=200):
    rows, total = worklist()
    shown = rows[:ROWS_SHOWN]
    examples = {}
    for row in UnknownIngredient.objects.filter(name__in=[r.name for r in shown[:50]]).values(
        "name", "recipe__title", "recipe__external_id"
    )[:2000]:
        examples.setdefault(row["name"], (row["recipe__title"], row["recipe__external_id"]))
    context = {
        "rows": [(r, examples.get(r.name)) for r in shown],
        "total": total,
        "shown": len(shown),
        "form": form,
        "history": IngredientClassification.objects.select_related("classified_by")[:HISTORY_SHOWN],
    }
    return render(request, "staff/ingredients.html", context, status=status)


@require_GET
@staff_required
def worklist_page(request):
    return _render_worklist(request, ClassifyForm())


@require_POST
@staff_required
def classify_view(request):
    form = ClassifyForm(request.POST, ticked=request.POST.getlist("name"))
    if not form.is_valid():
        return _render_worklist(request, form, status=400)
    data = form.cleaned_data
    record = enqueue(
        classify_ingredients_job,
        data["name_list"],
        list(data["facts"]),
        request.user.pk,
        data["note"],
        user=request.user,
    )
    record.refresh_from_db()
    if record.state == Job.State.DONE:
        messages.success(request, record.result)
    elif record.state == Job.State.FAILED:
        messages.error(request, f"Classifying failed: {record.error.splitlines()[0]}")
    else:
        messages.info(
            request,
            f"Classifying {len(data['name_list'])} name(s) and relabelling the recipes runs in "
            f"the background (job {record.pk}, on the Jobs page); the worklist shows the "
            "result when it is done.",
        )
    return redirect("ingredients-worklist")


urlpatterns = [
    path("", worklist_page, name="ingredients-worklist"),
    path("classify/", classify_view, name="ingredients-classify"),
]
