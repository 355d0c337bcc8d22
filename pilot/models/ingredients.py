"""Staff classifications of ingredient names, and which recipes each unknown name blocks."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from pilot.models.catalog import Recipe


class IngredientClassification(models.Model):
    """One staff decision: this ingredient name has these facts (``pilot.ingredients.facts``).

    Append-only: the latest row per name is in force and wins over the ingredient table;
    the earlier rows are the record of who changed what, and when.
    """

    name = models.CharField(max_length=200, db_index=True)
    facts = models.JSONField(default=list, blank=True)
    previous_facts = models.JSONField(
        null=True, blank=True, help_text="The facts the name had before; empty = unknown."
    )
    note = models.CharField(max_length=300, blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    classified_at = models.DateTimeField(default=timezone.now, db_index=True)
    recipes_relabelled = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-classified_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}: {', '.join(self.facts) or 'no fact'}"


class UnknownIngredient(models.Model):
    """An ingredient name of a recipe that nobody has classified: it blocks every label."""

    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="unknown_names")
    name = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipe", "name"], name="unknown_ingredient_once")
        ]

    def __str__(self) -> str:
        return self.name
