"""Staff pages of model versions: the list, training one as a background job, one version."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilot import comparisons, explanations, modeldata, training
from pilot.access import staff_required
from pilot.jobs import enqueue, train_model_job, train_variant_job
from pilot.models import Comparison, ModelVersion, Person

MAX_VERSIONS_LISTED = 200


class TrainForm(forms.Form):
    algorithm = forms.ChoiceField(choices=[(k, k) for k in training.ALGORITHMS])
    params = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One NAME=VALUE per line (e.g. factors=32); the others keep their defaults.",
    )
    user_features = forms.MultipleChoiceField(
        required=False,
        choices=[(c, c) for c in modeldata.USER_FEATURE_COLUMNS],
        widget=forms.CheckboxSelectMultiple,
    )
    item_features = forms.MultipleChoiceField(
        required=False,
        choices=[(c, c) for c in modeldata.ITEM_FEATURE_COLUMNS],
        widget=forms.CheckboxSelectMultiple,
    )
    cutoff = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=f"Holdout cutoff (00:00 UTC); empty: {training.HOLDOUT_DAYS} days before "
        "the latest interaction.",
    )
    seed = forms.IntegerField(initial=training.DEFAULT_SEED, min_value=0)
    name = forms.CharField(required=False, max_length=100, help_text="Empty: algorithm and time.")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            spec = training.check_request(
                data["algorithm"],
                params=training.parse_param_args(
                    line for line in data["params"].splitlines() if line.strip()
                ),
                user_features=data["user_features"],
                item_features=data["item_features"],
                cutoff=data["cutoff"],
                name=data["name"],
                seed=data["seed"],
            )
        except training.TrainingError as error:
            raise forms.ValidationError(str(error)) from None
        # The job's arguments are JSON: the cutoff travels as ISO text (train_version reads it).
        cutoff = spec["cutoff"].isoformat() if spec["cutoff"] is not None else None
        self.spec = {**spec, "cutoff": cutoff, "note": data["note"]}
        return data


class VariantForm(forms.Form):
    """One people or recipe column to add (present in the data) or remove (a feature)."""

    change = forms.ChoiceField(label="Change exactly one column", widget=forms.RadioSelect)
    name = forms.CharField(
        required=False, max_length=100, help_text="Empty: this version's name and the column."
    )

    def __init__(self, version: ModelVersion, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["change"].choices = self.choices(version)

    @staticmethod
    def choices(version: ModelVersion) -> list[tuple[str, str]]:
        if training.algorithm_key(version.algorithm) == "popularity":
            return []
        present = list(version.features or [])
        out = [
            (f"add:{f}", f"Add the {training.SIDES[f.split(':')[0]]} column {f.split(':')[1]}")
            for f in training.columns_in_data()
            if f not in present
        ]
        out += [
            (f"remove:{f}",
             f"Remove the {training.SIDES.get(f.split(':')[0], '')} column {f.split(':')[1]}")
            for f in present
        ]  # fmt: skip
        return out

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        verb, _, feature = data["change"].partition(":")
        try:
            self.spec = training.variant_spec(
                self.version,
                add=feature if verb == "add" else None,
                remove=feature if verb == "remove" else None,
                name=data["name"],
            )
        except training.TrainingError as error:
            raise forms.ValidationError(str(error)) from None
        return data


@staff_required
def version_list(request):
    versions = ModelVersion.objects.select_related("created_by")[:MAX_VERSIONS_LISTED]
    rows = [
        {
            "version": v,
            "metrics": [
                (v.metrics.get("summary") or {}).get(name) for name in training.KEY_METRICS
            ],
            "coverage": (v.metrics.get("beyond") or {}).get("catalog_coverage"),
        }
        for v in versions
    ]
    labels = [training.METRIC_LABELS[name] for name in training.KEY_METRICS]
    return render(request, "staff/versions.html", {"rows": rows, "labels": labels})


@staff_required
@require_http_methods(["GET", "POST"])
def version_new(request):
    form = TrainForm(request.POST or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        token = training.new_run(form.spec)
        enqueue(train_model_job, token, form.spec, request.user.pk)
        return redirect("version-run", token)
    return render(
        request,
        "staff/versions_new.html",
        {"form": form, "parameters": {k: training.parameters(k) for k in training.ALGORITHMS}},
    )


def _initial(request) -> dict:
    """``?like=ID`` fills the form with that version's algorithm, parameters and features."""
    like = ModelVersion.objects.filter(pk=request.GET.get("like") or 0).first()
    if like is None:
        return {}
    spec = training.training_spec(like)
    return {
        "algorithm": spec["algorithm"],
        "params": "\n".join(f"{k}={v}" for k, v in spec["params"].items()),
        "user_features": list(spec["user_features"]),
        "item_features": list(spec["item_features"]),
        "cutoff": spec["cutoff"].date() if spec["cutoff"] else None,
        "seed": spec["seed"],
        "note": f"Like {like.name}, with: ",
    }


