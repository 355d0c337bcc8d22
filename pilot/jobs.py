"""The job runner: every background job is a ``Job`` row, run by ``run_job``.

``enqueue(func, *args, user=None, **kwargs)`` records a ``Job`` (the function's dotted path
and its JSON arguments) and gets it run, never inside the web request that asked for it:

- **Redis configured** (``settings.JOBS_INLINE`` false): ``run_job(job_id)`` goes on
  django-rq's ``default`` queue when the current transaction commits; any number of
  ``manage.py rqworker`` processes run it.
- **No Redis** (the embedded default): one worker thread in the web process runs the jobs
  one at a time, in order (``InlineWorker``). When it starts it marks the jobs a dead
  process left ``running`` as failed ("interrupted (restart)") and picks up jobs still
  ``queued``.
- **Synchronous** (``settings.JOBS_SYNC``, on in the test settings): without Redis,
  ``enqueue`` runs the job at once and returns when it is finished.

``run_job`` claims the row with a conditional update (queued -> running), so two workers
never run one job; it records done (with the result) or failed (with the error and a short
traceback). While a job runs, ``progress(percent, message)`` called from any plain domain
function updates its row (throttled; a no-op outside a job).

Job functions are thin: they take ids, load fresh rows and call one domain function. Mark
them with ``@job("import")`` (their kind, shown on the staff jobs page).
"""

from __future__ import annotations

import contextvars
import json
import logging
import queue
import threading
import time
import traceback
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from pilot.models import Job

logger = logging.getLogger(__name__)

#: Seconds between two progress writes of one job (the first and 100% are always written).
PROGRESS_EVERY = 0.5
INTERRUPTED = "interrupted (restart): the process running this job stopped before it finished"


def job(kind: str):
    """Mark a function as a job of ``kind`` (one of ``Job.Kind``)."""
    if kind not in Job.Kind.values:
        raise ValueError(f"unknown job kind {kind!r}; expected one of {', '.join(Job.Kind.values)}")

    def mark(func):
        func.job_kind = kind
        return func

    return mark


def dotted_path(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def enqueue(func, *args, user=None, **kwargs) -> Job:
    """Record a Job for ``func(*args, **kwargs)`` and get it run (see the module docstring).

    ``args`` and ``kwargs`` must be JSON values (ids, paths, numbers), never model instances.
    """
    path = dotted_path(func)
    if import_string(path) is not func:
        raise ValueError(
            f"{path} cannot be imported by that name; a job must be a module-level function"
        )
    payload = {"args": list(args), "kwargs": kwargs}
    json.dumps(payload)  # refuse what a worker could not read back, here and now
    record = Job.objects.create(
        kind=getattr(func, "job_kind", Job.Kind.OTHER),
        func=path,
        args=payload,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    submit(record)
    return record


def submit(record: Job) -> None:
    """Hand a queued Job to whatever runs jobs here."""
    if not settings.JOBS_INLINE:
        import django_rq

        record.rq_job_id = f"pilot-job-{record.pk}"
        record.save(update_fields=["rq_job_id"])
        django_rq.get_queue("default").enqueue(run_job, record.pk, job_id=record.rq_job_id)
    elif settings.JOBS_SYNC:
        run_job(record.pk)
        record.refresh_from_db()
    else:
        pk = record.pk
        transaction.on_commit(lambda: inline_worker().put(pk))


def run_again(record: Job, *, user=None) -> Job:
    """A new Job with the same function and arguments (for a failed or interrupted one)."""
    func = import_string(record.func)
    return enqueue(func, *record.call_args, user=user, **record.call_kwargs)


# --- running one job -------------------------------------------------------------------


@dataclass
class _Tracker:
    job_id: int
    last_write: float = 0.0
    last_percent: int = -1
    side: object = field(default=None, repr=False)

    def write(self, percent: int, message: str) -> None:
        values = {"progress": percent, "message": message[:200]}
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(**values)
        elif connection.vendor != "sqlite":
            # Inside the job's own transaction the row would change only at commit: write
            # through a second connection so the pages see it now.
            if self.side is None:
                self.side = connections.create_connection("default")
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET progress = %s, message = %s WHERE id = %s",
                    [percent, values["message"], self.job_id],
                )
        # SQLite inside a transaction: this connection holds the write lock; skip.

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


_current: contextvars.ContextVar[_Tracker | None] = contextvars.ContextVar(
    "pilot_job", default=None
)


def current_job_id() -> int | None:
    tracker = _current.get()
    return tracker.job_id if tracker else None


def progress(percent: float, message: str = "") -> None:
    """Report how far the current job is (0-100). A no-op outside a job; throttled."""
    tracker = _current.get()
    if tracker is None:
        return
    percent = max(0, min(100, int(percent)))
    now = time.monotonic()
    if percent == tracker.last_percent and percent != 100:
        return
    if tracker.last_percent >= 0 and percent < 100 and now - tracker.last_write < PROGRESS_EVERY:
        return
    tracker.last_write, tracker.last_percent = now, percent
    tracker.write(percent, message)


def run_job(job_id: int):
    """Claim the queued Job ``job_id`` and run it; return its result (None if not claimed).

    Exceptions are recorded on the row (state failed), not raised.
    """
    started = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=started, progress=0, message="", error=""
    )
    if claimed != 1:
        logger.info("Job %s was not queued (already taken or finished); not running it", job_id)
        return None
    record = Job.objects.get(pk=job_id)
    tracker = _Tracker(job_id)
    token = _current.set(tracker)
    try:
        result = import_string(record.func)(*record.call_args, **record.call_kwargs)
    except Exception as error:
        logger.exception("Job %s (%s) failed", job_id, record.func)
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILED, error=error_summary(error), finished_at=timezone.now()
        )
        return None
    finally:
        _current.reset(token)
        tracker.close()
    Job.objects.filter(pk=job_id).update(
        state=Job.State.DONE, progress=100, result=_jsonable(result), finished_at=timezone.now()
    )
    return result


