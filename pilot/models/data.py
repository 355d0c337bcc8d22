from django.conf import settings
from django.db import models


class Extract(models.Model):
    """One imported file, with its counts and quality report. Same checksum = same file."""

    class Kind(models.TextChoices):
        RECIPES = "recipes", "Recipes"
        PEOPLE = "people", "People"
        IDENTITIES = "identities", "Identities"
        INTERACTIONS = "interactions", "Interactions"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        IMPORTED = "imported", "Imported"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=255)
    checksum = models.CharField(
        max_length=64, help_text="SHA-256 of the file's uncompressed bytes."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    date_min = models.DateTimeField(null=True, blank=True)
    date_max = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0-100.")
    error = models.TextField(blank=True, help_text="Why the whole file was refused, if it was.")
    report = models.JSONField(default=dict, blank=True)
    rejects = models.JSONField(
        default=list, blank=True, help_text="Rejected rows: line, column, reason, value."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="extract_progress_max_100"
            ),
            # The same file (kind + checksum) is imported at most once; refused attempts
            # of the same file may be recorded any number of times.
            models.UniqueConstraint(
                fields=["kind", "checksum"],
                condition=models.Q(status="imported"),
                name="extract_imported_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class Interaction(models.Model):
    """A web event: who (person, or an unresolved visitor), which recipe, what, when."""

    class Event(models.TextChoices):
        VIEW = "view", "View"
        SAVE = "save", "Save"
        COOK = "cook", "Cook"
        RATE = "rate", "Rate"

    key = models.CharField(
        max_length=64,
        help_text="Natural key: the extract's event_id, or a hash of visitor, recipe, event, time.",
    )
    visitor = models.ForeignKey(
        "pilot.Identity", on_delete=models.PROTECT, related_name="interactions"
    )
    person = models.ForeignKey(
        "pilot.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
        db_index=False,  # the (person, timestamp) index serves person lookups
    )
    recipe = models.ForeignKey(
        "pilot.Recipe", on_delete=models.PROTECT, related_name="interactions"
    )
    event = models.CharField(max_length=8, choices=Event.choices)
    value = models.FloatField(null=True, blank=True)
    timestamp = models.DateTimeField()
    extract = models.ForeignKey(
        Extract, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )

    class Meta:
        ordering = ["timestamp"]
        # A constraint rather than unique=True: the same unique index (the conflict target
        # of the import's INSERT ... ON CONFLICT (key)), without PostgreSQL's extra LIKE index.
        constraints = [models.UniqueConstraint(fields=["key"], name="interaction_unique_key")]
        indexes = [
            models.Index(fields=["timestamp"], name="interaction_timestamp"),
            models.Index(fields=["person", "timestamp"], name="interaction_person_time"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} {self.event} {self.recipe_id} at {self.timestamp:%Y-%m-%d %H:%M}"
