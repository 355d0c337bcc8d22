"""Set-based SQL for the hot path of the interactions import (SQLite and PostgreSQL).

A chunk of 100,000 rows costs a handful of statements: the chunk's visitor ids and its rows
go into temporary tables (``COPY`` on PostgreSQL, ``executemany`` on SQLite), then one
``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` each. The temporary tables live on the
import's connection (PostgreSQL drops them at commit); they are emptied after each chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def insert_interactions(rows: Iterable[tuple]) -> int:
    """Insert rows of ``COLUMNS``; keys already present are skipped. Returns rows inserted."""
    table = _q(Interaction._meta.db_table)
    columns = ", ".join(_q(c) for c in COLUMNS)
    with connection.cursor() as wrapper:
        if not _postgres():
            marks = ", ".join(["%s"] * len(COLUMNS))
            wrapper.executemany(
                f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})", list(rows)
            )
            return max(wrapper.rowcount, 0)
        cursor = wrapper.cursor
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {ROWS} (key varchar(64), visitor_id bigint, "
            "person_id bigint, recipe_id bigint, event varchar(8), value double precision, "
            '"timestamp" timestamptz, extract_id bigint) ON COMMIT DROP'
        )
        with cursor.copy(f"COPY {ROWS} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {ROWS} "
            "ON CONFLICT (key) DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute(f"TRUNCATE {ROWS}")
        return inserted
