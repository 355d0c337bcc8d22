from django.conf import settings
from django.db import models


class Comparison(models.Model):
    """Two model versions side by side (``pilot.comparisons``): B against A, stored so its
    page opens at once and the client report can show the latest one.

    ``result`` holds every number the page shows (offline deltas with paired intervals,
    overlap distributions, segments, the people whose lists changed most under pseudonyms,
    the pilot difference); ``sentence`` is its one-sentence verdict. Computing the pair
    again replaces the row (one row per ordered pair).
    """

    version_a = models.ForeignKey(
        "pilot.ModelVersion", on_delete=models.CASCADE, related_name="comparisons_as_a"
    )
    version_b = models.ForeignKey(
        "pilot.ModelVersion", on_delete=models.CASCADE, related_name="comparisons_as_b"
    )
    sentence = models.TextField(blank=True, help_text="What changed and whether it is noise.")
    result = models.JSONField(default=dict, blank=True)
    seconds = models.FloatField(default=0, help_text="How long computing it took.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version_a", "version_b"], name="comparison_unique_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(version_a=models.F("version_b")),
                name="comparison_two_versions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_b} vs {self.version_a}"
