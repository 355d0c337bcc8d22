import hashlib
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Paris).") from None


def bucket(key: str, person_key: str) -> float:
    """Stable position in [0, 1) of a person in a study: SHA-256 of "key:person"."""
    digest = hashlib.sha256(f"{key}:{person_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class Study(models.Model):
    """A pilot: weekly schedule, response window, arms."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    name = models.CharField(max_length=120)
    key = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Stable key; arm assignment hashes it with each person.",
    )
    description = models.TextField(blank=True)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    send_time = models.TimeField(default="08:00")
    timezone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_timezone]
    )
    response_days = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1)], help_text="Days a batch stays open."
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        default=3, help_text="Remind those who have not answered after this many days."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "studies"
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="study_weekday_0_6"),
            models.CheckConstraint(
                condition=models.Q(response_days__gte=1), name="study_response_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def assign_arm(self, person):
        """The arm for ``person``: hash of (study key, customer id) cut by the arms' weights.

        Stable: the same person always lands in the same arm while the arms stay the same.
        """
        arms = list(self.arms.order_by("pk"))
        if not arms:
            raise ValueError(f"Study {self.key!r} has no arms to assign {person} to.")
        total = sum(arm.weight for arm in arms)
        point = bucket(self.key, person.customer_id) * total
        for arm in arms:
            point -= arm.weight
            if point < 0:
                return arm
        return arms[-1]


class Arm(models.Model):
    """One branch of a study: a model version and a batch size, with a weight."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="arms")
    name = models.CharField(max_length=60)
    model_version = models.ForeignKey(
        "pilot.ModelVersion", on_delete=models.PROTECT, related_name="arms"
    )
    batch_size = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])
    allow_repeats = models.BooleanField(
        default=False, help_text="May recommend recipes sent in earlier weeks again."
    )

    class Meta:
        ordering = ["study", "name"]
        constraints = [
            models.UniqueConstraint(fields=["study", "name"], name="arm_unique_name_per_study"),
            models.CheckConstraint(
                condition=models.Q(batch_size__gte=1, batch_size__lte=50),
                name="arm_batch_size_1_50",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0), name="arm_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study.key}/{self.name}"


class Participant(models.Model):
    """A Person enrolled in a Study, with a login, an arm, consent and an active flag."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "pilot.Person", on_delete=models.PROTECT, related_name="participations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations"
    )
    arm = models.ForeignKey(Arm, on_delete=models.PROTECT, related_name="participants")
    consent_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "person"], name="participant_unique_person_per_study"
            ),
            models.UniqueConstraint(
                fields=["study", "user"], name="participant_unique_user_per_study"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.study.key}"


class Batch(models.Model):
    """One weekly round of a study (ISO week): scheduled -> generated -> sent -> closed."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        GENERATED = "generated", "Generated"
        SENT = "sent", "Sent"
        CLOSED = "closed", "Closed"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="batches")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(53)]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    #: A worker running a step of this batch holds the lease until then (renewed per chunk);
    #: a second worker finds it held and leaves the step alone. A dead worker's lease expires.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True)
    #: What generating found: participants whose restrictions left no recipe, and so on.
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["study", "-iso_year", "-iso_week"]
        verbose_name_plural = "batches"
        constraints = [
            models.UniqueConstraint(
                fields=["study", "iso_year", "iso_week"], name="batch_unique_week_per_study"
            ),
            models.CheckConstraint(
                condition=models.Q(iso_week__gte=1, iso_week__lte=53), name="batch_iso_week_1_53"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study.key} {self.iso_year}-W{self.iso_week:02d}"

    @property
    def label(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"


class Recommendation(models.Model):
    """One recipe in a participant's weekly batch, with its rank, score and explanation."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="recommendations")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="recommendations"
    )
    recipe = models.ForeignKey(
        "pilot.Recipe", on_delete=models.PROTECT, related_name="recommendations"
    )
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    score = models.FloatField(null=True, blank=True)
    model_version = models.ForeignKey(
        "pilot.ModelVersion", on_delete=models.PROTECT, related_name="recommendations"
    )
    reason_code = models.CharField(max_length=40, blank=True)
    explanation = models.TextField(blank=True)
    evidence = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["batch", "participant", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "participant", "recipe"], name="recommendation_unique_recipe"
            ),
            models.UniqueConstraint(
                fields=["batch", "participant", "rank"], name="recommendation_unique_rank"
            ),
            models.CheckConstraint(
                condition=models.Q(rank__gte=1), name="recommendation_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.recipe} for {self.participant}"


class Rating(models.Model):
    """A participant's answer about one recommendation: stars, would cook, comment."""

    class WouldCook(models.TextChoices):
        YES = "yes", "Yes"
        MAYBE = "maybe", "Maybe"
        NO = "no", "No"

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="rating"
    )
    stars = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_cook = models.CharField(max_length=5, choices=WouldCook.choices)
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["recommendation"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="rating_stars_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(would_cook__in=["yes", "maybe", "no"]),
                name="rating_would_cook_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ {self.recommendation}"


LIKERT = [MinValueValidator(1), MaxValueValidator(5)]
#: ResQue constructs of the end-of-batch questionnaire, with the statement shown (DESIGN.md).
QUESTIONNAIRE_ITEMS = (
    ("accuracy", "The recipes I got this week matched my taste."),
    ("diversity", "This week's recipes were varied."),
    ("novelty", "These recommendations showed me recipes I would not have found myself."),
    ("transparency", "I understood why each recipe was recommended to me."),
    ("trust", "I trust these recommendations to respect my dietary needs."),
    ("intention", "I would like to keep receiving recommendations like these."),
)


class QuestionnaireAnswer(models.Model):
    """End-of-batch questionnaire: six 1-5 Likert items (ResQue) and free text."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="questionnaire_answers"
    )
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="questionnaire_answers")
    accuracy = models.PositiveSmallIntegerField(validators=LIKERT)
    diversity = models.PositiveSmallIntegerField(validators=LIKERT)
    novelty = models.PositiveSmallIntegerField(validators=LIKERT)
    transparency = models.PositiveSmallIntegerField(validators=LIKERT)
    trust = models.PositiveSmallIntegerField(validators=LIKERT)
    intention = models.PositiveSmallIntegerField(validators=LIKERT)
    free_text = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["batch", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "batch"], name="questionnaire_one_per_participant_batch"
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"questionnaire_{name}_1_5",
                )
                for name, _ in QUESTIONNAIRE_ITEMS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.batch.label}"
