"""Settings for the test suite: the real settings, plus a test-only secret and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("ENV_FILE", "")  # a laptop's .env (from `make run`) stays out of the tests

from pilot.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = None  # static files come from the finders in tests; no collectstatic needed

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: that one fails concurrent writers at
    # once with "database table is locked", while a file waits for its lock as in production.
    # In RAM (/dev/shm) where there is one, and without fsync: the locking is the same.
    import tempfile

    folder = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(folder, f"recipe-pilot-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"]["init_command"] += "PRAGMA synchronous=OFF;"  # noqa: F405
JOBS_SYNC = True  # jobs run inside enqueue; a test of the worker thread turns it off
DASHBOARD_WARM_AFTER_CLOSE = False  # a dashboard test turns it on (tests/dashboard/)
