from django.db import models


class Person(models.Model):
    """A customer as the CRM knows them."""

    class AgeBand(models.TextChoices):
        UNDER_25 = "18-24", "18-24"
        B25 = "25-34", "25-34"
        B35 = "35-44", "35-44"
        B45 = "45-54", "45-54"
        B55 = "55-64", "55-64"
        OVER_65 = "65+", "65+"

    customer_id = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)
    household_size = models.PositiveSmallIntegerField(null=True, blank=True)
    region = models.CharField(max_length=64, blank=True)
    liked_cuisines = models.JSONField(default=list, blank=True)
    restrictions = models.JSONField(
        default=list, blank=True, help_text="Diet labels every recommended recipe must carry."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer_id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.customer_id


class Identity(models.Model):
    """(source, external id) -> Person.

    Web analytics knows visitors (one per device), the CRM knows customers. An identity
    whose person is unknown stays here, visible, with status ``unresolved``; a visitor
    linked to two different customers is a ``conflict`` and is never guessed.
    """

    class Source(models.TextChoices):
        CRM = "crm", "CRM customer"
        WEB = "web", "Web analytics visitor"

    class Status(models.TextChoices):
        RESOLVED = "resolved", "Resolved"
        UNRESOLVED = "unresolved", "Unresolved"
        CONFLICT = "conflict", "Conflict"

    source = models.CharField(max_length=8, choices=Source.choices)
    external_id = models.CharField(max_length=128)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="identities"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNRESOLVED)
    linked_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "external_id"]
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="identity_unique_source_external_id"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | models.Q(person__isnull=False),
                name="identity_resolved_has_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"
