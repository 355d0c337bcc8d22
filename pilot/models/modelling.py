from django.conf import settings
from django.db import models


class ModelVersion(models.Model):
    """A trained recommender: algorithm, parameters, which data, artifact, offline metrics."""

    class Algorithm(models.TextChoices):
        ALS = "als", "ALS (implicit)"
        BPR = "bpr", "BPR (implicit)"
        ITEMKNN = "itemknn", "Item k-NN"
        POPULARITY = "popularity", "Popularity"

    name = models.CharField(max_length=100, unique=True)
    algorithm = models.CharField(max_length=16, choices=Algorithm.choices)
    params = models.JSONField(default=dict, blank=True)
    data_cutoff = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The served artifact was fitted on the interactions before this (training time).",
    )
    holdout_cutoff = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Offline metrics: trained before this, tested on the interactions after it.",
    )
    features = models.JSONField(
        default=list,
        blank=True,
        help_text='Side-feature columns used, as "user:region" or "item:cuisine".',
    )
    data_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the matrix the artifact was fitted on."
    )
    data_start = models.DateTimeField(null=True, blank=True, help_text="First interaction seen.")
    data_end = models.DateTimeField(null=True, blank=True, help_text="Last interaction seen.")
    n_events = models.PositiveIntegerField(default=0, help_text="Interactions resolved to people.")
    n_people = models.PositiveIntegerField(default=0, help_text="People with an interaction.")
    n_recipes = models.PositiveIntegerField(default=0, help_text="Recipes with an interaction.")
    n_unresolved = models.PositiveIntegerField(
        default=0, help_text="Interactions of visitors not linked to a person: left out."
    )
    trained_at = models.DateTimeField(null=True, blank=True)
    training_seconds = models.FloatField(null=True, blank=True)
    artifact = models.CharField(max_length=500, blank=True, help_text="Path of the saved .npz.")
    holdout_file = models.CharField(
        max_length=500,
        blank=True,
        help_text="Path of the per-person holdout metrics (JSON keyed by customer id).",
    )
    metrics = models.JSONField(default=dict, blank=True, help_text="Offline metrics at training.")
    note = models.TextField(blank=True, help_text="What changed compared with earlier versions.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="variants",
        help_text="The version this one is a variant of (one feature added or removed).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def user_features(self) -> list[str]:
        return [f.split(":", 1)[1] for f in self.features or [] if f.startswith("user:")]

    @property
    def item_features(self) -> list[str]:
        return [f.split(":", 1)[1] for f in self.features or [] if f.startswith("item:")]
