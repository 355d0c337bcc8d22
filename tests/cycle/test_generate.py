"""Generating a batch: full lists, restrictions honoured, no repeats, cold start, idempotent."""

from collections import Counter

import pytest

from pilot.batches import BatchBusy, Week, generate, get_batch, preview
from pilot.batches.leases import lease
from pilot.batches.studies import withdraw
from pilot.models import Batch, Recommendation

W1, W2 = Week(2026, 49), Week(2026, 50)


def lists(batch):
    out = {}
    for rec in Recommendation.objects.filter(batch=batch).select_related("participant__person"):
        out.setdefault(rec.participant.person.customer_id, []).append(rec)
    return out


def test_it_gives_every_active_participant_a_full_list(study):
    batch = get_batch(study, W1)
    result = generate(batch)
    got = lists(batch)
    assert set(got) == set(study.participants.values_list("person__customer_id", flat=True))
    assert result.participants == 40
    for recs in got.values():
        assert sorted(r.rank for r in recs) == list(range(1, len(recs) + 1))
    assert batch.status == Batch.Status.GENERATED
    assert Counter(len(r) for r in got.values())[5] >= 30  # most people get all K=5


def test_it_never_breaks_a_restriction(study):
    batch = get_batch(study, W1)
    generate(batch)
    for rec in Recommendation.objects.filter(batch=batch).select_related(
        "recipe", "participant__person"
    ):
        assert set(rec.participant.person.restrictions) <= set(rec.recipe.diet_labels), rec


def test_it_is_idempotent(study):
    batch = get_batch(study, W1)
    generate(batch)
    before = list(Recommendation.objects.filter(batch=batch).values_list("pk", flat=True))
    second = generate(batch)
    assert second.participants == 0 and second.already == 40
    assert list(Recommendation.objects.filter(batch=batch).values_list("pk", flat=True)) == before


def test_it_fills_only_the_missing_after_a_partial_run(study):
    batch = get_batch(study, W1)
    generate(batch)
    full = {c: [r.recipe_id for r in recs] for c, recs in lists(batch).items()}
    victims = list(study.participants.order_by("pk")[:13])
    Recommendation.objects.filter(batch=batch, participant__in=victims).delete()
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.SCHEDULED)
    result = generate(batch)
    assert result.participants == 13
    assert {c: [r.recipe_id for r in recs] for c, recs in lists(batch).items()} == full


def test_it_does_not_repeat_earlier_weeks(study):
    first = get_batch(study, W1)
    generate(first)
    second = get_batch(study, W2)
    generate(second)
    earlier = {(r.participant_id, r.recipe_id) for r in Recommendation.objects.filter(batch=first)}
    again = {(r.participant_id, r.recipe_id) for r in Recommendation.objects.filter(batch=second)}
    assert not earlier & again


def test_it_repeats_when_the_arm_allows(study):
    study.arms.update(allow_repeats=True)
    first, second = get_batch(study, W1), get_batch(study, W2)
    generate(first)
    generate(second)
    a = {(r.participant_id, r.recipe_id) for r in Recommendation.objects.filter(batch=first)}
    b = {(r.participant_id, r.recipe_id) for r in Recommendation.objects.filter(batch=second)}
    assert a & b


def test_it_labels_cold_start_lists_differently(study):
    batch = get_batch(study, W1)
    generate(batch)
    als = {c: recs for c, recs in lists(batch).items() if recs[0].participant.arm.name == "als"}
    cold = {"K-0000", "K-0001", "K-0002", "K-0003"}  # never used the website (tests/world.py)
    cold_codes = {r.reason_code for c in cold & set(als) for r in als[c]}
    warm_codes = {r.reason_code for c in set(als) - cold for r in als[c]}
    if cold & set(als):
        assert cold_codes == {"cold_start_popular"}
    assert warm_codes == {"als_history"}
    warm = next(recs for c, recs in als.items() if c not in cold)
    assert warm[0].explanation.startswith("Because you")
    assert all(isinstance(pair[1], float) for pair in warm[0].evidence)


def test_it_gives_withdrawn_people_nothing(study):
    gone = study.participants.order_by("pk").first()
    withdraw(gone)
    batch = get_batch(study, W1)
    generate(batch)
    assert not Recommendation.objects.filter(batch=batch, participant=gone).exists()
    assert batch.status == Batch.Status.GENERATED


def test_it_records_participants_nothing_fits(study):
    odd = study.participants.order_by("pk").last()
    odd.person.restrictions = ["kosher"]
    odd.person.save()
    batch = get_batch(study, W1)
    result = generate(batch)
    assert result.empty == [odd.person.customer_id]
    assert batch.status == Batch.Status.GENERATED  # not stuck waiting for an impossible list
    assert "no recipe fits" in "\n".join(result.lines())


def test_it_keeps_a_second_worker_off_the_batch(study):
    batch = get_batch(study, W1)
    with lease(batch):
        with pytest.raises(BatchBusy, match="another worker"):
            generate(batch)
    assert not Recommendation.objects.filter(batch=batch).exists()


def test_it_previews_without_storing(study):
    participant = study.participants.select_related("person").order_by("pk")[10]
    who, slots = preview(study, participant.person)
    assert who.pk == participant.pk and len(slots) == 5
    assert not Recommendation.objects.exists()
