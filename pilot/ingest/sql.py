"""Set-based SQL for the hot path of the interactions import (SQLite and PostgreSQL).

A chunk of 100,000 rows costs a handful of statements. The chunk's visitor ids go into a
temporary table (``COPY`` on PostgreSQL, ``executemany`` on SQLite), then one
``INSERT ... SELECT ... ON CONFLICT DO NOTHING``. Its rows: see ``InteractionWriter``. The
temporary tables live on the import's connection (PostgreSQL drops them at commit); they
are emptied for each chunk.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from django.db import connection

from pilot.models import Identity, Interaction

VISITORS = "pilot_ingest_visitor"
ROWS = "pilot_ingest_interaction"
COLUMNS = (
    "key",
    "visitor_id",
    "person_id",
    "recipe_id",
    "event",
    "value",
    "timestamp",
    "extract_id",
)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def tune_connection() -> None:
    """SQLite: a larger page cache for the import (the default 2 MB thrashes the indexes)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -131072")  # 128 MiB, this connection only


def web_identities(external_ids: Sequence[str], now: datetime) -> tuple[dict, int]:
    """Make sure a web Identity exists for every visitor id; return their ids and persons.

    Returns
    -------
    (found, created)
        ``found``: visitor id -> (identity id, person id or None); ``created``: how many
        identities were new (status unresolved).
    """
    identity = _q(Identity._meta.db_table)
    with connection.cursor() as wrapper:
        if _postgres():
            cursor = wrapper.cursor
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {VISITORS} (external_id varchar(128)) "
                "ON COMMIT DROP"
            )
            with cursor.copy(f"COPY {VISITORS} (external_id) FROM STDIN") as copy:
                for external_id in external_ids:
                    copy.write_row((external_id,))
            cursor.execute(
                f"INSERT INTO {identity} (source, external_id, status, note, created_at) "
                f"SELECT 'web', external_id, 'unresolved', '', %s FROM {VISITORS} "
                "ON CONFLICT (source, external_id) DO NOTHING",
                (now,),
            )
        else:
            cursor = wrapper
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {VISITORS} (external_id TEXT)")
            cursor.executemany(
                f"INSERT INTO {VISITORS} (external_id) VALUES (%s)", [(v,) for v in external_ids]
            )
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.execute(
                f"INSERT OR IGNORE INTO {identity} (source, external_id, status, note, created_at) "
                f"SELECT 'web', external_id, 'unresolved', '', %s FROM {VISITORS}",
                (stamp,),
            )
        created = max(cursor.rowcount, 0)
        cursor.execute(
            f"SELECT i.external_id, i.id, i.person_id FROM {VISITORS} v JOIN {identity} i "
            "ON i.source = 'web' AND i.external_id = v.external_id"
        )
        found = {external_id: (pk, person) for external_id, pk, person in cursor.fetchall()}
        cursor.execute(f"DELETE FROM {VISITORS}")
    return found, created


