"""Settings for the test suite: the real settings, plus a test-only secret and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")

from pilot.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = None  # static files come from the finders in tests; no collectstatic needed

# SQLite: a test database in a file, not in memory, so tests with threads run truly
# concurrent writers the way gunicorn workers do (an in-memory shared-cache database fails
# them with "database table is locked" instead of queueing them on the busy timeout).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405
