"""pilot.ratings: one rating per recommendation and one questionnaire per week, last wins."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import close_old_connections, connection
from django.utils import timezone

from pilot import ratings
from pilot.models import Batch, QuestionnaireAnswer, Rating
from tests.factories import make_batch, make_recipes, recommend

ANSWERS = {"accuracy": 4, "diversity": 3, "novelty": 5, "transparency": 2, "trust": 5}
FULL = {**ANSWERS, "intention": 4, "free_text": "More soups please"}


@pytest.fixture
def week(study, participant):
    batch = make_batch(study, 48)
    return batch, recommend(batch, participant, make_recipes(3))


@pytest.mark.django_db
def test_it_saves_a_rating_and_replaces_it_on_a_second_answer(participant, week):
    _, recs = week
    first = ratings.save_rating(participant, recs[0], "4", "yes", "  Lovely  ")
    assert (first.stars, first.would_cook, first.comment) == (4, "yes", "Lovely")
    second = ratings.save_rating(participant, recs[0], 2, "NO", "")
    assert Rating.objects.count() == 1
    assert (second.pk, second.stars, second.would_cook, second.comment) == (first.pk, 2, "no", "")
    assert second.updated_at >= first.updated_at and second.created_at == first.created_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stars", "cook", "comment", "fields"),
    [
        ("0", "yes", "", {"stars"}),
        ("6", "yes", "", {"stars"}),
        ("abc", "yes", "", {"stars"}),
        ("", "yes", "", {"stars"}),
        ("3.5", "yes", "", {"stars"}),
        ("-1", "yes", "", {"stars"}),
        ("3", "perhaps", "", {"would_cook"}),
        ("3", "", "", {"would_cook"}),
        ("3", "yes", "x" * (ratings.COMMENT_MAX + 1), {"comment"}),
        ("9", "never", "x" * 5000, {"stars", "would_cook", "comment"}),
    ],
)
def test_it_refuses_bad_values_naming_each_field_and_saves_nothing(
    participant, week, stars, cook, comment, fields
):
    _, recs = week
    with pytest.raises(ratings.AnswerInvalid) as caught:
        ratings.save_rating(participant, recs[0], stars, cook, comment)
    assert set(caught.value.errors) == fields
    assert not Rating.objects.exists()


@pytest.mark.django_db
def test_it_keeps_a_comment_of_exactly_the_limit(participant, week):
    _, recs = week
    rating = ratings.save_rating(participant, recs[0], 5, "yes", "y" * ratings.COMMENT_MAX)
    assert len(rating.comment) == ratings.COMMENT_MAX


@pytest.mark.django_db
def test_it_refuses_someone_elses_recommendation(participant, other_participant, week):
    _, recs = week
    with pytest.raises(PermissionError):
        ratings.save_rating(other_participant, recs[0], 3, "yes")
    assert not Rating.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Batch.Status.CLOSED, Batch.Status.GENERATED])
def test_it_refuses_a_week_that_is_not_open(participant, week, status):
    batch, recs = week
    ratings.save_rating(participant, recs[0], 3, "yes")
    Batch.objects.filter(pk=batch.pk).update(status=status)
    with pytest.raises(ratings.WeekClosed, match="Week 48, 2026 is closed"):
        ratings.save_rating(participant, recs[0], 5, "no")
    with pytest.raises(ratings.WeekClosed):
        ratings.save_questionnaire(participant, batch, FULL)
    assert Rating.objects.get().stars == 3
    assert not QuestionnaireAnswer.objects.exists()


@pytest.mark.django_db
def test_it_closes_when_closes_at_passes_even_before_the_close_step(participant, week):
    batch, recs = week
    with time_machine.travel(batch.closes_at - timedelta(seconds=1)):
        assert ratings.is_open(batch)
        ratings.save_rating(participant, recs[0], 3, "yes")
    with time_machine.travel(batch.closes_at):
        assert not ratings.is_open(batch)
        with pytest.raises(ratings.WeekClosed):
            ratings.save_rating(participant, recs[0], 1, "no")
    assert Rating.objects.get().stars == 3


@pytest.mark.django_db
def test_it_saves_the_questionnaire_and_replaces_it(participant, week):
    batch, _ = week
    first = ratings.save_questionnaire(participant, batch, FULL)
    assert (first.accuracy, first.intention, first.free_text) == (4, 4, "More soups please")
    again = ratings.save_questionnaire(
        participant, batch, {**FULL, "accuracy": "1", "free_text": ""}
    )
    assert QuestionnaireAnswer.objects.count() == 1
    assert (again.pk, again.accuracy, again.free_text) == (first.pk, 1, "")


@pytest.mark.django_db
def test_it_refuses_an_incomplete_or_bad_questionnaire(participant, week):
    batch, _ = week
    with pytest.raises(ratings.AnswerInvalid) as caught:
        ratings.save_questionnaire(
            participant, batch, {**ANSWERS, "trust": "7", "free_text": "z" * 3000}
        )
    assert set(caught.value.errors) == {"trust", "intention", "free_text"}
    assert "from 1 to 5" in caught.value.errors["trust"]
    assert not QuestionnaireAnswer.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_questionnaire_for_a_week_with_nothing_for_them(
    participant, other_participant, week
):
    batch, _ = week
    with pytest.raises(PermissionError):
        ratings.save_questionnaire(other_participant, batch, FULL)


@pytest.mark.django_db
def test_it_says_how_much_of_the_score_the_named_recipes_explain(participant, week):
    _, recs = week
    titles = {"R0000": "Thai green curry with tofu"}
    rec = recs[0]
    rec.reason_code, rec.evidence = "als_history", [["R0000", 0.4], ["R0009", 0.25]]
    note = ratings.evidence_note(rec, titles)
    assert note == {
        "items": [("Thai green curry with tofu", 40), ("R0009", 25)],
        "percent": 65,
        "partial": True,
    }
    rec.evidence = [["R0000", 0.7], ["R0009", 0.3]]
    assert ratings.evidence_note(rec, titles)["partial"] is False
    rec.reason_code, rec.evidence = "cold_start_popular", [["users", 40], ["group_size", 120]]
    assert ratings.evidence_note(rec, titles) is None


def _race(n, action):
    """Run ``action(i)`` in ``n`` threads released together; return the errors raised."""
    barrier = threading.Barrier(n)
    errors = []

    def run(i):
        try:
            barrier.wait()
            action(i)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_rating_under_truly_concurrent_saves(participant, week):
    _, recs = week
    errors = _race(8, lambda i: ratings.save_rating(participant, recs[0], 1 + i % 5, "maybe"))
    assert errors == []
    assert Rating.objects.filter(recommendation=recs[0]).count() == 1
    assert Rating.objects.get().stars in {1, 2, 3, 4, 5}


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_questionnaire_under_truly_concurrent_saves(participant, week):
    batch, _ = week
    errors = _race(
        6, lambda i: ratings.save_questionnaire(participant, batch, {**FULL, "trust": 1 + i % 5})
    )
    assert errors == []
    assert QuestionnaireAnswer.objects.filter(batch=batch, participant=participant).count() == 1


@pytest.mark.django_db
def test_it_lets_the_last_answer_win(participant, week):
    _, recs = week
    for stars in (5, 1, 4):
        ratings.save_rating(participant, recs[1], stars, "yes")
    assert list(Rating.objects.values_list("stars", flat=True)) == [4]
    assert timezone.now() >= Rating.objects.get().updated_at
