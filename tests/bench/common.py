"""Helpers the benchmarks share."""

from __future__ import annotations


def reset_postgres(url: str) -> None:
    """Drop and create the database ``url`` names (connecting to ``postgres`` to do it)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
