from django.conf import settings
from django.db import models


class Job(models.Model):
    """One background job: what runs (a dotted function path and its arguments), its state,
    progress and outcome. ``pilot.jobs.enqueue`` creates the row; ``run_job`` claims it
    (queued -> running, a conditional update) and records done or failed."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import"
        TRAIN = "train", "Train"
        GENERATE = "generate", "Generate"
        SEND = "send", "Send"
        REMIND = "remind", "Remind"
        CLOSE = "close", "Close"
        TICK = "tick", "Tick"
        SIGNIN = "signin", "Sign-in"
        RELABEL = "relabel", "Relabel recipes"
        OTHER = "other", "Other"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    func = models.CharField(max_length=200, help_text="Dotted path of the job function.")
    args = models.JSONField(default=dict, blank=True, help_text='{"args": [...], "kwargs": {...}}')
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0-100.")
    message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rq_job_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="job_state_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_max_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} job #{self.pk} ({self.state})"

    @property
    def duration(self):
        """Time from start to finish (or until now while running); None before it starts."""
        if self.started_at is None:
            return None
        from django.utils import timezone

        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def call_args(self) -> list:
        return list((self.args or {}).get("args", []))

    @property
    def call_kwargs(self) -> dict:
        return dict((self.args or {}).get("kwargs", {}))
