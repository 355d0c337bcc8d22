"""Staff study pages: who may see them, and each one does what it says."""

import pytest
from django.urls import reverse

from pilot.models import Batch, Participant, Recommendation, Study


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def test_it_shows_study_pages_to_staff_only(client, study, analyst_user):
    urls = [
        reverse("staff-studies"),
        reverse("staff-study-new"),
        reverse("staff-study", args=[study.key]),
        reverse("staff-study-export", args=[study.key, "recommendations"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login
    client.force_login(analyst_user)
    for url in urls:
        assert client.get(url).status_code == 403
    pilot = study.participants.first().user
    client.force_login(pilot)
    for url in urls:
        assert client.get(url).status_code in (302, 403, 404)
    assert client.post(
        reverse("staff-study-enrol", args=[study.key]), {"who": "all"}
    ).status_code in (302, 403, 404)
    assert Participant.objects.filter(active=True).count() == 40


def test_it_creates_a_study_with_arms_from_the_form(staff, versions):
    als, pop = versions
    data = {
        "key": "form-study", "name": "Form study", "weekday": "tue", "send_time": "07:45",
        "timezone": "Europe/Berlin", "window_days": 6, "remind_after_days": 2,
        "arm-TOTAL_FORMS": 3, "arm-INITIAL_FORMS": 0,
        "arm-0-label": "als", "arm-0-version": als.pk, "arm-0-batch_size": 8, "arm-0-weight": 1,
        "arm-1-label": "pop", "arm-1-version": pop.pk, "arm-1-batch_size": 8, "arm-1-weight": 3,
        "arm-2-batch_size": 10, "arm-2-weight": 1,
    }  # fmt: skip
    response = staff.post(reverse("staff-study-new"), data)
    assert response.status_code == 302
    study = Study.objects.get(key="form-study")
    assert sorted(study.arms.values_list("name", "weight")) == [("als", 1.0), ("pop", 3.0)]
    bad = staff.post(reverse("staff-study-new"), {**data, "key": "other", "timezone": "Nowhere/X"})
    assert bad.status_code == 200 and b"time zone" in bad.content


def test_it_enrols_a_segment_and_shows_split_and_warnings(staff, versions, world):
    from pilot.batches.studies import ArmSpec, create_study

    als, pop = versions
    study = create_study("seg", arms=[ArmSpec("als", als.pk, 30), ArmSpec("pop", pop.pk, 30)])
    staff.post(reverse("staff-study-enrol", args=["seg"]), {"who": "segment", "region": "Wales"})
    assert set(study.participants.values_list("person__region", flat=True)) == {"Wales"}
    page = staff.get(reverse("staff-study", args=["seg"]))
    assert b"Sample-ratio check" in page.content
    assert b"fewer than the 30 of a batch" in page.content  # restricted people, K=30


def test_it_runs_a_week_and_withdraws_from_the_page(staff, study, smtp):
    response = staff.post(reverse("staff-week-run", args=[study.key]), {"week": "2026-W49"})
    assert response.status_code == 302
    batch = Batch.objects.get()
    assert batch.status == Batch.Status.SENT and len(smtp.messages) == 40
    page = staff.get(reverse("staff-study", args=[study.key]))
    assert b"40 sent" in page.content
    victim = study.participants.first()
    staff.post(reverse("staff-withdraw", args=[study.key, victim.pk]))
    victim.refresh_from_db()
    assert not victim.active
    csv = staff.get(reverse("staff-study-export", args=[study.key, "recommendations"]))
    assert csv["Content-Type"].startswith("text/csv")
    assert len(csv.content.decode().splitlines()) == 1 + batch.recommendations.count()


def test_it_previews_a_person_without_storing(staff, study):
    page = staff.get(reverse("staff-study", args=[study.key]), {"person": "K-0012"})
    assert b"Nothing is stored or sent" in page.content
    assert not Recommendation.objects.exists()
