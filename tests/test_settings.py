"""Settings come from the environment; a malformed value stops start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from pilot.env import (
    env_bool,
    env_database,
    env_float,
    env_int,
    env_list,
    env_redis_url,
    env_str,
    env_timezone,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("off", False),
        ("", False),
    ],
)
def test_it_reads_booleans(raw, expected):
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_it_uses_the_default_when_a_boolean_is_unset():
    assert env_bool("DEBUG", True, environ={}) is True


def test_it_names_the_variable_of_a_bad_boolean():
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_it_reads_integers_and_refuses_bad_ones():
    assert env_int("EMAIL_PORT", 587, environ={"EMAIL_PORT": "2525"}) == 2525
    assert env_int("EMAIL_PORT", 587, environ={}) == 587
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT='25x' is not a whole number"):
        env_int("EMAIL_PORT", 587, environ={"EMAIL_PORT": "25x"})
    with pytest.raises(ImproperlyConfigured, match="SIGNIN_LINK_MAX_AGE_HOURS=0 is too small"):
        env_int(
            "SIGNIN_LINK_MAX_AGE_HOURS", 72, minimum=1, environ={"SIGNIN_LINK_MAX_AGE_HOURS": "0"}
        )


def test_it_reads_floats_in_range():
    env = {"IMPORT_MAX_REJECT_SHARE": "0.1"}
    assert env_float("IMPORT_MAX_REJECT_SHARE", 0.05, minimum=0, maximum=1, environ=env) == 0.1
    with pytest.raises(ImproperlyConfigured, match="IMPORT_MAX_REJECT_SHARE=1.5 is out of range"):
        env_float(
            "IMPORT_MAX_REJECT_SHARE",
            0.05,
            minimum=0,
            maximum=1,
            environ={"IMPORT_MAX_REJECT_SHARE": "1.5"},
        )
    with pytest.raises(ImproperlyConfigured, match="is not a number"):
        env_float("IMPORT_MAX_REJECT_SHARE", 0.05, environ={"IMPORT_MAX_REJECT_SHARE": "five"})


def test_it_reads_comma_separated_hosts():
    env = {"ALLOWED_HOSTS": "pilot.example.org, .example.com"}
    assert env_list("ALLOWED_HOSTS", [], environ=env) == ["pilot.example.org", ".example.com"]
    assert env_list("ALLOWED_HOSTS", ["localhost"], environ={}) == ["localhost"]
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS=.* has an empty entry"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a,,b"})


def test_it_reads_strings_with_defaults():
    assert env_str("SITE_URL", "http://x", environ={}) == "http://x"
    assert env_str("SITE_URL", "http://x", environ={"SITE_URL": " https://y "}) == "https://y"


def test_it_parses_postgres_and_sqlite_urls():
    pg = env_database(
        "DATABASE_URL",
        "sqlite:///x.db",
        environ={"DATABASE_URL": "postgres://bob:pw@db:5433/pilot"},
    )
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "bob",
        "pw",
        "db",
        5433,
        "pilot",
    )
    lite = env_database("DATABASE_URL", "sqlite:////tmp/pilot.db", environ={})
    assert lite["ENGINE"] == "django.db.backends.sqlite3"
    assert lite["NAME"] == "/tmp/pilot.db"


@pytest.mark.parametrize(
    "url, message",
    [
        ("localhost:5432/pilot", "is not a database URL"),
        ("mysql://root@db/pilot", "only PostgreSQL and SQLite are supported"),
        ("oracle://x@y/z", "is not usable|only PostgreSQL"),
        ("postgres://user@host:5432/", "names no database"),
    ],
)
def test_it_names_the_variable_of_a_bad_database_url(url, message):
    with pytest.raises(ImproperlyConfigured, match=f"DATABASE_URL.*({message})"):
        env_database("DATABASE_URL", "sqlite:///x.db", environ={"DATABASE_URL": url})


def test_it_reads_redis_urls():
    assert env_redis_url("REDIS_URL", environ={}) is None
    assert (
        env_redis_url("REDIS_URL", environ={"REDIS_URL": "redis://127.0.0.1:6379/1"})
        == "redis://127.0.0.1:6379/1"
    )
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL='127.0.0.1:6379' is not a Redis URL"):
        env_redis_url("REDIS_URL", environ={"REDIS_URL": "127.0.0.1:6379"})


def test_it_checks_time_zones():
    assert env_timezone("TIME_ZONE", "UTC", environ={"TIME_ZONE": "Europe/Paris"}) == "Europe/Paris"
    with pytest.raises(
        ImproperlyConfigured, match="TIME_ZONE='Mars/Olympus' is not a known time zone"
    ):
        env_timezone("TIME_ZONE", "UTC", environ={"TIME_ZONE": "Mars/Olympus"})


def load_settings(**env):
    """Import pilot.settings in a fresh interpreter with exactly these variables."""
    clean = {"PATH": os.environ["PATH"], "ENV_FILE": "", **env}
    code = (
        "import pilot.settings as s; print(s.DEBUG, s.JOBS_INLINE, s.DATABASES['default']['ENGINE'],"
        " s.EMAIL_BACKEND, getattr(s, 'CACHES', {}).get('default', {}).get('BACKEND', 'locmem'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_with_the_embedded_defaults_in_debug():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "django.db.backends.sqlite3",
        "django.core.mail.backends.console.EmailBackend",
        "locmem",  # each process its own cache
    ]


def test_it_switches_to_postgres_redis_and_smtp_from_the_environment():
    result = load_settings(
        SECRET_KEY="s3cret",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_HOST="smtp.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "False",
        "django.db.backends.postgresql",
        "django.core.mail.backends.smtp.EmailBackend",
        "django.core.cache.backends.redis.RedisCache",  # shared by web processes and workers
    ]


@pytest.mark.parametrize(
    "variable, value",
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nonsense"),
        ("REDIS_URL", "localhost"),
        ("EMAIL_PORT", "x"),
        ("TIME_ZONE", "Nowhere/City"),
    ],
)
def test_it_stops_start_up_naming_the_malformed_variable(variable, value):
    env = {"SECRET_KEY": "s3cret", "EMAIL_HOST": "smtp.example.org", variable: value}
    result = load_settings(**env)
    assert result.returncode != 0
    assert f"{variable}=" in result.stderr
