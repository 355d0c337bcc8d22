"""Fixtures of the weekly cycle: a small world, real trained models, a real SMTP server."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from datetime import time

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from pilot import modeldata
from pilot.batches.studies import ArmSpec, create_study, enrol
from pilot.models import ModelVersion, Person
from recommender.data import Interactions
from recommender.models import ALS, Popularity
from tests.world import build_world

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line


def train(tmp_path, name: str, model) -> ModelVersion:
    """Fit ``model`` on every resolved event and record it as a version (a real artifact)."""
    events = modeldata.interactions_frame()
    people = modeldata.people_frame()
    model.fit(Interactions.from_frame(events), user_features=people)
    path = tmp_path / f"{name}.npz"
    model.save(path)
    return ModelVersion.objects.create(
        name=name,
        algorithm="als" if isinstance(model, ALS) else "popularity",
        params=model.get_params() if not isinstance(model, ALS) else {"factors": 8},
        artifact=str(path),
        trained_at=timezone.now(),
    )


@pytest.fixture
def world(db):
    return build_world(n_people=40, n_recipes=60, cold=4)


@pytest.fixture
def versions(world, tmp_path):
    als = train(tmp_path, "als-test", ALS(factors=8, iterations=5, random_state=3))
    pop = train(tmp_path, "pop-test", Popularity())
    return als, pop


@pytest.fixture
def study(versions):
    als, pop = versions
    study = create_study(
        "cycle-test",
        arms=[ArmSpec("als", als.pk, 5), ArmSpec("pop", pop.pk, 5)],
        name="Cycle test",
        weekday=0,
        send_time=time(9, 0),
        tz="Europe/Amsterdam",
        response_days=5,
        remind_after_days=3,
    )
    enrol(study, Person.objects.order_by("customer_id"))
    return study


class Inbox:
    """What the SMTP server received: (to, subject, text)."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)
        return "250 OK"

    def to(self):
        with self.lock:
            return [m["To"] for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on a free local port, with Django pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    inbox.port = port
    yield inbox
    controller.stop()
    asyncio.set_event_loop(None)
