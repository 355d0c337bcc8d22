"""Write many rows fast: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

Django's ``bulk_create`` spends most of its time compiling SQL for each row; a weekly batch
for 10,000 participants is 100,000 rows, so the cycle writes them as plain tuples. The
caller holds the transaction; constraints still apply (a duplicate raises).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``) into ``model``'s table."""
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    rows = list(rows)
    if not rows:
        return 0
    with connection.cursor() as wrapper:
        if connection.vendor == "postgresql":
            with wrapper.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            wrapper.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return len(rows)


def as_json(value) -> str:
    return json.dumps(value, separators=(",", ":"))
