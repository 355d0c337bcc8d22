"""The job runner: sync mode, the in-process worker thread, a real RQ worker, the claim,
progress, failures and jobs interrupted by a restart."""

import os

import django_rq
import pytest
from django.contrib.auth.models import Group
from rq import SimpleWorker

from pilot import jobs
from pilot.jobs import enqueue, run_again, run_job
from pilot.models import Job

from . import sample

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(autouse=True)
def fresh_worker():
    jobs.reset_inline_worker()
    yield
    jobs.reset_inline_worker()


@pytest.mark.django_db
def test_it_runs_a_job_at_once_in_sync_mode(staff_user):
    record = enqueue(sample.make_group, "cooks", user=staff_user)
    assert (record.kind, record.state, record.func) == (
        "other",
        "done",
        "tests.jobs.sample.make_group",
    )
    assert record.args == {"args": ["cooks"], "kwargs": {}}
    assert record.result == Group.objects.get(name="cooks").pk
    assert record.created_by == staff_user
    assert record.started_at <= record.finished_at and record.duration.total_seconds() >= 0


@pytest.mark.django_db
def test_it_records_a_failure_with_its_traceback():
    record = enqueue(sample.explode, "disk on fire")
    assert record.state == "failed" and record.finished_at
    assert record.error.startswith("RuntimeError: disk on fire")
    assert "sample.py" in record.error and "in explode" in record.error


@pytest.mark.django_db
def test_it_refuses_arguments_a_worker_could_not_read(staff_user):
    with pytest.raises(TypeError):
        enqueue(sample.make_group, staff_user)
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_it_claims_a_job_once():
    record = Job.objects.create(func="tests.jobs.sample.make_group", args={"args": ["once"]})
    assert run_job(record.pk) is not None
    assert run_job(record.pk) is None  # a second worker finds it taken
    assert Group.objects.filter(name="once").count() == 1
    record.refresh_from_db()
    assert record.state == "done"


@pytest.mark.django_db(transaction=True)
def test_it_writes_progress_while_the_job_runs(monkeypatch):
    seen = []
    real = jobs._Tracker.write

    def spy(self, percent, message):
        real(self, percent, message)
        seen.append(Job.objects.values_list("progress", "message").get(pk=self.job_id))

    monkeypatch.setattr(jobs._Tracker, "write", spy)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)
    record = enqueue(sample.count_to, 4)
    assert seen == [(0, "0 of 4"), (25, "1 of 4"), (50, "2 of 4"), (75, "3 of 4"), (100, "4 of 4")]
    assert (record.state, record.progress, record.result) == ("done", 100, 4)


@pytest.mark.django_db(transaction=True)
def test_it_throttles_progress_writes(monkeypatch):
    writes = []
    monkeypatch.setattr(jobs._Tracker, "write", lambda self, p, m: writes.append(p))
    enqueue(sample.count_to, 10_000)
    assert writes[0] == 0 and writes[-1] == 100
    assert len(writes) < 20  # not one write per call (101 distinct percentages)


def test_progress_outside_a_job_does_nothing():
    jobs.progress(50, "no job here")  # no database access: this test has none


@pytest.mark.django_db(transaction=True)
def test_the_inline_worker_runs_jobs_in_order_outside_the_caller(settings):
    settings.JOBS_SYNC = False
    sample.CALLS.clear()
    first = enqueue(sample.make_group, "first")
    second = enqueue(sample.make_group, "second")
    jobs.inline_worker().join()
    assert sample.CALLS == ["first", "second"]
    assert list(Job.objects.order_by("pk").values_list("pk", "state")) == [
        (first.pk, "done"),
        (second.pk, "done"),
    ]
    assert jobs.inline_worker()._thread.name == "pilot-jobs"


@pytest.mark.django_db(transaction=True)
def test_enqueue_returns_before_the_inline_worker_runs_the_job(settings):
    settings.JOBS_SYNC = False
    record = enqueue(sample.count_to, 3)
    assert record.state == "queued"  # the caller (a request) did not run it
    jobs.inline_worker().join()
    record.refresh_from_db()
    assert record.state == "done"


@pytest.mark.django_db(transaction=True)
def test_a_restart_marks_running_jobs_interrupted_and_they_can_run_again(settings, staff_user):
    settings.JOBS_SYNC = False
    stuck = Job.objects.create(
        kind="other",
        func="tests.jobs.sample.make_group",
        args={"args": ["again"], "kwargs": {}},
        state="running",
    )
    waiting = Job.objects.create(func="tests.jobs.sample.make_group", args={"args": ["waiting"]})
    jobs.inline_worker().join()  # a new process's worker starts
    stuck.refresh_from_db()
    waiting.refresh_from_db()
    assert stuck.state == "failed" and stuck.error.startswith("interrupted (restart)")
    assert waiting.state == "done"  # left queued by the old process: picked up
    again = run_again(stuck, user=staff_user)
    jobs.inline_worker().join()
    again.refresh_from_db()
    assert (again.func, again.args, again.state) == (stuck.func, stuck.args, "done")
    assert Group.objects.filter(name="again").exists()


def test_a_job_kind_must_be_known():
    with pytest.raises(ValueError, match="unknown job kind 'cooking'"):
        jobs.job("cooking")


@pytest.mark.django_db
def test_an_unmarked_function_is_a_job_of_kind_other():
    assert enqueue(sample.not_marked).kind == "other"


@pytest.mark.redis
@pytest.mark.django_db
def test_a_real_rq_worker_runs_the_job(settings, django_capture_on_commit_callbacks):
    settings.JOBS_INLINE = False
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    queue = django_rq.get_queue("default")
    queue.empty()
    with django_capture_on_commit_callbacks(execute=True):
        record = enqueue(sample.count_to, 5)
    assert record.state == "queued" and queue.count == 1
    assert queue.job_ids == [record.rq_job_id] == [f"pilot-job-{record.pk}"]
    django_rq.get_worker("default", worker_class=SimpleWorker).work(burst=True)
    record.refresh_from_db()
    assert (record.state, record.result, record.progress) == ("done", 5, 100)
