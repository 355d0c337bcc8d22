"""Send a batch and remind: the outbox, claimed one message at a time, one SMTP connection
per chunk.

:func:`send` first writes one outbox row (:class:`~pilot.models.Message`) per participant who
has a list in the batch, then sends the pending rows. Each row is *claimed* just before its
message goes to the mail server (``pending -> sending``, a conditional UPDATE) and marked
``sent`` as soon as the server accepted it, or ``failed`` with the error. So:

- running it again sends only what is not sent; two workers never send one message;
- a worker killed in the middle leaves at most **one** row ``sending``: the message that was
  in flight. Once its claim is older than ``BATCH_LEASE_SECONDS`` the next run sends it again
  and marks it ``retried`` (the first attempt may or may not have reached the server: the
  study page lists retried messages, so staff know who may have two e-mails).
- a failed message (address refused, server down) stays ``failed`` with the error; sending
  again with ``retry_failed=True`` (``run_batch --retry-failed``) tries those once more.

:func:`remind` is the same for the reminder: once per participant and batch, only to those
who have not rated every recipe, after the study's reminder delay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pilot.batches.generate import BatchClosed
from pilot.batches.leases import lease
from pilot.models import Batch, Message, Participant, Recommendation
from pilot.signin import create_signin_links

CHUNK = 200
Kind = Message.Kind


@dataclass
class SendResult:
    batch: Batch
    kind: str
    sent: int = 0
    failed: int = 0
    retried: int = 0
    already: int = 0
    skipped: int = 0  # reminders not needed: everything rated

    def lines(self) -> list[str]:
        what = "reminders" if self.kind == Kind.REMINDER else "messages"
        line = (
            f"{self.batch}: sent {self.sent} {what}, {self.failed} failed, "
            f"{self.already} sent before"
        )
        if self.retried:
            line += f"; {self.retried} sent again after an interrupted run (may be duplicates)"
        if self.kind == Kind.REMINDER:
            line += f"; {self.skipped} had rated everything"
        return [line]


def _lease_age() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "BATCH_LEASE_SECONDS", 120)))


def _recipients(batch: Batch, kind: str):
    """Active participants due this kind of message: a list for invites; for reminders,
    a list not yet fully rated."""
    with_list = Participant.objects.filter(
        pk__in=Recommendation.objects.filter(batch=batch).values("participant_id"),
        active=True,
    )
    if kind == Kind.INVITE:
        return with_list
    counts = (
        Recommendation.objects.filter(batch=batch)
        .values("participant_id")
        .annotate(n=Count("pk"), rated=Count("rating"))
        .filter(rated__lt=F("n"))
        .values("participant_id")
    )
    return with_list.filter(pk__in=counts)


def needs_send(batch: Batch) -> bool:
    """True while someone with a list has no invite yet, or an invite is still pending."""
    invited = Message.objects.filter(batch=batch, kind=Kind.INVITE)
    if invited.filter(state=Message.State.PENDING, participant__active=True).exists():
        return True
    return _recipients(batch, Kind.INVITE).exclude(pk__in=invited.values("participant_id")).exists()


def _fill_outbox(batch: Batch, kind: str) -> None:
    recipients = _recipients(batch, kind).select_related("person", "user")
    Message.objects.bulk_create(
        [
            Message(batch=batch, participant=p, kind=kind, to=p.user.email or p.person.email)
            for p in recipients
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )


def _build(message: Message, url: str) -> EmailMultiAlternatives:
    participant = message.participant
    batch = message.batch
    context = {
        "participant": participant,
        "study": batch.study,
        "batch": batch,
        "url": url,
        "count": message.n_recipes,
        "closes_at": batch.closes_at,
        "max_age_hours": settings.SIGNIN_LINK_MAX_AGE_HOURS,
        "site_url": settings.SITE_URL,
    }
    name = "batch" if message.kind == Kind.INVITE else "reminder"
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    email = EmailMultiAlternatives(
        subject, render_to_string(f"emails/{name}_body.txt", context), to=[message.to]
    )
    email.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    return email


def _deliver(batch: Batch, kind: str, result: SendResult, held, chunk_size: int) -> None:
    pending = Message.objects.filter(
        batch=batch, kind=kind, state=Message.State.PENDING, participant__active=True
    )
    while True:
        ids = list(pending.order_by("pk").values_list("pk", flat=True)[:chunk_size])
        if not ids:
            return
        messages = list(
            Message.objects.filter(pk__in=ids).select_related(
                "participant__user", "participant__person", "batch__study"
            )
        )
        counts = dict(
            Recommendation.objects.filter(
                batch=batch, participant_id__in=[m.participant_id for m in messages]
            ).values_list("participant_id").annotate(n=Count("pk"))
        )  # fmt: skip
        landing = reverse("my-batch", args=[batch.pk])
        urls = create_signin_links((m.participant.user, landing) for m in messages)
        connection = mail.get_connection()
        try:
            connection.open()
            for message in messages:
                message.batch = batch
                message.n_recipes = counts.get(message.participant_id, 0)
                _send_one(message, urls.get(message.participant.user_id), connection, result)
        finally:
            connection.close()
        held.renew()


def _send_one(message: Message, url: str | None, connection, result: SendResult) -> None:
    now = timezone.now()
    claim = Message.objects.filter(pk=message.pk, state=Message.State.PENDING)
    if not claim.update(state=Message.State.SENDING, claimed_at=now, attempts=F("attempts") + 1):
        return  # another worker took it
    try:
        if url is None:
            raise ValueError("this user may not sign in by link (staff, analyst or inactive)")
        email = _build(message, url)
        email.connection = connection
        if not email.send():
            raise RuntimeError("the mail server accepted no recipient")
    except Exception as exc:  # noqa: BLE001 -- any failure is recorded on the row
        Message.objects.filter(pk=message.pk).update(
            state=Message.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        result.failed += 1
        try:  # the connection may be broken; start a fresh one for the next message
            connection.close()
            connection.open()
        except Exception:  # noqa: BLE001
            pass
        return
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.SENT, sent_at=timezone.now(), error=""
    )
    result.sent += 1
    if message.retried:
        result.retried += 1


def _run(batch: Batch, kind: str, *, retry_failed: bool, chunk_size: int) -> SendResult:
    result = SendResult(batch=batch, kind=kind)
    with lease(batch) as held:
        batch.refresh_from_db()
        if batch.status == Batch.Status.CLOSED:
            raise BatchClosed(f"{batch} is closed; nothing more is sent for it.")
        _fill_outbox(batch, kind)
        rows = Message.objects.filter(batch=batch, kind=kind)
        stale = timezone.now() - _lease_age()
        rows.filter(state=Message.State.SENDING, claimed_at__lt=stale).update(
            state=Message.State.PENDING, retried=True
        )
        if retry_failed:
            rows.filter(state=Message.State.FAILED).update(state=Message.State.PENDING)
        result.already = rows.filter(state=Message.State.SENT).count()
        _deliver(batch, kind, result, held, chunk_size)
    return result


def send(batch: Batch, *, retry_failed: bool = False, chunk_size: int = CHUNK) -> SendResult:
    """Send the batch's e-mail to every participant with a list who has not had it."""
    result = _run(batch, Kind.INVITE, retry_failed=retry_failed, chunk_size=chunk_size)
    done = ~Q(state=Message.State.PENDING) & ~Q(state=Message.State.SENDING)
    open_rows = Message.objects.filter(batch=batch, kind=Kind.INVITE).exclude(done)
    if not open_rows.exists():
        Batch.objects.filter(
            pk=batch.pk, status__in=[Batch.Status.SCHEDULED, Batch.Status.GENERATED]
        ).update(status=Batch.Status.SENT, sent_at=timezone.now())
    batch.refresh_from_db()
    return result


def remind(batch: Batch, *, retry_failed: bool = False, chunk_size: int = CHUNK) -> SendResult:
    """Remind, once, the participants who have not rated every recipe of the batch."""
    if batch.status not in (Batch.Status.SENT,):
        raise ValueError(f"{batch} has not been sent ({batch.status}); nothing to remind of.")
    with_list = _recipients(batch, Kind.INVITE).count()
    result = _run(batch, Kind.REMINDER, retry_failed=retry_failed, chunk_size=chunk_size)
    result.skipped = with_list - Message.objects.filter(batch=batch, kind=Kind.REMINDER).count()
    Batch.objects.filter(pk=batch.pk, reminded_at__isnull=True).update(reminded_at=timezone.now())
    batch.refresh_from_db()
    return result


def outbox_summary(batch: Batch) -> dict[str, dict[str, int]]:
    """Counts of the batch's messages by kind and state (for the study page)."""
    summary: dict[str, dict[str, int]] = {}
    rows = Message.objects.filter(batch=batch).values_list("kind", "state").annotate(n=Count("pk"))
    for kind, state, n in rows:
        summary.setdefault(kind, {})[state] = n
    return summary
