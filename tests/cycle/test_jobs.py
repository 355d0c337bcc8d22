"""The cycle's jobs on a real RQ worker (burst mode) against the real Redis."""

import os
from datetime import UTC, datetime

import django_rq
import pytest
import time_machine
from rq import SimpleWorker

from pilot.batches import Week, get_batch
from pilot.jobs import close_batch_job, enqueue, run_batch_job, tick_job
from pilot.models import Batch, Message

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def queue(settings):
    settings.JOBS_INLINE = False
    settings.RQ_QUEUES = {"default": {"URL": REDIS, "DEFAULT_TIMEOUT": 60}}
    q = django_rq.get_queue("default")
    q.empty()
    yield q
    q.empty()


@pytest.mark.redis
def test_it_runs_a_batch_on_a_worker(study, smtp, queue, django_capture_on_commit_callbacks):
    batch = get_batch(study, Week(2026, 49))
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(run_batch_job, batch.pk)
        enqueue(run_batch_job, batch.pk)  # a double click: the second finds nothing to do
    assert queue.count == 2
    django_rq.get_worker("default", worker_class=SimpleWorker).work(burst=True)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.SENT
    assert len(smtp.messages) == 40 == Message.objects.filter(state="sent").count()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(close_batch_job, batch.pk)
    django_rq.get_worker("default", worker_class=SimpleWorker).work(burst=True)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.CLOSED


@pytest.mark.redis
def test_it_ticks_on_a_worker(study, smtp, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(tick_job)
    with time_machine.travel(datetime(2026, 12, 7, 8, 0, tzinfo=UTC), tick=False):
        django_rq.get_worker("default", worker_class=SimpleWorker).work(burst=True)
    assert queue.failed_job_registry.count == 0
    assert Batch.objects.get().status == Batch.Status.SENT  # Monday 09:00 Amsterdam
    assert len(smtp.messages) == 40


def test_it_runs_inline_without_redis(study, smtp, settings):
    settings.JOBS_INLINE = True
    batch = get_batch(study, Week(2026, 49))
    job = enqueue(run_batch_job, batch.pk)  # JOBS_SYNC: runs at once, outside any request
    job.refresh_from_db()
    assert job.state == "done" and job.kind == "send"
    assert "sent 40 messages" in job.result
