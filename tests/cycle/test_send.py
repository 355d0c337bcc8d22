"""Sending through the outbox to a real SMTP server: once each, resumable, reminders."""

import re

import pytest
from django.test import Client

from pilot.batches import Week, generate, get_batch, remind, send
from pilot.batches.studies import withdraw
from pilot.models import Batch, Message, Rating, Recommendation

W1 = Week(2026, 49)


@pytest.fixture
def generated(study):
    batch = get_batch(study, W1)
    generate(batch)
    return batch


def test_it_sends_one_message_per_participant_once(generated, smtp):
    result = send(generated)
    assert result.sent == 40 and result.failed == 0
    assert len(smtp.messages) == 40
    assert len(set(smtp.to())) == 40
    again = send(generated)
    assert again.sent == 0 and again.already == 40
    assert len(smtp.messages) == 40
    assert generated.status == Batch.Status.SENT


def test_it_sends_html_and_text_with_a_link_that_lands_on_the_week(generated, smtp):
    send(generated)
    msg = smtp.messages[0]
    assert msg.get_body(("html",)) is not None
    text = msg.get_body(("plain",)).get_content()
    url = re.search(r"http://\S+/signin/\S+/", text).group(0)
    client = Client()
    path = re.sub(r"^https?://[^/]+", "", url)
    confirm = client.get(path)
    assert confirm.status_code == 200
    landed = client.post(path, follow=True)
    assert landed.redirect_chain[-1][0] == f"/me/weeks/{generated.pk}/"
    assert client.post(path).status_code == 410  # a used link does not sign in again
    assert client.get(f"/me/weeks/{generated.pk}/").status_code == 200


def test_it_resumes_without_resending_and_retries_the_one_in_flight(generated, smtp, settings):
    settings.BATCH_LEASE_SECONDS = 1
    send(generated, chunk_size=10)
    Message.objects.filter(pk__in=Message.objects.order_by("-pk").values("pk")[:15]).update(
        state="pending", sent_at=None
    )
    one = Message.objects.filter(state="pending").first()
    Message.objects.filter(pk=one.pk).update(state="sending", claimed_at="2026-01-01T00:00Z")
    before = len(smtp.messages)
    result = send(generated)
    assert result.sent == 15 and result.retried == 1
    assert len(smtp.messages) == before + 15
    assert Message.objects.filter(state="sent").count() == 40
    assert Message.objects.get(pk=one.pk).retried


def test_it_records_failures_and_retries_them_on_request(generated, smtp, settings):
    Message.objects.all().delete()
    victim = generated.study.participants.order_by("pk").first()
    victim.user.email = "refused@example.net"
    victim.user.save()
    result = send(generated)
    failed = Message.objects.get(participant=victim)
    assert result.failed == 1 and failed.state == "failed" and failed.error
    assert generated.status == Batch.Status.SENT  # nothing left to send but the failure
    victim.user.email = "fixed@example.net"
    victim.user.save()
    Message.objects.filter(pk=failed.pk).update(to="fixed@example.net")
    assert send(generated, retry_failed=True).sent == 1


def test_it_sends_withdrawn_people_nothing(generated, smtp):
    gone = generated.study.participants.order_by("pk").first()
    withdraw(gone)
    send(generated)
    assert gone.user.email not in smtp.to()
    assert len(smtp.messages) == 39


def test_it_reminds_only_those_who_have_not_finished(generated, smtp):
    send(generated)
    done = generated.study.participants.order_by("pk")[0]
    half = generated.study.participants.order_by("pk")[1]
    for rec in Recommendation.objects.filter(batch=generated, participant=done):
        Rating.objects.create(recommendation=rec, stars=4, would_cook="yes")
    rec = Recommendation.objects.filter(batch=generated, participant=half).first()
    Rating.objects.create(recommendation=rec, stars=2, would_cook="no")
    smtp.messages.clear()
    result = remind(generated)
    assert result.sent == 39 and result.skipped == 1
    assert done.user.email not in smtp.to() and half.user.email in smtp.to()
    assert "Reminder" in smtp.messages[0]["Subject"]
    assert remind(generated).sent == 0  # once
    assert len(smtp.messages) == 39
