from django.db import models


class Message(models.Model):
    """The outbox: one e-mail per batch, participant and kind, claimed before it is sent.

    States: ``pending`` -> ``sending`` (claimed by one worker, which is talking to the mail
    server) -> ``sent`` or ``failed`` (with the error). A row found ``sending`` after its
    claim has gone stale belonged to a worker that died mid-message: it is sent again on the
    next run and marked ``retried``, because the first attempt may or may not have reached
    the mail server (see docs/cycle.md, "What a kill can leave").
    """

    class Kind(models.TextChoices):
        INVITE = "invite", "This week's recipes"
        REMINDER = "reminder", "Reminder"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey("pilot.Batch", on_delete=models.CASCADE, related_name="messages")
    participant = models.ForeignKey(
        "pilot.Participant", on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    to = models.EmailField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    retried = models.BooleanField(
        default=False, help_text="Sent again after a worker died mid-send: may be a duplicate."
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["batch", "kind", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "participant", "kind"], name="message_one_per_batch_kind"
            ),
        ]
        indexes = [models.Index(fields=["batch", "kind", "state"], name="message_batch_state")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.participant} ({self.state})"
