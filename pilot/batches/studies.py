"""Studies, arms and enrolment as plain functions (staff pages and commands call these).

- :func:`create_study` makes a study and its arms in one transaction, after checking every
  arm (a trained model version, 1-50 recipes, a weight) and the schedule.
- :func:`enrol` makes the pilot users and participants for a list of people. The arm comes
  from :meth:`Study.assign_arm` (a stable hash), so enrolling again changes nothing and
  enrolling more people never moves anyone. People without an e-mail address are skipped
  and reported; people whose restrictions leave fewer recipes than their arm's batch size,
  or who carry a label that no recipe has, are enrolled but named (:func:`diet_warnings`):
  never a silently empty batch.
- :func:`withdraw` stops a participant's batches and messages from the next step on.
"""

from __future__ import annotations

import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pilot.models import Arm, ModelVersion, Participant, Person, Recipe, Study
from pilot.models.catalog import DIET_LABELS
from recommender.catalog import normalize_labels
from recommender.models.features import restriction_key
from recommender.stats import sample_ratio_mismatch

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
PILOT_USERNAME_PREFIX = "pilot-"


class StudyError(ValueError):
    """A study, arm or enrolment request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class ArmSpec:
    label: str
    version_id: int
    batch_size: int
    weight: float = 1.0
    allow_repeats: bool = False

    @classmethod
    def parse(cls, text: str) -> ArmSpec:
        """``LABEL:VERSION_ID:K[:WEIGHT]`` -> ArmSpec (clear errors for each part)."""
        parts = text.split(":")
        if len(parts) not in (3, 4):
            raise StudyError(f"--arm {text!r}: write it as LABEL:VERSION_ID:K[:WEIGHT]")
        label, version, k, *weight = parts
        if not re.fullmatch(r"[\w-]{1,60}", label):
            raise StudyError(f"--arm {text!r}: the label must be letters, digits, - or _")
        try:
            version_id = int(version)
        except ValueError:
            raise StudyError(f"--arm {text!r}: VERSION_ID {version!r} is not a number") from None
        try:
            batch_size = int(k)
        except ValueError:
            raise StudyError(f"--arm {text!r}: K {k!r} is not a whole number") from None
        try:
            w = float(weight[0]) if weight else 1.0
        except ValueError:
            raise StudyError(f"--arm {text!r}: WEIGHT {weight[0]!r} is not a number") from None
        return cls(label, version_id, batch_size, w)


def parse_weekday(text: str) -> int:
    key = str(text).strip().lower()[:3]
    if key not in WEEKDAYS:
        raise StudyError(f"weekday {text!r}: use mon, tue, wed, thu, fri, sat or sun")
    return WEEKDAYS[key]


def parse_time(text: str) -> time:
    try:
        return datetime.strptime(str(text).strip(), "%H:%M").time()
    except ValueError:
        raise StudyError(f"time {text!r}: write it as HH:MM, e.g. 09:00") from None


def _check_schedule(tz: str, response_days: int, remind_after_days: int) -> None:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise StudyError(f"time zone {tz!r} is not known (e.g. Europe/Amsterdam)") from None
    if response_days < 1:
        raise StudyError("the response window must be at least 1 day")
    if remind_after_days < 1 or remind_after_days >= response_days:
        raise StudyError(
            f"the reminder ({remind_after_days} days) must come after sending and before the "
            f"window closes ({response_days} days)"
        )


def _check_arms(arms: list[ArmSpec]) -> dict[int, ModelVersion]:
    if not arms:
        raise StudyError("a study needs at least one arm (--arm LABEL:VERSION_ID:K)")
    labels = Counter(arm.label for arm in arms)
    twice = [label for label, n in labels.items() if n > 1]
    if twice:
        raise StudyError(f"arm label(s) used twice: {', '.join(twice)}")
    versions = ModelVersion.objects.in_bulk([arm.version_id for arm in arms])
    for arm in arms:
        version = versions.get(arm.version_id)
        if version is None:
            raise StudyError(f"arm {arm.label}: there is no model version {arm.version_id}")
        if not version.artifact:
            raise StudyError(
                f"arm {arm.label}: model version {arm.version_id} ({version.name}) has not "
                "been trained (no artifact); train one with `manage.py train_model`"
            )
        if not 1 <= arm.batch_size <= 50:
            raise StudyError(f"arm {arm.label}: K must be 1-50 recipes, got {arm.batch_size}")
        if arm.weight < 0:
            raise StudyError(f"arm {arm.label}: the weight cannot be negative")
    if sum(arm.weight for arm in arms) <= 0:
        raise StudyError("at least one arm needs a weight above 0")
    return versions


#: Keys a study cannot have: /dashboard/<key>/ would reach another page.
RESERVED_KEYS = frozenset({"recipes"})


@transaction.atomic
def create_study(
    key: str,
    *,
    arms: list[ArmSpec],
    name: str = "",
    description: str = "",
    weekday: int = 0,
    send_time: time = time(9, 0),
    tz: str = "Europe/London",
    response_days: int = 5,
    remind_after_days: int = 3,
    start_date=None,
    end_date=None,
) -> Study:
    if not re.fullmatch(r"[-a-z0-9_]{1,60}", key or ""):
        raise StudyError(f"study key {key!r}: use 1-60 lower-case letters, digits, - or _")
    if key in RESERVED_KEYS:
        raise StudyError(
            f"study key {key!r} is taken by a dashboard address (/dashboard/{key}/); choose another"
        )
    if Study.objects.filter(key=key).exists():
        raise StudyError(f"a study with key {key!r} exists already")
    _check_schedule(tz, response_days, remind_after_days)
    versions = _check_arms(arms)
    study = Study.objects.create(
        key=key,
        name=name or key,
        description=description,
        weekday=weekday,
        send_time=send_time,
        timezone=tz,
        response_days=response_days,
        reminder_after_days=remind_after_days,
        start_date=start_date,
        end_date=end_date,
    )
    Arm.objects.bulk_create(
        Arm(
            study=study,
            name=arm.label,
            model_version=versions[arm.version_id],
            batch_size=arm.batch_size,
            weight=arm.weight,
            allow_repeats=arm.allow_repeats,
        )
        for arm in arms
    )
    return study


# ---------------------------------------------------------------------- enrolment
@dataclass
class DietWarning:
    person: Person
    restrictions: tuple[str, ...]
    allowed: int
    needed: int
    unknown_labels: tuple[str, ...] = ()

    def __str__(self) -> str:
        diet = ", ".join(self.restrictions)
        if self.unknown_labels:
            return (
                f"{self.person.customer_id}: no recipe carries {', '.join(self.unknown_labels)} "
                f"(restrictions: {diet}); their batches will be empty"
            )
        return (
            f"{self.person.customer_id}: only {self.allowed} active recipe(s) fit {diet}, "
            f"fewer than the {self.needed} of a batch"
        )


@dataclass
class EnrolmentReport:
    study: Study
    dry_run: bool = False
    created: list[Participant] = field(default_factory=list)
    already: int = 0
    no_email: list[Person] = field(default_factory=list)
    unknown_customers: list[str] = field(default_factory=list)
    warnings: list[DietWarning] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would enrol" if self.dry_run else "enrolled"
        arms = Counter(p.arm.name for p in self.created)
        split = ", ".join(f"{name} {n}" for name, n in sorted(arms.items())) or "nobody"
        out = [
            f"{self.study.key}: {verb} {len(self.created)} new participant(s) ({split}); "
            f"{self.already} already enrolled, unchanged"
        ]
        if self.no_email:
            ids = ", ".join(p.customer_id for p in self.no_email[:20])
            more = f" and {len(self.no_email) - 20} more" if len(self.no_email) > 20 else ""
            out.append(f"skipped {len(self.no_email)} without an e-mail address: {ids}{more}")
        if self.unknown_customers:
            ids = ", ".join(self.unknown_customers[:20])
            out.append(f"unknown customer id(s), not enrolled: {ids}")
        for warning in self.warnings:
            out.append(f"warning: {warning}")
        return out


class _DietCheck:
    """Counts of active recipes fitting each restriction set, computed once per set."""

    def __init__(self):
        self.labels = [
            normalize_labels(x)
            for x in Recipe.objects.filter(active=True).values_list("diet_labels", flat=True)
        ]
        self.known = set().union(*self.labels) if self.labels else set()
        self._counts: dict[str, int] = {}

    def warning(self, person: Person, needed: int) -> DietWarning | None:
        wanted = normalize_labels(person.restrictions or [])
        if not wanted:
            return None
        key = restriction_key(wanted)
        if key not in self._counts:
            self._counts[key] = sum(1 for labels in self.labels if wanted <= labels)
        allowed = self._counts[key]
        unknown = tuple(sorted(wanted - self.known))
        if allowed >= needed and not unknown:
            return None
        return DietWarning(person, tuple(sorted(wanted)), allowed, needed, unknown)


def diet_warnings(study: Study) -> list[DietWarning]:
    """Active participants whose restrictions leave fewer recipes than their arm's K."""
    check = _DietCheck()
    participants = study.participants.filter(active=True).select_related("person", "arm")
    found = [check.warning(p.person, p.arm.batch_size) for p in participants]
    return [w for w in found if w is not None]