def error_summary(error: BaseException, frames: int = 6) -> str:
    """``Type: message`` and the last few frames of the traceback."""
    lines = [f"{error.__class__.__name__}: {error}"]
    for frame in traceback.extract_tb(error.__traceback__)[-frames:]:
        lines.append(f"  {frame.filename}:{frame.lineno} in {frame.name}")
    return "\n".join(lines)


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return str(value)


def mark_interrupted() -> int:
    """Mark every ``running`` Job failed as interrupted; return how many.

    Only safe where no other process can be running jobs: the in-process worker calls it
    when it starts (one web process, no Redis).
    """
    count = Job.objects.filter(state=Job.State.RUNNING).update(
        state=Job.State.FAILED, error=INTERRUPTED, finished_at=timezone.now()
    )
    if count:
        logger.warning("%s job(s) were interrupted by a restart; marked failed", count)
    return count


# --- the in-process worker (no Redis) ----------------------------------------------------


class InlineWorker:
    """One daemon thread that runs queued jobs one at a time, in order, outside requests."""

    def __init__(self) -> None:
        self._queue: queue.Queue[int] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="pilot-jobs", daemon=True)
        self._started = threading.Event()

    def start(self) -> InlineWorker:
        self._thread.start()
        self._started.wait()
        return self

    def put(self, job_id: int) -> None:
        self._queue.put(job_id)

    def join(self) -> None:
        """Wait until every job handed to this worker so far has finished."""
        self._queue.join()

    def _recover(self) -> None:
        from pilot.ingest import recover_interrupted_imports

        try:
            mark_interrupted()
            recover_interrupted_imports()
            for pk in Job.objects.filter(state=Job.State.QUEUED).order_by("created_at", "id"):
                self._queue.put(pk.pk)
        except Exception:  # a missing table before migrate, say: nothing to recover
            logger.exception("Could not recover interrupted jobs")
        finally:
            connections.close_all()

    def _loop(self) -> None:
        self._recover()
        self._started.set()
        while True:
            job_id = self._queue.get()
            try:
                close_old_connections()
                run_job(job_id)
            except Exception:
                logger.exception("The job runner itself failed on job %s", job_id)
            finally:
                connections.close_all()  # this thread's own connections; one job at a time
                self._queue.task_done()


_worker: InlineWorker | None = None
_worker_lock = threading.Lock()


def inline_worker() -> InlineWorker:
    """The process's in-process worker, started on first use."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = InlineWorker().start()
        return _worker


def reset_inline_worker() -> None:
    """Forget the current worker (tests: the next ``inline_worker()`` starts a fresh one, which
    recovers interrupted jobs as a restarted process would). The old thread is left idle."""
    global _worker
    with _worker_lock:
        _worker = None


# --- the job functions -------------------------------------------------------------------


@job("import")
def import_extract_job(extract_id: int, path: str, keep_file: bool = False) -> int:
    """Import the uploaded file ``path`` into the pending Extract ``extract_id``.

    Returns the id of the Extract holding the result.
    """
    from pilot.ingest import import_upload

    return import_upload(extract_id, path, keep_file=keep_file)


def _batch(batch_id: int):
    from pilot.models import Batch

    return Batch.objects.select_related("study").get(pk=batch_id)


@job("generate")
def generate_batch_job(batch_id: int) -> str:
    """Generate the lists of batch ``batch_id`` (pilot.batches.generate)."""
    from pilot.batches import generate

    return "\n".join(generate(_batch(batch_id)).lines())


@job("send")
def send_batch_job(batch_id: int, retry_failed: bool = False) -> str:
    """Send batch ``batch_id``'s e-mails through the outbox (pilot.batches.send)."""
    from pilot.batches import send

    return "\n".join(send(_batch(batch_id), retry_failed=retry_failed).lines())


