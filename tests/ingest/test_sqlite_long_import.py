"""A long import on SQLite never blocks the site, and one killed half-way leaves no trace.

Everything runs in separate processes on a SQLite *file* (as ``make run`` does): the
import through ``manage.py import_extract``, the site's writes through Django's test client
in ``tests/ingest/sqlite_site.py``. Before the fix one transaction covered the whole
import: every write waited for SQLite's lock and failed after 20 s ("database is locked").
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 1_000_000

pytestmark = pytest.mark.slow


def run(env, *args, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def site(env, command: str) -> dict:
    return json.loads(run(env, "-m", "tests.ingest.sqlite_site", command).stdout.splitlines()[-1])


def interactions_file(path: Path, rows: int = ROWS) -> Path:
    rng = np.random.default_rng(7)
    visitors = np.char.add("V", rng.integers(0, 50_000, rows).astype(str))
    recipes = np.char.add("R", rng.integers(1, 51, rows).astype(str))
    seconds = rng.integers(0, 180 * 86_400, rows)
    stamps = (np.datetime64("2026-01-01T00:00:00") + seconds.astype("timedelta64[s]")).astype(str)
    frame = pd.DataFrame(
        {
            "visitor_id": visitors,
            "recipe_id": recipes,
            "event": np.array(["view", "save", "cook"])[rng.integers(0, 3, rows)],
            "timestamp": np.char.add(stamps, "Z"),
            "event_id": np.char.add("E", np.arange(rows).astype(str)),
        }
    )
    frame.to_csv(path, index=False)
    return path


def prepare_site(database_url: str, folder: Path) -> dict:
    """Migrate the database, import 50 recipes, add a staff and a pilot user; the site's env."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "VAR_DIR": str(folder / "var"),
        "ALLOWED_HOSTS": "testserver",
        "SECURE_COOKIES": "0",
    }
    run(env, "manage.py", "migrate", "--noinput")
    recipes = folder / "recipes.csv"
    recipes.write_text("recipe_id,title\n" + "".join(f"R{i},Recipe {i}\n" for i in range(1, 51)))
    run(env, "manage.py", "import_extract", "recipes", str(recipes))
    site(env, "setup")
    return env


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A migrated SQLite file with recipes, a staff user and a pilot user; a 1M-row file."""
    folder = tmp_path_factory.mktemp("sqlite-site")
    env = prepare_site(f"sqlite:///{folder / 'db.sqlite3'}", folder)
    return folder, env, interactions_file(folder / "interactions.csv")


@pytest.fixture
def sqlite_site(prepared, tmp_path):
    """A fresh copy of the prepared database for each test."""
    folder, env, big = prepared
    db = tmp_path / "db.sqlite3"
    shutil.copy(folder / "db.sqlite3", db)
    env = {**env, "DATABASE_URL": f"sqlite:///{db}", "VAR_DIR": str(tmp_path / "var")}
    return db, env, big


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def start_import(env, big) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_extract", "interactions", str(big)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_rows(db: Path, process: subprocess.Popen, at_least: int) -> int:
    """Until the import has written ``at_least`` interactions (it is in its write phase)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        written = count(db, "SELECT count(*) FROM pilot_interaction")
        if written >= at_least:
            return written
        time.sleep(0.05)  # polling another process, not waiting for time to pass
    raise AssertionError("the import never started writing")


def wait_for_progress(env, process: subprocess.Popen, percent: int) -> None:
    """Until the running import's progress file says ``percent`` (it is reading the file)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        for path in (Path(env["VAR_DIR"]) / "progress").glob("extract-*.json"):
            try:
                if json.loads(path.read_text())["percent"] >= percent:
                    return
            except (OSError, ValueError):
                pass
        time.sleep(0.05)  # polling another process, not waiting for time to pass
    raise AssertionError(f"the import never reached {percent}%")


def assert_went_through(result: dict) -> None:
    for name in ("login", "signin", "write"):
        step = result[name]
        # The site waits at most BUSY seconds for SQLite's lock (SQLITE_BUSY_TIMEOUT below), so
        # a write queued behind the whole import would fail with "database is locked".
        assert step["error"] == "" and step["status"] in (200, 302), (name, step)
    assert result["logged_in"] and result["links_created"] == 1


#: Seconds the site's writes may wait for SQLite's write lock in the test below: far less than
#: the import takes (26 s on one core), far more than one of its short transactions.
BUSY = 5


def test_it_lets_a_sign_in_and_another_users_write_through_a_long_import(sqlite_site):
    db, env, big = sqlite_site
    importing = start_import(env, big)
    impatient = {**env, "SQLITE_BUSY_TIMEOUT": str(BUSY)}
    try:
        wait_for_progress(env, importing, 20)  # reading and validating the file
        while_reading = site(impatient, "writes")
        assert_went_through(while_reading)
        wait_for_rows(db, importing, 1)  # writing it, in short transactions
        while_writing = site(impatient, "writes")
        still_running = importing.poll() is None
        written_meanwhile = count(db, "SELECT count(*) FROM pilot_interaction")
    finally:
        out, err = importing.communicate(timeout=600)
    assert still_running and written_meanwhile < ROWS  # the writes happened mid-import
    assert_went_through(while_writing)
    assert importing.returncode == 0, err
    assert f"{ROWS:,} rows read, {ROWS:,} imported, 0 rejected" in out
    assert count(db, "SELECT count(*) FROM pilot_interaction") == ROWS


def test_an_import_killed_half_way_leaves_the_data_exactly_as_before(sqlite_site):
    db, env, big = sqlite_site
    before = site(env, "snapshot")
    importing = start_import(env, big)
    written = wait_for_rows(db, importing, 100_000)
    importing.send_signal(signal.SIGKILL)
    importing.wait(timeout=60)
    assert 0 < written < ROWS and count(db, "SELECT count(*) FROM pilot_interaction") >= written
    (extract_id,) = [pk for pk, status in site(env, "snapshot")["extracts"] if status == "running"]

    assert site(env, "recover") == {"recovered": [extract_id]}  # what the next run/start does

    after = site(env, "snapshot")
    assert {k: v for k, v in after.items() if k != "extracts"} == {
        k: v for k, v in before.items() if k != "extracts"
    }
    assert after["extracts"] == [*before["extracts"], [extract_id, "failed"]]
    with sqlite3.connect(db) as conn:
        (error,) = conn.execute(
            "SELECT error FROM pilot_extract WHERE id = ?", (extract_id,)
        ).fetchone()
    assert "interrupted" in error and "nothing changed" in error
    # and the file imports completely afterwards
    again = run(env, "manage.py", "import_extract", "interactions", str(big))
    assert f"{ROWS:,} imported" in again.stdout
