"""Asking for a sign-in link: the work runs as a job after the response, and the rate limit
holds when many requests for one address arrive at once (issue 11, items 3 and 6)."""

import os
import socket
import threading
from email import message_from_bytes

import django_rq
import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from rq import SimpleWorker

from pilot import signin
from pilot.jobs import dotted_path, request_signin_link_job, run_job
from pilot.models import Job, SignInLink
from tests.conftest import enrol

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's own readiness check needs one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


@pytest.fixture
def queue(settings):
    settings.JOBS_INLINE = False
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()


@pytest.mark.redis
@pytest.mark.django_db
def test_it_sends_nothing_in_the_request_and_a_worker_sends_one_email(
    client, participant, queue, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("signin-request"), {"email": "p-C001@example.org"})
    assert known.url == reverse("signin-sent")
    # The request made no link and sent nothing: it only queued the job.
    assert SignInLink.objects.count() == 0
    assert smtp.messages == []
    assert queue.count == 1
    assert queue.jobs[0].func is run_job  # the runner's entry point, with the Job row's id
    assert Job.objects.get().func == dotted_path(request_signin_link_job)

    # An unknown address queues the same job: the request cannot tell them apart.
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("signin-request"), {"email": "nobody@example.org"})
    assert unknown.url == known.url and queue.count == 2

    django_rq.get_worker("default", worker_class=SimpleWorker).work(burst=True)

    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["p-C001@example.org"]
    assert "/signin/" in message.get_payload()[0].get_payload(decode=True).decode()
    assert SignInLink.objects.filter(user=participant.user).count() == 1


@pytest.mark.redis
@pytest.mark.django_db
def test_it_renews_a_link_from_a_job_too(
    client, participant, queue, django_capture_on_commit_callbacks
):
    token = signin.create_signin_link(participant.user).rstrip("/").rsplit("/", 1)[1]
    signin.redeem(token)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signin-renew"), {"token": token})
    assert mail.outbox == [] and queue.count == 1
    django_rq.get_worker("default", worker_class=SimpleWorker).work(burst=True)
    assert [m.to for m in mail.outbox] == [["p-C001@example.org"]]


def _post_at_once(n: int, path: str, data: dict) -> list[int]:
    """``n`` threads POST ``path`` at the same moment, each with its own connection."""
    barrier = threading.Barrier(n)
    statuses, errors = [], []

    def post():
        try:
            barrier.wait(timeout=30)
            statuses.append(Client().post(path, data).status_code)
        except Exception as exc:  # surfaced below, with the thread's error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return statuses


@pytest.mark.django_db(transaction=True)
def test_it_sends_at_most_three_links_to_ten_simultaneous_requests(study, settings):
    settings.JOBS_INLINE = True  # the job runs in each request: the requests race for real
    # A few rounds, each for a new address: one round's race can be won by luck alone.
    for n in range(4):
        user = enrol(study, f"C10{n}").user
        statuses = _post_at_once(10, reverse("signin-request"), {"email": user.email})
        assert statuses == [302] * 10
        assert user.signin_links.count() == signin.MAX_LINKS_PER_WINDOW, f"round {n}"
    assert len(mail.outbox) == 4 * signin.MAX_LINKS_PER_WINDOW
