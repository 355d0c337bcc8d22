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


def request_signin_link_job(email: str) -> int:
    """E-mail a sign-in link to the pilot user(s) with this address, under the rate limit.

    Queued by the sign-in form so that the request does the same work for a known address
    as for an unknown one. Returns how many e-mails were sent.
    """
    from pilot import signin

    return signin.request_link(email)


def renew_signin_link_job(token: str) -> int:
    """E-mail a fresh link to the owner of a used or expired link ``token`` (rate limited)."""
    from pilot import signin

    return signin.renew(token)