def run_or_404(token: str, what: str = "training run") -> dict:
    """The state file of a background run (training, comparison), or 404."""
    try:
        state = training.read_run(token)
    except ValueError:
        state = None
    if state is None:
        raise Http404(f"No such {what}.")
    return state


def run_status_json(state: dict, keys) -> JsonResponse:
    """What a run page polls: the state's ``keys`` and whether it ended."""
    return JsonResponse(
        {**{k: state.get(k) for k in keys}, "done": state["state"] in ("done", "failed")}
    )


@staff_required
def version_run(request, token: str):
    state = run_or_404(token)
    if state.get("state") == "done":
        return redirect("version-detail", state["version_id"])
    return render(request, "staff/versions_run.html", {"state": state, "token": token})


@staff_required
@require_GET
def version_run_status(request, token: str):
    return run_status_json(run_or_404(token), ("state", "percent", "message", "version_id"))


@staff_required
def version_detail(request, pk: int):
    version = get_object_or_404(ModelVersion.objects.select_related("created_by"), pk=pk)
    asked = request.GET.get("person", "").strip()
    people = list(Person.objects.filter(customer_id=asked)) if asked else None
    try:
        examples, examples_error = explanations.examples(version, people), ""
    except (FileNotFoundError, ValueError) as error:
        examples, examples_error = [], str(error)
    ctx = {
        "version": version,
        "m": version.metrics or {},
        "summary": training.summary_rows(version.metrics),
        "beyond": training.beyond_rows(version.metrics),
        "segments": training.grouped_rows(version.metrics, "segments"),
        "months": training.grouped_rows(version.metrics, "months"),
        "group_labels": [
            training.METRIC_LABELS[n] for n in ("ndcg", "recall", "precision", "hit_rate")
        ],
        "params": sorted((version.params or {}).items()),
        "examples": examples,
        "examples_error": examples_error,
        "asked": asked,
        "asked_unknown": bool(asked) and not people,
        "variant_form": VariantForm(version) if version.holdout_cutoff else None,
        **_comparison_context(version),
    }
    return render(request, "staff/versions_detail.html", ctx)


def _comparison_context(version: ModelVersion) -> dict:
    return {
        "comparisons": Comparison.objects.filter(
            Q(version_a=version) | Q(version_b=version)
        ).select_related("version_a", "version_b")[:20],
        "compare_with": ModelVersion.objects.filter(holdout_cutoff__isnull=False)
        .exclude(pk=version.pk)
        .only("pk", "name")[:MAX_VERSIONS_LISTED],
        "variants": version.variants.only("pk", "name")[:50],
    }


@staff_required
@require_POST
def version_variant(request, pk: int):
    """Train a variant with one column added or removed, then compare it with this one."""
    version = get_object_or_404(ModelVersion, pk=pk)
    form = VariantForm(version, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{reverse('version-detail', args=[pk])}#variant")
    token = comparisons.new_run(f"Training a variant of {version.name}", spec=form.spec)
    enqueue(train_variant_job, token, form.spec, request.user.pk, user=request.user)
    return redirect("comparison-run", token)


urlpatterns = [
    path("", version_list, name="version-list"),
    path("new/", version_new, name="version-new"),
    path("runs/<str:token>/", version_run, name="version-run"),
    path("runs/<str:token>/status/", version_run_status, name="version-run-status"),
    path("<int:pk>/", version_detail, name="version-detail"),
    path("<int:pk>/variant/", version_variant, name="version-variant"),
]
