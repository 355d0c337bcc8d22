"""Settings for the test suite: the real settings, plus a test-only secret and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")

from pilot.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = None  # static files come from the finders in tests; no collectstatic needed
JOBS_SYNC = True  # jobs run inside enqueue; a test of the worker thread turns it off
