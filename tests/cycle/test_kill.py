"""A worker process killed (SIGKILL) in the middle of generate and of send, then run again.

The step runs in a real separate process on the test database; the test kills it as soon as
some of the work is visible, then runs the step again and counts: every participant's full
list, exactly one message each (the one message in flight at the kill is sent again and
marked ``retried``), no duplicate, no gap.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from pilot.batches import Week, generate, get_batch, send
from pilot.models import Batch, Message, Person, Recommendation
from tests.cycle.conftest import Inbox, free_port

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
W = Week(2026, 49)


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start(code: str, **env) -> subprocess.Popen:
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tests.settings'; django.setup()\n"
        + code
    )
    full_env = {**os.environ, "DATABASE_URL": database_url(), "BATCH_LEASE_SECONDS": "1", **env}
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=full_env)


def kill_when(proc, condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the worker finished (exit {proc.returncode}) before it could be killed")
        if condition():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return
        time.sleep(0.005)
    proc.kill()
    pytest.fail("the work never became visible")


@pytest.fixture
def sqlite_file_db(settings):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] in ("", ":memory:"):
        pytest.fail("tests/settings.py must give SQLite a file test database for these tests")


def test_it_completes_a_generate_killed_half_way(study, sqlite_file_db):
    batch = get_batch(study, W)
    total = study.participants.count()
    proc = start(
        "from pilot.models import Batch\nfrom pilot.batches import generate\n"
        f"generate(Batch.objects.get(pk={batch.pk}), chunk_size=2)\n"
    )
    partial = Recommendation.objects.filter(batch=batch)
    kill_when(proc, lambda: partial.exists())
    time.sleep(1.1)  # the dead worker's lease runs out
    have = partial.values("participant_id").distinct().count()
    assert 0 < have < total, "the kill should land in the middle"
    generate(batch)
    per = Counter(partial.values_list("participant_id", flat=True))
    assert len(per) == total
    ranks = Counter(partial.values_list("participant_id", "rank"))
    assert max(ranks.values()) == 1  # no duplicate slot
    for pid, n in per.items():
        assert sorted(partial.filter(participant_id=pid).values_list("rank", flat=True)) == list(
            range(1, n + 1)
        )  # no gap, no half list
    batch.refresh_from_db()
    assert batch.status == Batch.Status.GENERATED


class SlowInbox(Inbox):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.03)
        return await super().handle_DATA(server, session, envelope)


def test_it_completes_a_send_killed_half_way_sending_each_message_once(study, sqlite_file_db):
    batch = get_batch(study, W)
    generate(batch)
    inbox = SlowInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mail_env = {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        }
        proc = start(
            "from pilot.models import Batch\nfrom pilot.batches import send\n"
            f"send(Batch.objects.get(pk={batch.pk}), chunk_size=5)\n",
            **mail_env,
        )
        kill_when(proc, lambda: len(inbox.messages) >= 8)
        sent_before = Message.objects.filter(state="sent").count()
        assert 0 < sent_before < 40
        time.sleep(1.1)
        from django.test import override_settings

        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            BATCH_LEASE_SECONDS=1,
        ):
            result = send(batch)
    finally:
        controller.stop()
    people = set(Person.objects.filter(participations__study=study).values_list("email", flat=True))
    received = Counter(inbox.to())
    assert set(received) == people  # no gap
    twice = [to for to, n in received.items() if n > 1]
    assert len(twice) <= 1  # at most the one message in flight at the kill
    assert Message.objects.filter(state="sent").count() == 40
    retried = list(Message.objects.filter(retried=True).values_list("to", flat=True))
    assert len(retried) <= 1 and set(twice) <= set(retried)
    assert result.sent == 40 - sent_before
