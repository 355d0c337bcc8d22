from django.db import models


class DataSummary(models.Model):
    """The Data page's aggregates over every interaction, stored so the page need not scan
    millions of rows. ``fingerprint`` names the data they were computed from (see
    ``pilot.ingest.summary``); a summary whose fingerprint no longer matches is recomputed."""

    name = models.CharField(max_length=32, unique=True)
    fingerprint = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)
    seconds = models.FloatField(default=0, help_text="How long computing it took.")

    class Meta:
        verbose_name_plural = "data summaries"

    def __str__(self) -> str:
        return f"{self.name} summary ({self.computed_at:%Y-%m-%d %H:%M})"