class InteractionWriter:
    """Insert chunks of rows of ``COLUMNS``; keys already present are skipped.

    SQLite: one ``executemany`` of ``INSERT OR IGNORE`` per chunk. (Not in a thread:
    binding the parameters holds the GIL row by row, and a background ``executemany`` made
    the import slower, not faster.)

    PostgreSQL: the chunk is copied (``COPY``) into a temporary table, then one
    ``INSERT ... SELECT ... ON CONFLICT (key) DO NOTHING`` moves it into the table. That
    statement runs on the import's own connection (same transaction) in a background
    thread, so the server inserts one chunk while Python reads and validates the next
    (psycopg releases the GIL while it waits); ``wait()`` joins it, and is called before
    the connection is used again. The foreign keys, which Django declares ``DEFERRABLE
    INITIALLY DEFERRED``, are switched to ``IMMEDIATE`` for this transaction (``SET
    CONSTRAINTS``), so each chunk's checks run with its ``INSERT`` (in the background)
    instead of all at commit: the same checks, in the same transaction, and the server's
    queue of pending checks stays the size of one chunk.

    ``inserted`` counts the rows inserted so far (after ``wait()``). Call ``finish()`` after
    the last chunk, and ``close()`` before leaving the transaction on error.
    """

    def __init__(self) -> None:
        self.inserted = 0
        self.postgres = _postgres()
        self._executor: ThreadPoolExecutor | None = None
        self._pending: Future | None = None
        self._table = _q(Interaction._meta.db_table)
        self._columns = ", ".join(_q(c) for c in COLUMNS)
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {ROWS} (key varchar(64), "
                    "visitor_id bigint, person_id bigint, recipe_id bigint, event varchar(8), "
                    'value double precision, "timestamp" timestamptz, extract_id bigint) '
                    "ON COMMIT DROP"
                )
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="ingest-insert")

    def write(self, rows: list[tuple]) -> None:
        """Insert one chunk (PostgreSQL: start inserting it, in the background thread)."""
        self.wait()
        table, columns = self._table, self._columns
        if self.postgres:
            with connection.cursor() as wrapper:
                cursor = wrapper.cursor
                cursor.execute(f"TRUNCATE {ROWS}")
                with cursor.copy(f"COPY {ROWS} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            statement = (
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {ROWS} "
                "ON CONFLICT (key) DO NOTHING"
            )
            self._pending = self._executor.submit(_execute, connection.connection, statement)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            statement = f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})"
            with connection.cursor() as cursor:
                cursor.executemany(statement, rows)
                self.inserted += max(cursor.rowcount, 0)

    def wait(self) -> None:
        """Wait for the chunk being inserted, if any; raise its error."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.inserted += pending.result()

    def finish(self) -> None:
        """Wait for the last chunk; give the transaction back its deferred foreign keys."""
        self.wait()
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's declared default
        self.close()

    def close(self) -> None:
        """Wait for the background insert without raising (the caller is already failing or
        has called ``wait()``) and stop the thread."""
        if self._pending is not None:
            self._pending.exception()
            self._pending = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def _execute(raw_connection, statement: str) -> int:
    """Run one statement on the (psycopg) connection; return its row count."""
    with raw_connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.rowcount


STAGE = "pilot_ingest_stage"
#: Staged rows moved per transaction: each holds SQLite's write lock for a fraction of a
#: second, so the site's own writes (a sign-in, a rating) get through between two of them.
MERGE_ROWS = 20_000
#: Seconds the merge pauses after each batch. A writer waiting for the lock sleeps in steps
#: of up to 100 ms (SQLite's busy handler); without a pause the next batch would take the
#: lock again first, every time.
MERGE_PAUSE = 0.1


class SqliteStage:
    """SQLite: the interactions of one file, staged before any of them is written.

    While the file is read, its valid rows go into a temporary table of the import's
    connection (SQLite keeps temporary tables in a separate database, so staging takes no
    lock on the main one and the site's writers are never kept waiting). The key is the
    table's primary key and rows are added in file order with ``INSERT OR IGNORE``: a key
    repeated later in the file keeps its first line.

    ``merge`` then moves the rows into ``pilot_interaction`` ``MERGE_ROWS`` at a time, each
    batch in its own short transaction that also creates the batch's new visitors. Every
    row carries the import's ``extract_id`` and every new visitor the import's start time
    (``created_at``), so an import that stops half-way can be undone
    (``pilot.ingest.recovery``).
    """

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE} (key TEXT PRIMARY KEY, visitor TEXT NOT NULL, "
                "recipe_id INTEGER NOT NULL, event TEXT NOT NULL, value REAL, "
                "timestamp TEXT NOT NULL)"
            )

    def add(self, rows) -> None:
        """Stage rows of (key, visitor, recipe_id, event, value, timestamp)."""
        statement = (
            f"INSERT OR IGNORE INTO temp.{STAGE} (key, visitor, recipe_id, event, value, "
            "timestamp) VALUES (%s, %s, %s, %s, %s, %s)"
        )
        with connection.cursor() as cursor:
            own = not connection.in_atomic_block
            if own:  # one deferred transaction on the temporary database only
                cursor.execute("BEGIN")
            try:
                cursor.executemany(statement, list(rows))
            except BaseException:
                if own:
                    cursor.execute("ROLLBACK")
                raise
            if own:
                cursor.execute("COMMIT")

    def merge(self, extract_id: int, created_at: datetime, progress=None) -> tuple[int, int]:
        """Write the staged rows; return (interactions inserted, visitors created)."""
        stamp = connection.ops.adapt_datetimefield_value(created_at)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(rowid), 0) FROM temp.{STAGE}")
            (last,) = cursor.fetchone()
            # WAL with synchronous=NORMAL: a commit no longer waits for fsync (a checkpoint
            # still does). A power cut may lose the last batches, never corrupt the file;
            # the import is then "running" with no live process and is undone on restart.
            # (Not inside an outer transaction, where SQLite refuses the change: tests.)
            tune = not connection.in_atomic_block
            if tune:
                cursor.execute("PRAGMA synchronous")
                (synchronous,) = cursor.fetchone()
                cursor.execute("PRAGMA synchronous = NORMAL")
        try:
            return self._merge(extract_id, stamp, last, progress)
        finally:
            if tune:
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")

    def _merge(self, extract_id: int, stamp, last: int, progress) -> tuple[int, int]:
        from django.db import transaction

        identity, interaction = _q(Identity._meta.db_table), _q(Interaction._meta.db_table)
        columns = ", ".join(_q(c) for c in COLUMNS)
        inserted = created = 0
        for first in range(1, last + 1, MERGE_ROWS):
            bounds = (first, first + MERGE_ROWS - 1)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT OR IGNORE INTO {identity} (source, external_id, status, note, "
                    f"created_at) SELECT DISTINCT 'web', visitor, 'unresolved', '', %s "
                    f"FROM temp.{STAGE} WHERE rowid BETWEEN %s AND %s",
                    (stamp, *bounds),
                )
                created += max(cursor.rowcount, 0)
                cursor.execute(
                    f"INSERT OR IGNORE INTO {interaction} ({columns}) "
                    "SELECT s.key, i.id, i.person_id, s.recipe_id, s.event, s.value, "
                    f"s.timestamp, %s FROM temp.{STAGE} s JOIN {identity} i "
                    "ON i.source = 'web' AND i.external_id = s.visitor "
                    # In key order: the unique index is filled in order (twice as fast as
                    # file order). Which line wins a repeated key was settled when staging.
                    "WHERE s.rowid BETWEEN %s AND %s ORDER BY s.key",
                    (extract_id, *bounds),
                )
                inserted += max(cursor.rowcount, 0)
            if progress:
                progress(min(last, bounds[1]) / last)
            time.sleep(MERGE_PAUSE)
        return inserted, created

    def would_write(self) -> tuple[int, int, int]:
        """A dry run's counts, by reading only: (new interactions, new visitors, resolved)."""
        identity, interaction = _q(Identity._meta.db_table), _q(Interaction._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*), count(i.person_id) FROM temp.{STAGE} s "
                f"LEFT JOIN {identity} i ON i.source = 'web' AND i.external_id = s.visitor "
                f"WHERE NOT EXISTS (SELECT 1 FROM {interaction} x WHERE x.key = s.key)"
            )
            inserted, resolved = cursor.fetchone()
            cursor.execute(
                f"SELECT count(DISTINCT visitor) FROM temp.{STAGE} s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {identity} i WHERE i.source = 'web' AND i.external_id = s.visitor)"
            )
            (created,) = cursor.fetchone()
        return inserted, created, resolved

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