def _user_for(person: Person):
    """The person's pilot login: the one of an earlier study, else a new one."""
    earlier = Participant.objects.filter(person=person).select_related("user").first()
    if earlier is not None:
        return earlier.user
    User = get_user_model()
    username = f"{PILOT_USERNAME_PREFIX}{person.customer_id.lower()}"[:150]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=person.email)
        user.set_unusable_password()
        user.save()
    return user


def enrol(study: Study, people, *, dry_run: bool = False, unknown_customers=()) -> EnrolmentReport:
    """Enrol ``people`` (Person rows) in ``study``; see the module docstring."""
    report = EnrolmentReport(
        study=study, dry_run=dry_run, unknown_customers=list(unknown_customers)
    )
    if not study.arms.exists():
        raise StudyError(f"study {study.key!r} has no arms")
    enrolled = set(study.participants.values_list("person_id", flat=True))
    check = _DietCheck()
    consent_at = timezone.now()
    with transaction.atomic():
        for person in people:
            if person.pk in enrolled:
                report.already += 1
                continue
            if not person.email:
                report.no_email.append(person)
                continue
            arm = study.assign_arm(person)
            participant = Participant(study=study, person=person, arm=arm, consent_at=consent_at)
            if not dry_run:
                participant.user = _user_for(person)
                participant.save()
            enrolled.add(person.pk)
            report.created.append(participant)
            warning = check.warning(person, arm.batch_size)
            if warning is not None:
                report.warnings.append(warning)
    return report


