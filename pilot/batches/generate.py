"""Generate a week's batch: every active participant's list from their arm's model.

For each participant the arm's model version (loaded once per worker, see
:func:`pilot.modeldata.load_model`) recommends ``arm.batch_size`` recipes with:

- their restrictions as a hard constraint (a list comes back shorter rather than holding a
  recipe that breaks one; an empty list is recorded on the batch, never silently skipped);
- no recipe from their earlier weeks of this study, unless the arm allows repeats;
- their region as the segment for the cold-start path (people the model has never seen);
- the recipes they interacted with before training left out (the model's own rule).

Work goes in chunks of participants. A chunk's lists are written in one transaction that
first checks which of its participants still have none, so a run that died half-way is
simply run again: it fills only the participants still missing, and no list is ever half
written or written twice. The batch's lease (:mod:`pilot.batches.leases`) keeps a second
worker off the batch meanwhile.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from pilot import modeldata
from pilot.batches.leases import lease
from pilot.batches.schedule import Week, week_schedule
from pilot.batches.store import as_json, insert_rows
from pilot.models import Batch, Participant, Recipe, Recommendation

CHUNK = 1000


class BatchClosed(Exception):
    """The batch is closed: nothing more is generated, sent or answered for it."""


def get_batch(study, week: Week) -> Batch:
    """The study's batch for ``week``, created (scheduled) with its send and close times."""
    when = week_schedule(study, week)
    batch, _ = Batch.objects.get_or_create(
        study=study,
        iso_year=week.year,
        iso_week=week.week,
        defaults={"scheduled_for": when.send_at, "closes_at": when.closes_at},
    )
    return batch


@dataclass
class GenerateResult:
    batch: Batch
    participants: int = 0  # given a list by this run
    recommendations: int = 0
    already: int = 0  # had their list before this run
    empty: list[str] = field(default_factory=list)  # customer ids with no recipe allowed
    short: dict[str, int] = field(default_factory=dict)  # customer id -> list length < K
    model_seconds: float = 0.0
    db_seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [
            f"{self.batch}: generated {self.recommendations} recommendations for "
            f"{self.participants} participant(s); {self.already} had theirs already "
            f"(model {self.model_seconds:.1f} s, database {self.db_seconds:.1f} s)"
        ]
        if self.empty:
            out.append(
                f"warning: no recipe fits the restrictions of {len(self.empty)} participant(s): "
                + ", ".join(self.empty[:20])
            )
        if self.short:
            shown = ", ".join(f"{c} ({n})" for c, n in list(self.short.items())[:20])
            out.append(f"warning: shorter lists than the arm's K for: {shown}")
        return out


def _missing(batch: Batch, participants=None):
    """Active participants of the batch's study with no list yet (and not recorded empty)."""
    empty = set(batch.report.get("empty_participants", [])) if batch.report else set()
    done = Recommendation.objects.filter(batch=batch).values("participant_id")
    rows = (
        Participant.objects.filter(study_id=batch.study_id, active=True)
        .exclude(pk__in=done)
        .exclude(pk__in=empty)
    )
    if participants is not None:
        rows = rows.filter(pk__in=participants)
    return rows


def _earlier(study_id, participant_ids, *, but=None) -> dict[int, set[str]]:
    """Recipes each participant got in this study's weeks (but ``but``): external ids."""
    seen = defaultdict(set)
    rows = Recommendation.objects.filter(
        participant_id__in=participant_ids, batch__study_id=study_id
    )
    if but is not None:
        rows = rows.exclude(batch=but)
    for pid, item in rows.values_list("participant_id", "recipe__external_id"):
        seen[pid].add(item)
    return seen


def needs_generate(batch: Batch) -> bool:
    """True while an active participant has no list (e.g. enrolled after generating)."""
    return _missing(batch).exists()


def recommend_for(participants, arm, catalog, *, batch: Batch | None = None, explain=True):
    """The arm's lists for ``participants`` (not stored): recommender Recommendations."""
    model = modeldata.load_model(arm.model_version)
    users = [p.person.customer_id for p in participants]
    exclude = None
    if not arm.allow_repeats:
        known = [p.pk for p in participants if p.pk is not None]
        earlier = _earlier(arm.study_id, known, but=batch)
        exclude = {p.person.customer_id: earlier.get(p.pk, ()) for p in participants}
    restrictions = {p.person.customer_id: p.person.restrictions or [] for p in participants}
    segments = {
        p.person.customer_id: getattr(p.person, modeldata.SEGMENT_COLUMN) or None
        for p in participants
    }
    return model.recommend(
        users,
        arm.batch_size,
        catalog=catalog,
        exclude=exclude,
        restrictions=restrictions,
        segments={u: s for u, s in segments.items() if s},
        explain=explain,
    )


