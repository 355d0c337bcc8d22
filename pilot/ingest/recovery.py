"""Undoing an import that stopped half-way (SQLite), and telling a live import from a dead one.

On SQLite an interactions import writes in short transactions (``sql.SqliteStage``), so a
process killed during those writes leaves some of its rows behind, and its Extract
``running``. Every row it wrote carries its ``extract_id``; every visitor it created, the
import's start time (``Extract.report["started_at"]``). ``undo_import`` removes both, in
short transactions too; afterwards the data is exactly as before the import.

Whether an import is still alive: while it runs, it holds an exclusive ``flock`` on
``VAR_DIR/imports/extract-N.lock``. The kernel releases the lock when the process dies
(also on SIGKILL), so an Extract that is ``running`` while nobody holds its lock was
interrupted. (SQLite lives on one machine, so a local lock is enough.)

On PostgreSQL an import is one transaction that the server rolls back itself when its
process dies, but the Extract row, marked ``running`` before that transaction, stays so. The
import's database session holds a session-level advisory lock (:data:`PG_LOCK_CLASS`, the
Extract's id) for as long as it runs; the server releases it when the session ends, killed
process included, on whichever machine it ran. A ``running`` Extract whose lock anyone can
take is therefore dead: it is marked failed, with nothing to remove. (Advisory locks need
a session of their own: behind a pooler in transaction mode, use session mode for workers.)

``recover_interrupted_imports`` runs before every import, when the in-process job worker
starts (with the web process) and in every tick (each minute under ``rqcron``).
"""

from __future__ import annotations

import fcntl
import logging
import os
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from pilot.models import Extract, Identity, Interaction

logger = logging.getLogger(__name__)

#: First key of the PostgreSQL advisory locks held by running imports ("RPIX").
PG_LOCK_CLASS = 0x52504958
#: Rows deleted per transaction while undoing an import.
UNDO_ROWS = 20_000
INTERRUPTED = (
    "{name}: the import was interrupted (the process stopped before it finished); "
    "the rows it had written were removed, nothing changed. Import the file again."
)


def lock_path(extract_id: int) -> Path:
    return Path(settings.VAR_DIR) / "imports" / f"extract-{extract_id}.lock"


def hold_lock(extract_id: int) -> int | None:
    """Take the Extract's lock for this process; return what :func:`release_lock` takes.

    SQLite: an exclusive ``flock`` (the file descriptor). PostgreSQL: a session-level
    advisory lock on this thread's connection (None).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [PG_LOCK_CLASS, extract_id])
        return None
    path = lock_path(extract_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def release_lock(fd: int | None, extract_id: int | None = None) -> None:
    if fd is not None:
        os.close(fd)
    elif extract_id is not None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [PG_LOCK_CLASS, extract_id])


def _is_alive(extract_id: int) -> bool:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [PG_LOCK_CLASS, extract_id])
            (taken,) = cursor.fetchone()
            if taken:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [PG_LOCK_CLASS, extract_id])
        return not taken
    path = lock_path(extract_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def undo_import(extract: Extract) -> int:
    """Remove the interactions and new visitors an unfinished import wrote; return the
    number of interactions removed. Short transactions; safe to run again."""
    if extract.pk is None:
        return 0
    removed = 0
    while True:
        with transaction.atomic():
            ids = list(
                Interaction.objects.filter(extract_id=extract.pk).values_list("id", flat=True)[
                    :UNDO_ROWS
                ]
            )
            if not ids:
                break
            removed += Interaction.objects.filter(id__in=ids).delete()[0]
    started = (extract.report or {}).get("started_at")
    if started:
        with transaction.atomic():
            Identity.objects.filter(
                source=Identity.Source.WEB,
                status=Identity.Status.UNRESOLVED,
                created_at=datetime.fromisoformat(started),
                interactions__isnull=True,
            ).delete()
    return removed


def recover_interrupted_imports() -> list[Extract]:
    """Undo every import left ``running`` by a process that died; mark it failed."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return []
    recovered = []
    for extract in Extract.objects.filter(status=Extract.Status.RUNNING):
        if _is_alive(extract.pk):
            continue
        removed = undo_import(extract)
        message = INTERRUPTED.format(name=extract.name)
        claimed = Extract.objects.filter(pk=extract.pk, status=Extract.Status.RUNNING).update(
            status=Extract.Status.FAILED,
            error=message,
            rows_imported=0,
            progress=100,
            finished_at=timezone.now(),
            report={**(extract.report or {}), "error": message, "rows_removed": removed},
        )
        if claimed:
            logger.warning(
                "Import of extract %s was interrupted; %s rows removed", extract.pk, removed
            )
            recovered.append(extract)
        if connection.vendor == "sqlite":
            lock_path(extract.pk).unlink(missing_ok=True)
    return recovered
