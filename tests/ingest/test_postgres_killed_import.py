"""PostgreSQL: an import killed half-way changes nothing, and its Extract does not stay
``running``: the next import (or tick, or worker start) sees that nobody holds its advisory
lock and marks it failed.

Separate processes on a database of the test's own (the import through
``manage.py import_extract``, the checks through ``tests/ingest/sqlite_site.py``, which works
on any ``DATABASE_URL``). Runs when the suite runs on PostgreSQL; the SQLite counterpart is
``test_sqlite_long_import.py``.
"""

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from tests.bench.common import reset_postgres
from tests.ingest.test_sqlite_long_import import (
    ROOT,
    interactions_file,
    prepare_site,
    run,
    site,
    wait_for_progress,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL behaviour; the suite runs on PostgreSQL too (make test-postgres)",
    ),
]
ROWS = 300_000


@pytest.fixture
def pg_site(tmp_path):
    db = settings.DATABASES["default"]
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    url = f"postgres://{db.get('USER') or 'postgres'}@{host}:{port}/killed_import_{os.getpid()}"
    reset_postgres(url)
    env = prepare_site(url, tmp_path)
    yield env, interactions_file(tmp_path / "interactions.csv", ROWS)
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_a_killed_import_is_marked_failed_and_the_file_imports_again(pg_site):
    env, big = pg_site
    before = site(env, "snapshot")
    importing = subprocess.Popen(
        [sys.executable, "manage.py", "import_extract", "interactions", str(big)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_progress(env, importing, 20)
    running = site(env, "snapshot")["extracts"][-1]
    assert running[1] == "running"
    assert site(env, "recover") == {"recovered": []}  # alive: its session holds the lock

    importing.send_signal(signal.SIGKILL)
    importing.wait(timeout=60)
    assert site(env, "snapshot")["extracts"][-1] == running  # nobody noticed yet

    assert site(env, "recover") == {"recovered": [running[0]]}
    after = site(env, "snapshot")
    assert {k: v for k, v in after.items() if k != "extracts"} == {
        k: v for k, v in before.items() if k != "extracts"
    }
    assert after["extracts"] == [*before["extracts"], [running[0], "failed"]]
    assert site(env, "recover") == {"recovered": []}  # idempotent

    again = run(env, "manage.py", "import_extract", "interactions", str(big))
    assert f"{ROWS:,} imported" in again.stdout
