"""Thin job entry points: they take ids, load fresh rows and call one domain function.

``enqueue(func, *args)`` runs ``func`` inline when no Redis is configured
(``settings.JOBS_INLINE``), otherwise puts it on django-rq's default queue (enqueued when the
current transaction commits, see ``RQ["COMMIT_MODE"]``).
"""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def enqueue(func, *args, **kwargs):
    """Run ``func(*args, **kwargs)`` as a background job, or inline without Redis.

    Returns the function's result when run inline, else the RQ job.
    """
    if settings.JOBS_INLINE:
        return func(*args, **kwargs)
    import django_rq

    return django_rq.enqueue(func, *args, **kwargs)


def import_extract_job(extract_id: int, path: str) -> int:
    """Import the uploaded file ``path`` into the pending Extract ``extract_id``.

    Returns the id of the Extract holding the result.
    """
    from pilot.ingest import import_extract
    from pilot.models import Extract

    extract = Extract.objects.get(pk=extract_id)
    if extract.status not in (Extract.Status.PENDING, Extract.Status.RUNNING):
        logger.info("Extract %s is already %s; not importing again", extract_id, extract.status)
        return extract.pk
    result = import_extract(extract.kind, path, user=extract.uploaded_by, extract=extract)
    return result.pk


def _batch(batch_id: int):
    from pilot.models import Batch

    return Batch.objects.select_related("study").get(pk=batch_id)


def generate_batch_job(batch_id: int) -> str:
    """Generate the lists of batch ``batch_id`` (pilot.batches.generate)."""
    from pilot.batches import generate

    return "\n".join(generate(_batch(batch_id)).lines())


def send_batch_job(batch_id: int, retry_failed: bool = False) -> str:
    """Send batch ``batch_id``'s e-mails through the outbox (pilot.batches.send)."""
    from pilot.batches import send

    return "\n".join(send(_batch(batch_id), retry_failed=retry_failed).lines())


def run_batch_job(batch_id: int) -> str:
    """Generate, then send, batch ``batch_id``."""
    return generate_batch_job(batch_id) + "\n" + send_batch_job(batch_id)


def remind_batch_job(batch_id: int) -> str:
    from pilot.batches import remind

    return "\n".join(remind(_batch(batch_id)).lines())


def close_batch_job(batch_id: int) -> str:
    from pilot.batches import close

    return f"{batch_id}: closed" if close(_batch(batch_id)) else f"{batch_id}: already closed"


def tick_job() -> str:
    """Every minute (pilot/cron.py): run whatever step of each active study is due."""
    from pilot.batches import tick

    return "\n".join(tick().lines())


def train_model_job(token: str, spec: dict, user_id: int | None = None) -> int | None:
    """Train a model version (``spec``: the arguments of ``pilot.training.train_version``).

    Progress and the outcome go to the run's state file ``token`` (the staff page polls it).
    Returns the new version's id, or None when training was refused.
    """
    from pilot.training import run_training

    return run_training(token, spec, user_id)


def request_signin_link_job(email: str, next_url: str = "") -> int:
    """E-mail a sign-in link to the pilot user(s) with this address, under the rate limit.

    Queued by the sign-in form so that the request does the same work for a known address
    as for an unknown one. Returns how many e-mails were sent.
    """
    from pilot import signin

    return signin.request_link(email, next_url)


def renew_signin_link_job(token: str) -> int:
    """E-mail a fresh link to the owner of a used or expired link ``token`` (rate limited)."""
    from pilot import signin

    return signin.renew(token)
