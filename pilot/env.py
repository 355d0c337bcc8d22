"""Typed readers for settings that come from the environment.

Each helper returns the parsed value or raises ``ImproperlyConfigured`` with a message that
names the variable and says what was expected, so a malformed value stops start-up with a
clear error instead of a confusing failure later.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    env = os.environ if environ is None else environ
    value = env.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, environ=None) -> str | None:
    value = _raw(name, environ)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool, *, environ=None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None, environ=None) -> int:
    value = _raw(name, environ)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a whole number."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(
            f"Environment variable {name}={number} is too small: it must be at least {minimum}."
        )
    return number


def env_float(name: str, default: float, *, minimum=None, maximum=None, environ=None) -> float:
    value = _raw(name, environ)
    if value in (None, ""):
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a number."
        ) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(
            f"Environment variable {name}={number} is out of range [{minimum}, {maximum}]."
        )
    return number


def env_list(name: str, default: list[str], *, environ=None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [part.strip() for part in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} has an empty entry: give a comma-separated list."
        )
    return items


def env_database(name: str, default_url: str, *, environ=None) -> dict:
    """Parse a database URL (``postgres://user@host:5432/db`` or ``sqlite:///path``)."""
    value = env_str(name, None, environ=environ)
    url = value or default_url
    if "://" not in url:
        raise ImproperlyConfigured(
            f"Environment variable {name}={url!r} is not a database URL: expected e.g. "
            "postgres://user:password@host:5432/name or sqlite:///var/db.sqlite3."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60 if url.startswith("postgres") else 0)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name}={url!r} is not usable: {exc}"
        ) from None
    if config.get("ENGINE") not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured(
            f"Environment variable {name}: only PostgreSQL and SQLite are supported, got {url.split(':', 1)[0]!r}."
        )
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"Environment variable {name}={url!r} names no database.")
    return config


def env_redis_url(name: str, *, environ=None) -> str | None:
    value = env_str(name, None, environ=environ)
    if value is None:
        return None
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a Redis URL: expected redis://host:6379/0."
        )
    return value


def env_timezone(name: str, default: str, *, environ=None) -> str:
    value = env_str(name, default, environ=environ)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a known time zone (e.g. Europe/Paris, UTC)."
        ) from None
    return value
