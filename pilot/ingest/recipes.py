"""Recipes extract -> Recipe rows, created or updated in place by ``recipe_id``."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from pilot.ingest.common import (
    Context,
    batched,
    parse_labels,
    unknown_words_warning,
    whole_number,
)
from pilot.ingest.formats import FORMATS, split_list
from pilot.ingest.validate import Check
from pilot.ingredients import label_recipe, normalise
from pilot.ingredients.worklist import current_table, worklist
from pilot.models import Recipe, UnknownIngredient
from pilot.tags import normalise_tag

MAX_MINUTES = 7 * 24 * 60
#: How many label contradictions the report lists one by one (all are counted).
MAX_CONTRADICTIONS = 200
#: How many names of the unknown-ingredient worklist the report shows.
WORKLIST_TOP = 25


def duplicate_reason(first_line: int, column: str) -> str:
    return f"duplicate key: the same {column} as line {first_line}"


class RecipeImporter:
    """Upsert recipes; derive diet labels from the ingredients, or check the given ones."""

    fmt = FORMATS["recipes"]

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.first_line: dict[str, int] = {}
        self.parsed: dict[str, dict] = {}
        self.counts = Counter()
        self.unknown_ingredients = Counter()
        self.contradictions: list[str] = []
        self.unknown_labels = Counter()
        self.unknown_tags = Counter()
        self.table = current_table()

    def process(self, check: Check) -> None:
        rows = check.rows
        parsed: dict[str, dict] = {}
        for position in range(len(rows)):
            if not check.ok[position]:
                continue
            row = rows.iloc[position]
            recipe_id = row["recipe_id"].strip()
            line = int(check.lines[position])
            if recipe_id in self.first_line:
                check.reject_at(
                    position,
                    "recipe_id",
                    duplicate_reason(self.first_line[recipe_id], "recipe_id"),
                    recipe_id,
                    summary="duplicate key",
                )
                continue
            fields = {"title": row["title"].strip()}
            if self.ctx.has_column("description"):
                fields["description"] = row["description"].strip()
            if self.ctx.has_column("ingredients"):
                fields["ingredients"] = [normalise(i) for i in split_list(row["ingredients"])]
            if self.ctx.has_column("tags"):
                fields["tags"] = []
                for raw in split_list(row["tags"]):
                    tag, known = normalise_tag(raw)
                    if not known:
                        self.unknown_tags[tag] += 1
                    if tag not in fields["tags"]:
                        fields["tags"].append(tag)
            if self.ctx.has_column("minutes"):
                text = row["minutes"].strip()
                minutes = whole_number(text) if text else None
                if text and (minutes is None or not 0 <= minutes <= MAX_MINUTES):
                    check.reject_at(
                        position,
                        "minutes",
                        f"not a whole number of minutes from 0 to {MAX_MINUTES}",
                        text,
                    )
                    continue
                fields["minutes"] = minutes
            labels_cell = row["diet_labels"] if self.ctx.has_column("diet_labels") else ""
            labels, unknown = parse_labels(labels_cell)
            self.unknown_labels.update(unknown)
            fields["given_diet_labels"] = labels if labels_cell.strip() else None
            self.first_line[recipe_id] = line
            parsed[recipe_id] = fields
        self.parsed.update(parsed)  # written in ``finish``: reading takes no lock

    def _write(self, parsed: dict[str, dict]) -> None:
        now = timezone.now()
        for ids in batched(parsed):
            existing = {r.external_id: r for r in Recipe.objects.filter(external_id__in=ids)}
            new, changed, changed_fields = [], [], set()
            unknown: dict[str, list[str]] = {}
            for recipe_id in ids:
                fields = parsed[recipe_id]
                recipe = existing.get(recipe_id) or Recipe(external_id=recipe_id)
                ingredients = fields.get("ingredients", recipe.ingredients)
                given = fields["given_diet_labels"]
                result = label_recipe(ingredients, given, self.table)
                fields["diet_labels"] = result.labels
                fields["labels_if_known"] = result.labels_if_known
                self.unknown_ingredients.update(result.unknown)
                if given is None:
                    self.counts["diet labels derived from ingredients"] += 1
                    if result.unknown:
                        self.counts["recipes with an unknown ingredient (no label)"] += 1
                elif result.contradictions:
                    self._report_contradictions(recipe_id, result.contradictions)
                unknown[recipe_id] = result.unknown
                if recipe.pk is None:
                    for name, value in fields.items():
                        setattr(recipe, name, value)
                    new.append(recipe)
                    continue
                diff = {n for n, v in fields.items() if getattr(recipe, n) != v}
                if diff:
                    for name in diff:
                        setattr(recipe, name, fields[name])
                    recipe.updated_at = now
                    changed.append(recipe)
                    changed_fields |= diff
                else:
                    self.counts["unchanged"] += 1
            Recipe.objects.bulk_create(new)
            if changed:
                Recipe.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"])
                UnknownIngredient.objects.filter(recipe__in=[r.pk for r in changed]).delete()
            UnknownIngredient.objects.bulk_create(
                [
                    UnknownIngredient(recipe=r, name=name[:200])
                    for r in new + changed
                    for name in unknown[r.external_id]
                ],
                ignore_conflicts=True,
            )
            self.counts["created"] += len(new)
            self.counts["updated"] += len(changed)

    def _report_contradictions(self, recipe_id: str, clashes: list[tuple[str, str]]) -> None:
        """A given label an ingredient breaks: stored without it, and said per recipe."""
        self.counts["recipes whose given labels an ingredient contradicts"] += 1
        if len(self.contradictions) < MAX_CONTRADICTIONS:
            said = "; ".join(f"{label} (but {name})" for label, name in clashes)
            labels = ", ".join(label for label, _ in clashes)
            self.contradictions.append(f"{recipe_id}: labelled {said}; stored without {labels}")

    def finish(self) -> dict:
        self._write(self.parsed)
        self.ctx.warnings += unknown_words_warning("diet labels", self.unknown_labels)
        self.ctx.warnings += unknown_words_warning("tags", self.unknown_tags)
        top, total = worklist(limit=WORKLIST_TOP)
        return {
            "counts": dict(self.counts),
            "unknown_ingredients_in_file": len(self.unknown_ingredients),
            "unknown_ingredients_total": total,
            "unknown_ingredients_top": [[r.name, r.recipes, r.participants] for r in top],
            "label_contradictions": self.contradictions,
        }
