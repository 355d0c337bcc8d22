"""Leases on a batch: one worker at a time runs a step of it; a dead worker's lease expires.

The claim is a conditional UPDATE (the pattern of STYLE.md): it wins only when nobody holds
an unexpired lease, so two workers, or a tick beside a staff click, never run the same step
of the same batch at once. The holder renews it after every chunk of work; when a worker is
killed the lease simply runs out (``BATCH_LEASE_SECONDS``) and the next run carries on
where the dead one stopped.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from pilot.models import Batch


class BatchBusy(Exception):
    """Another worker holds the batch's lease; the message says until when."""


def _seconds() -> int:
    return int(getattr(settings, "BATCH_LEASE_SECONDS", 120))


def _claimable(batch_id: int, now):
    return Batch.objects.filter(pk=batch_id).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


class Lease:
    def __init__(self, batch: Batch, owner: str):
        self.batch = batch
        self.owner = owner

    def renew(self) -> None:
        """Extend the lease; raises :class:`BatchBusy` if it was lost (it ran out and another
        worker took the batch), so the caller stops instead of working beside it."""
        until = timezone.now() + timedelta(seconds=_seconds())
        if not Batch.objects.filter(pk=self.batch.pk, lease_owner=self.owner).update(
            lease_until=until
        ):
            raise BatchBusy(f"{self.batch}: the lease was lost to another worker; stopping.")


@contextmanager
def lease(batch: Batch):
    """Hold ``batch``'s lease for the block, or raise :class:`BatchBusy`."""
    owner = secrets.token_hex(8)
    now = timezone.now()
    until = now + timedelta(seconds=_seconds())
    if _claimable(batch.pk, now).update(lease_until=until, lease_owner=owner) != 1:
        held = Batch.objects.filter(pk=batch.pk).values_list("lease_until", flat=True).first()
        raise BatchBusy(
            f"{batch}: another worker is running a step of this batch "
            f"(its lease runs until {held:%Y-%m-%d %H:%M:%S} UTC); try again after that."
        )
    try:
        yield Lease(batch, owner)
    finally:
        Batch.objects.filter(pk=batch.pk, lease_owner=owner).update(
            lease_until=None, lease_owner=""
        )
