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
        null=True, blank=True, help_text="Only interactions before this were used for training."
    )
    features = models.JSONField(default=list, blank=True, help_text="Side-feature columns used.")
    data_fingerprint = models.CharField(max_length=64, blank=True)
    trained_at = models.DateTimeField(null=True, blank=True)
    training_seconds = models.FloatField(null=True, blank=True)
    artifact = models.CharField(max_length=500, blank=True, help_text="Path of the saved .npz.")
    metrics = models.JSONField(default=dict, blank=True, help_text="Offline metrics at training.")
    note = models.TextField(blank=True, help_text="What changed compared with earlier versions.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
