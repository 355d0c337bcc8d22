"""The unknown-ingredient worklist, staff classifications, and re-deriving recipe labels.

- ``current_table()``: the ingredient table with every staff classification in force.
- ``relabel(recipes, table)``: store what ``label_recipe`` says for these recipes (labels,
  labels if known, their unknown names).
- ``worklist()``: every unknown name with the recipes it blocks and the restricted
  participants whose labels it blocks, most impact first, with the total.
- ``classify(names, facts, user)``: record a decision (append-only, who and when) and
  re-derive the labels of every recipe it touches, in one transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from pilot.ingredients import Table, ingredient_table, label_recipe
from pilot.ingredients.facts import check_facts
from pilot.ingredients.table import normalise_name
from pilot.models import IngredientClassification, Participant, Recipe, UnknownIngredient

BATCH = 500


def classifications_in_force() -> dict[str, list[str]]:
    """Name -> facts of the latest classification of each name."""
    latest: dict[str, list[str]] = {}
    rows = IngredientClassification.objects.order_by("classified_at", "id")
    for name, facts in rows.values_list("name", "facts"):
        latest[name] = facts
    return latest


def current_table() -> Table:
    """The ingredient table with the staff classifications in force."""
    overrides = classifications_in_force()
    base = ingredient_table()
    return base.with_overrides(overrides) if overrides else base


def relabel(recipes: Iterable[Recipe], table: Table | None = None) -> int:
    """Re-derive (or re-check) the labels of these recipes; return how many changed.

    Writes ``diet_labels`` and ``labels_if_known`` and replaces the recipes'
    ``UnknownIngredient`` rows. Call inside a transaction when it must be all-or-nothing.
    """
    table = table or current_table()
    changed = 0
    recipes = list(recipes)
    for start in range(0, len(recipes), BATCH):
        batch = recipes[start : start + BATCH]
        updates, unknown_rows = [], []
        for recipe in batch:
            result = label_recipe(recipe.ingredients, recipe.given_diet_labels, table)
            if (recipe.diet_labels, recipe.labels_if_known) != (
                result.labels,
                result.labels_if_known,
            ):
                recipe.diet_labels = result.labels
                recipe.labels_if_known = result.labels_if_known
                updates.append(recipe)
            unknown_rows += [UnknownIngredient(recipe=recipe, name=n[:200]) for n in result.unknown]
        if updates:
            Recipe.objects.bulk_update(updates, ["diet_labels", "labels_if_known"])
        UnknownIngredient.objects.filter(recipe__in=[r.pk for r in batch]).delete()
        UnknownIngredient.objects.bulk_create(unknown_rows, ignore_conflicts=True)
        changed += len(updates)
    return changed


@dataclass(frozen=True)
class WorklistRow:
    """One unknown ingredient name and what it blocks."""

    name: str
    recipes: int
    participants: int


def restriction_groups() -> Counter:
    """Active participants with restrictions, counted by their set of restrictions."""
    groups: Counter = Counter()
    rows = Participant.objects.filter(active=True).values_list("person__restrictions", flat=True)
    for restrictions in rows:
        if restrictions:
            groups[frozenset(restrictions)] += 1
    return groups


def worklist(limit: int | None = None) -> tuple[list[WorklistRow], int]:
    """``(rows, total)``: unknown names of active recipes, most impact first.

    A name *blocks* a restricted participant when some active recipe containing it would
    satisfy every one of the participant's restrictions if the unknown names of that recipe
    broke nothing (``Recipe.labels_if_known``). Sorted by participants blocked, then recipes,
    then name; ``total`` counts every unknown name, ``limit`` only shortens ``rows``.
    """
    unknown = UnknownIngredient.objects.filter(recipe__active=True)
    recipes = dict(unknown.values_list("name").annotate(n=Count("recipe_id")).order_by())
    groups = restriction_groups()
    blocked: dict[str, set[frozenset]] = defaultdict(set)
    if groups:
        for name, if_known in unknown.values_list("name", "recipe__labels_if_known"):
            labels = set(if_known or ())
            for group in groups:
                if group <= labels:
                    blocked[name].add(group)
    rows = [
        WorklistRow(name, count, sum(groups[g] for g in blocked.get(name, ())))
        for name, count in recipes.items()
    ]
    rows.sort(key=lambda r: (-r.participants, -r.recipes, r.name))
    return (rows[:limit] if limit is not None else rows), len(rows)


@dataclass(frozen=True)
class Classified:
    """What one ``classify`` call did."""

    names: list[str]
    facts: list[str]
    recipes_relabelled: int
    recipes_checked: int


def classify(names: Iterable[str], facts: Iterable[str], user=None, note: str = "") -> Classified:
    """Give these ingredient names these facts and re-derive every affected recipe at once.

    Raises ``ValueError`` for an empty name list or a word that is not a fact. The recipes
    that list one of the names as unknown are re-derived; if a name was already known (a
    correction), every recipe is, since any of them may contain it.
    """
    keys = list(dict.fromkeys(normalise_name(n) for n in names if normalise_name(n)))
    if not keys:
        raise ValueError("no ingredient name to classify")
    too_long = [k for k in keys if len(k) > 200]
    if too_long:
        raise ValueError(f"ingredient name longer than 200 characters: {too_long[0][:40]}...")
    fact_set = sorted(check_facts(facts, "classification"))
    with transaction.atomic():
        before = current_table()
        now = timezone.now()
        decisions = [
            IngredientClassification(
                name=key,
                facts=fact_set,
                previous_facts=(
                    None if before.facts_of(key) is None else sorted(before.facts_of(key))
                ),
                note=note[:300],
                classified_by=user if getattr(user, "is_authenticated", False) else None,
                classified_at=now,
            )
            for key in keys
        ]
        IngredientClassification.objects.bulk_create(decisions)
        table = before.with_overrides({key: fact_set for key in keys})
        if any(d.previous_facts is not None for d in decisions):
            affected = Recipe.objects.all()
        else:
            affected = Recipe.objects.filter(
                pk__in=UnknownIngredient.objects.filter(name__in=keys).values("recipe_id")
            )
        affected = list(affected.order_by("pk"))
        changed = relabel(affected, table)
        for decision in decisions:
            decision.recipes_relabelled = changed
        IngredientClassification.objects.bulk_update(decisions, ["recipes_relabelled"])
    return Classified(keys, fact_set, changed, len(affected))