@job("send")
def run_batch_job(batch_id: int) -> str:
    """Generate, then send, batch ``batch_id``."""
    return generate_batch_job(batch_id) + "\n" + send_batch_job(batch_id)


@job("remind")
def remind_batch_job(batch_id: int) -> str:
    from pilot.batches import remind

    return "\n".join(remind(_batch(batch_id)).lines())


@job("close")
def close_batch_job(batch_id: int) -> str:
    from pilot.batches import close

    batch = _batch(batch_id)
    closed = close(batch)
    if closed and getattr(settings, "DASHBOARD_WARM_AFTER_CLOSE", True):
        from pilot.dashboard.warm import warm_dashboard_job

        enqueue(warm_dashboard_job, batch.study_id)  # the analysts' pages, built ahead
    return f"{batch_id}: closed" if closed else f"{batch_id}: already closed"


@job("tick")
def tick_job() -> str:
    """Every minute (pilot/cron.py): run whatever step of each active study is due."""
    from pilot.batches import tick
    from pilot.ingest import recover_interrupted_imports

    lines = list(tick().lines())
    for extract in recover_interrupted_imports():
        lines.append(f"extract {extract.pk} ({extract.name}): interrupted import marked failed")
    from pilot.dashboard.warm import warm_stale

    for key in warm_stale():
        lines.append(f"{key}: dashboard pages out of date, rebuilding them in a job")
    return "\n".join(lines)


@job("train")
def train_model_job(token: str, spec: dict, user_id: int | None = None) -> int | None:
    """Train a model version (``spec``: the arguments of ``pilot.training.train_version``).

    Progress and the outcome go to the run's state file ``token`` (the staff page polls it).
    Returns the new version's id, or None when training was refused.
    """
    from pilot.training import run_training

    return run_training(token, spec, user_id)


@job("signin")
def request_signin_link_job(email: str, next_url: str = "") -> int:
    """E-mail a sign-in link to the pilot user(s) with this address, under the rate limit.

    Queued by the sign-in form so that the request does the same work for a known address
    as for an unknown one. Returns how many e-mails were sent.
    """
    from pilot import signin

    return signin.request_link(email, next_url)


@job("signin")
def renew_signin_link_job(token: str) -> int:
    """E-mail a fresh link to the owner of a used or expired link ``token`` (rate limited)."""
    from pilot import signin

    return signin.renew(token)


@job("relabel")
def classify_ingredients_job(
    names: list[str], facts: list[str], user_id: int | None = None, note: str = ""
) -> str:
    """Classify ingredient names and re-derive the affected recipes' diet labels.

    A correction of a known ingredient re-derives every recipe (about a minute at 100,000
    recipes), so the staff page runs it here rather than in the request.
    """
    from django.contrib.auth import get_user_model

    from pilot.ingredients.facts import labels_broken
    from pilot.ingredients.worklist import classify

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    done = classify(names, facts, user, note)
    broken = ", ".join(sorted(labels_broken(done.facts))) or "no label"
    shown = ", ".join(done.names[:5]) + ("..." if len(done.names) > 5 else "")
    return (
        f"Classified {len(done.names)} name(s) ({shown}) as {', '.join(done.facts) or 'no fact'} "
        f"(breaks {broken}); {done.recipes_relabelled} of {done.recipes_checked} affected "
        "recipes got new labels."
    )


@job("compare")
def compare_versions_job(
    a_id: int, b_id: int, token: str | None = None, user_id: int | None = None
) -> int | None:
    """Compare model version ``b_id`` with ``a_id`` and store it (pilot.comparisons).

    Returns the Comparison's id, or None when the two cannot be compared (the run's state
    file ``token`` says why).
    """
    from pilot.comparisons import run_comparison

    return run_comparison(a_id, b_id, token, user_id)


@job("train")
def train_variant_job(token: str, spec: dict, user_id: int | None = None) -> dict | None:
    """Train a variant of a version (one feature added or removed), then compare it with its
    parent (``spec`` from ``pilot.training.variant_spec``)."""
    from pilot.comparisons import run_variant

    return run_variant(token, spec, user_id)