def people_for_customers(customer_ids) -> tuple[list[Person], list[str]]:
    """The Person rows for ``customer_ids`` (in order, duplicates once) and the unknown ids."""
    wanted = list(dict.fromkeys(c.strip() for c in customer_ids if c and c.strip()))
    found = {p.customer_id: p for p in Person.objects.filter(customer_id__in=wanted)}
    return [found[c] for c in wanted if c in found], [c for c in wanted if c not in found]


def withdraw(participant: Participant) -> None:
    """No further batches or messages for this participant (their answers so far stay)."""
    Participant.objects.filter(pk=participant.pk, active=True).update(
        active=False, withdrawn_at=timezone.now()
    )


@dataclass
class Split:
    rows: list[dict]
    srm: object  # recommender.stats.SampleRatioMismatch or None

    @property
    def flagged(self) -> bool:
        return bool(self.srm is not None and self.srm.mismatch)


def arm_split(study: Study) -> Split:
    """Enrolled (active) participants per arm against the weights, with the SRM test."""
    arms = list(study.arms.order_by("pk"))
    counts = Counter(study.participants.filter(active=True).values_list("arm_id", flat=True))
    total_weight = sum(a.weight for a in arms) or 1.0
    n = sum(counts.values())
    rows = [
        {
            "arm": arm,
            "count": counts.get(arm.pk, 0),
            "expected_share": arm.weight / total_weight,
            "share": counts.get(arm.pk, 0) / n if n else 0.0,
        }
        for arm in arms
    ]
    srm = None
    weighted = [r for r in rows if r["arm"].weight > 0]
    if n and len(weighted) > 1:
        srm = sample_ratio_mismatch(
            [r["count"] for r in weighted], [r["arm"].weight for r in weighted]
        )
    return Split(rows, srm)


__all__ = [
    "ArmSpec",
    "DIET_LABELS",
    "DietWarning",
    "EnrolmentReport",
    "StudyError",
    "arm_split",
    "create_study",
    "diet_warnings",
    "enrol",
    "parse_time",
    "parse_weekday",
    "people_for_customers",
    "withdraw",
]