FIELDS = (
    "batch", "participant", "recipe", "rank", "score", "model_version", "reason_code",
    "explanation", "evidence", "created_at",
)  # fmt: skip


def _rows(batch, participant, arm, slots, recipe_pk, now) -> list[tuple]:
    return [
        (
            batch.pk,
            participant.pk,
            recipe_pk[slot.item],
            slot.rank,
            float(slot.score),
            arm.model_version_id,
            slot.reason_code,
            slot.reason,
            as_json([[key, float(value)] for key, value in slot.evidence]),
            now,
        )
        for slot in slots
    ]


def generate(batch: Batch, *, chunk_size: int = CHUNK, progress=None) -> GenerateResult:
    """Give every active participant still without a list theirs; see the module docstring.

    Idempotent: a second run creates nothing. ``progress(done, total)`` is called per chunk.
    Raises :class:`~pilot.batches.leases.BatchBusy` when another worker holds the batch,
    :class:`BatchClosed` for a closed batch.
    """
    result = GenerateResult(batch=batch)
    with lease(batch) as held:
        batch.refresh_from_db()
        if batch.status == Batch.Status.CLOSED:
            raise BatchClosed(f"{batch} is closed; nothing more is generated for it.")
        result.already = (
            Recommendation.objects.filter(batch=batch).values("participant_id").distinct().count()
        )
        todo = list(
            _missing(batch).select_related("person", "arm__model_version").order_by("arm_id", "pk")
        )
        catalog = modeldata.catalog() if todo else None
        recipe_pk = dict(Recipe.objects.values_list("external_id", "pk")) if todo else {}
        by_arm = defaultdict(list)
        for participant in todo:
            by_arm[participant.arm_id].append(participant)
        done = 0
        for group in by_arm.values():
            arm = group[0].arm
            for start in range(0, len(group), chunk_size):
                chunk = group[start : start + chunk_size]
                began = time.perf_counter()
                lists = recommend_for(chunk, arm, catalog, batch=batch)
                result.model_seconds += time.perf_counter() - began
                began = time.perf_counter()
                _store(batch, chunk, arm, lists, recipe_pk, result)
                result.db_seconds += time.perf_counter() - began
                done += len(chunk)
                held.renew()
                if progress:
                    progress(done, len(todo))
        began = time.perf_counter()
        if not _missing(batch).exists():
            Batch.objects.filter(pk=batch.pk, status=Batch.Status.SCHEDULED).update(
                status=Batch.Status.GENERATED, generated_at=timezone.now()
            )
        result.db_seconds += time.perf_counter() - began
    batch.refresh_from_db()
    return result


def _store(batch, chunk, arm, lists, recipe_pk, result: GenerateResult) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        still = set(_missing(batch, [p.pk for p in chunk]).values_list("pk", flat=True))
        rows = []
        empty = []
        for participant in chunk:
            if participant.pk not in still:
                continue
            slots = lists[participant.person.customer_id]
            if not slots:
                empty.append(participant)
                continue
            if len(slots) < arm.batch_size:
                result.short[participant.person.customer_id] = len(slots)
            rows.extend(_rows(batch, participant, arm, slots, recipe_pk, now))
            result.participants += 1
        result.recommendations += insert_rows(Recommendation, FIELDS, rows)
        if empty:
            locked = Batch.objects.select_for_update().get(pk=batch.pk)
            report = dict(locked.report or {})
            report["empty_participants"] = sorted(
                set(report.get("empty_participants", [])) | {p.pk for p in empty}
            )
            Batch.objects.filter(pk=batch.pk).update(report=report)
            batch.report = report
            result.empty.extend(p.person.customer_id for p in empty)


def preview(study, person, *, week: Week | None = None):
    """What ``person`` would get now in ``study`` (their arm, or the arm the hash gives a
    person not enrolled), without storing anything: a list of recommender slots."""
    participant = Participant.objects.filter(study=study, person=person).select_related(
        "person", "arm__model_version"
    ).first()  # fmt: skip
    if participant is None:
        participant = Participant(study=study, person=person, arm=study.assign_arm(person))
    catalog = modeldata.catalog()
    batch = None
    if week is not None:
        batch = Batch.objects.filter(study=study, iso_year=week.year, iso_week=week.week).first()
    lists = recommend_for([participant], participant.arm, catalog, batch=batch)
    return participant, lists[person.customer_id]
