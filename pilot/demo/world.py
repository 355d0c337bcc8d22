"""Build the demo world in the database: extract files, the real imports, a study, accounts.

``build_demo_world(seed)`` writes the files of :func:`pilot.demo.generate.generate` under
``VAR_DIR/demo/<seed>/``, imports them with :func:`pilot.ingest.import_extract` (recipes,
people, identities, interactions: the same path as any real extract), then creates the demo
study "Autumn recipe pilot" with two arms (popularity and ALS versions trained on the
imported data by :func:`pilot.demo.versions.train_demo_versions`), five pilot users enrolled
in it, one staff user and one analyst.

Running it again is harmless: when the demo study exists (same seed and size) nothing is
imported or created twice, the accounts are just printed again. ``reset=True`` first deletes
every pilot row and the demo accounts, then builds the same world again.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac

from pilot.batches.studies import enrol
from pilot.demo.generate import DEFAULT_END, LOCAL_TZ, SIZES, generate
from pilot.demo.versions import train_demo_versions
from pilot.demo.weeks import demo_weeks, run_demo_weeks
from pilot.models import (
    Arm,
    Batch,
    Extract,
    Identity,
    Interaction,
    Message,
    ModelVersion,
    Participant,
    Person,
    QuestionnaireAnswer,
    Rating,
    Recipe,
    Recommendation,
    Study,
)
from pilot.roles import ensure_groups

STUDY_KEY = "autumn-pilot"
STUDY_NAME = "Autumn recipe pilot"
STAFF_USERNAME = "demo-staff"
ANALYST_USERNAME = "demo-analyst"
PILOT_USER_PREFIX = "pilot-"
N_PILOT_USERS = 5
IMPORT_ORDER = ("recipes", "people", "identities", "interactions")
_MARKER = re.compile(r"manage\.py demo --seed (\d+) --size (\w+)")


class DemoError(Exception):
    """The demo world cannot be built here (the message says why and what to do)."""


class OtherDataPresent(DemoError):
    """The database holds pilot data that is not this demo world; only --reset replaces it."""


@dataclass
class Account:
    role: str  # "staff", "analyst" or "pilot user"
    username: str
    email: str
    password: str = ""  # staff and analyst
    signin_url: str = ""  # pilot users, when pilot.signin can make a link
    detail: str = ""  # e.g. the participant's arm and restrictions


@dataclass
class DemoWorld:
    seed: int
    size: str
    created: bool  # False when the world already existed
    directory: Path
    extracts: list[Extract] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)


def demo_dir(seed: int) -> Path:
    return Path(settings.VAR_DIR) / "demo" / str(seed)


def build_demo_world(seed: int = 0, reset: bool = False, *, size: str = "full") -> DemoWorld:
    """Build (or find) the demo world for ``seed``; see the module docstring.

    Raises
    ------
    DemoError
        The database holds pilot data that is not this demo world (another seed or size, or
        real data) and ``reset`` is off; or an import did not succeed.
    """
    if size not in SIZES:
        raise DemoError(f"Unknown size {size!r}; choose one of {', '.join(SIZES)}.")
    if reset:
        delete_demo_world()
    world = DemoWorld(seed=seed, size=size, created=False, directory=demo_dir(seed))
    existing = Study.objects.filter(key=STUDY_KEY).first()
    if existing is not None:
        found = _MARKER.search(existing.description)
        if not found or (int(found.group(1)), found.group(2)) != (seed, size):
            built = f"seed {found.group(1)}, size {found.group(2)}" if found else "by hand"
            raise OtherDataPresent(
                f"The database holds a demo world built differently ({built}). "
                "Run `manage.py demo --reset` to replace it (this deletes all pilot data)."
            )
        world.accounts = _accounts(existing, seed)
        return world
    if Recipe.objects.exists() or Person.objects.exists() or Interaction.objects.exists():
        raise OtherDataPresent(
            "The database already holds pilot data that is not a demo world. "
            "Run `manage.py demo --reset` to delete ALL pilot data and build the demo."
        )
    data_end = datetime.combine(DEFAULT_END + timedelta(days=1), time(0), LOCAL_TZ)
    if timezone.now() < data_end:
        raise DemoError(
            f"The demo's web data runs to {DEFAULT_END}, but this machine's clock says "
            f"{timezone.now():%Y-%m-%d}: the import would refuse those rows as being in the "
            "future. Set the clock right and run `manage.py demo` again."
        )
    world.created = True
    paths = generate(seed, world.directory, **SIZES[size])
    world.extracts = [_import(kind, paths[kind]) for kind in IMPORT_ORDER]
    versions = train_demo_versions()
    with transaction.atomic():
        study = _study(seed, size, versions)
        _enrol(study)
    run_demo_weeks(study, seed)
    world.accounts = _accounts(study, seed)
    return world


def _import(kind: str, path: Path) -> Extract:
    from pilot.ingest import import_extract

    extract = import_extract(kind, path)
    if extract.status != Extract.Status.IMPORTED:
        raise DemoError(
            f"The demo's {kind} extract {path} was not imported ({extract.status}): "
            f"{extract.error or extract.report}"
        )
    return extract


@transaction.atomic
def delete_demo_world() -> dict[str, int]:
    """Delete every pilot row and the demo accounts (and the model versions' files); return
    what was deleted, by model."""
    User = get_user_model()
    demo_users = set(
        Participant.objects.filter(study__key=STUDY_KEY).values_list("user_id", flat=True)
    )
    demo_users |= set(
        User.objects.filter(username__in=[STAFF_USERNAME, ANALYST_USERNAME]).values_list(
            "pk", flat=True
        )
    )
    files = [f for v in ModelVersion.objects.all() for f in (v.artifact, v.holdout_file) if f]
    transaction.on_commit(lambda: [Path(f).unlink(missing_ok=True) for f in files])
    deleted = {}
    for model in (
        Message,
        Rating,
        QuestionnaireAnswer,
        Recommendation,
        Batch,
        Participant,
        Arm,
        Study,
        Interaction,
        Identity,
        Person,
        Recipe,
        ModelVersion,
        Extract,
    ):
        deleted[model._meta.verbose_name_plural] = model.objects.all().delete()[0]
    deleted["demo accounts"] = User.objects.filter(pk__in=demo_users).delete()[0]
    return deleted


def _study(seed: int, size: str, versions: tuple[ModelVersion, ...]) -> Study:
    start = DEFAULT_END + timedelta(days=1)  # the Monday after the web data ends
    study = Study.objects.create(
        name=STUDY_NAME,
        key=STUDY_KEY,
        description=(
            "Demo study: each pilot user gets a weekly batch of recipes from the popularity "
            "baseline or the ALS model, rates them and answers a short questionnaire. "
            f"Built by manage.py demo --seed {seed} --size {size}."
        ),
        weekday=Study.Weekday.MONDAY,
        send_time=time(8, 0),
        timezone="Europe/London",
        response_days=6,
        reminder_after_days=3,
        start_date=start,
        end_date=start + timedelta(weeks=8, days=-1),
    )
    first = demo_weeks(study)[0].day(study.weekday)  # the pilot began four weeks ago
    study.start_date, study.end_date = first, first + timedelta(weeks=12, days=-1)
    study.save(update_fields=["start_date", "end_date"])
    for version in versions:
        Arm.objects.create(
            study=study, name=version.algorithm, model_version=version, batch_size=10, weight=1.0
        )
    return study


def _pilot_people(study: Study) -> list[Person]:
    """Five people who show the product's questions: tastes, restrictions, a new user.

    Among the people who fit each description, the first one whose arm has had fewest
    picks so far is taken, so both arms have pilot users to sign in as.
    """
    people = list(Person.objects.order_by("customer_id"))
    devices = dict(
        Identity.objects.filter(source=Identity.Source.WEB, status=Identity.Status.RESOLVED)
        .values_list("person")
        .annotate(n=Count("pk"))
    )

    picks = Counter()

    def first(test):
        fitting = [p for p in people if p not in chosen and test(p)]
        if not fitting:
            return None
        arms = {p.pk: study.assign_arm(p).name for p in fitting[:20]}
        person = min(fitting[:20], key=lambda p: picks[arms[p.pk]])
        picks[arms[person.pk]] += 1
        return person

    chosen: list[Person] = []
    for test in (
        lambda p: not p.restrictions and devices.get(p.pk, 0) >= 2 and len(p.liked_cuisines) >= 2,
        lambda p: p.restrictions == ["vegetarian"] and devices.get(p.pk, 0) >= 1,
        lambda p: "nut_free" in p.restrictions and devices.get(p.pk, 0) >= 1,
        lambda p: p.restrictions == ["gluten_free"] and devices.get(p.pk, 0) >= 1,
        lambda p: p.pk not in devices,  # never on the website: the cold-start case
    ):
        person = first(test) or first(lambda p: True)
        if person is not None:
            chosen.append(person)
    return chosen[:N_PILOT_USERS]


def _enrol(study: Study) -> None:
    """The five demo pilot users first (their logins named ``pilot-<customer id>``), then
    everyone else with an e-mail address, through the real enrolment."""
    chosen = _pilot_people(study)
    others = Person.objects.exclude(pk__in=[p.pk for p in chosen]).order_by("customer_id")
    enrol(study, [*chosen, *others])
    consent_at = datetime.combine(study.start_date, time(9, 0), LOCAL_TZ) - timedelta(days=7)
    study.participants.update(consent_at=consent_at)


def demo_password(seed: int, username: str) -> str:
    """The demo password of a staff or analyst account: derived from SECRET_KEY, reprintable."""
    digest = salted_hmac(
        "pilot.demo.password", f"{seed}:{username}", algorithm="sha256"
    ).hexdigest()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


def _accounts(study: Study, seed: int) -> list[Account]:
    """Create the staff and analyst accounts if missing; list every demo account."""
    User = get_user_model()
    staff_group, analyst_group = ensure_groups()
    accounts = []
    for role, username, group, is_staff in (
        ("staff", STAFF_USERNAME, staff_group, True),
        ("analyst", ANALYST_USERNAME, analyst_group, False),
    ):
        password = demo_password(seed, username)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username, email=f"{username}@example.org", password=password, is_staff=is_staff
            )
            user.groups.add(group)
        shown = password if user.check_password(password) else "(changed since; not shown)"
        accounts.append(Account(role, username, user.email, password=shown))
    demo_people = [p.pk for p in _pilot_people(study)]
    for participant in (
        study.participants.filter(person__in=demo_people)
        .select_related("user", "person", "arm")
        .order_by("person__customer_id")
    ):
        person = participant.person
        restrictions = ", ".join(person.restrictions) or "no restrictions"
        history = "web history" if person.interactions.exists() else "no web history: a new user"
        accounts.append(
            Account(
                "pilot user",
                participant.user.username,
                participant.user.email,
                signin_url=_signin_link(participant.user),
                detail=f"arm {participant.arm.name}; {restrictions}; {history}",
            )
        )
    return accounts


def _signin_link(user) -> str:
    try:
        from pilot.signin import create_signin_link
    except ImportError:
        return ""
    return create_signin_link(user)
