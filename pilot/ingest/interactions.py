"""Interactions extract -> Interaction rows, validated and written a chunk at a time.

Everything here is vectorised over a chunk (pandas / numpy); the database sees one query
per batch, never one per row. Rows are inserted with the natural key as the conflict
target (``INSERT ... ON CONFLICT (key) DO NOTHING``; SQLite: ``INSERT OR IGNORE``), so an
interaction already imported by an overlapping extract is skipped, never duplicated.
On PostgreSQL each chunk goes through ``COPY`` into a temporary table first.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pandas as pd
from django.db import connection

from pilot.ingest import sql
from pilot.ingest.common import BAD_TIMESTAMP, FUTURE, Context, parse_timestamps
from pilot.ingest.formats import EVENTS, FORMATS, STARS_MAX, STARS_MIN
from pilot.ingest.validate import Check
from pilot.models import Recipe

UNKNOWN_RECIPE = "unknown recipe id (import the recipes extract first)"
NOT_A_NUMBER = "not a number"
RATE_NEEDS_STARS = f"a rate event needs stars from {STARS_MIN:g} to {STARS_MAX:g} in value"
SEPARATOR = "\x1f"


UNKNOWN_EVENT = f"unknown event; expected one of {', '.join(EVENTS)}"
STARS_OUT_OF_RANGE = f"stars out of range: a rate needs a value from {STARS_MIN:g} to {STARS_MAX:g}"


def natural_keys(event_ids: pd.Series, visitors, recipes, events, stamps: pd.Series) -> np.ndarray:
    """``event_id`` when given, else a SHA-256 of (visitor, recipe, event, UTC time).

    The time is written as a UTC instant with microseconds, so ``10:00Z`` and
    ``11:00+01:00`` give the same key.
    """
    keys = event_ids.to_numpy(dtype=object).copy()
    missing = np.flatnonzero(event_ids.to_numpy() == "")
    if len(missing):
        instants = np.datetime_as_string(
            stamps.iloc[missing].dt.tz_convert(None).to_numpy().astype("datetime64[us]"), unit="us"
        )
        parts = zip(
            visitors.to_numpy()[missing],
            recipes.to_numpy()[missing],
            events.to_numpy()[missing],
            instants,
            strict=True,
        )
        keys[missing] = [hashlib.sha256(SEPARATOR.join(p).encode()).hexdigest() for p in parts]
    return keys


def sqlite_datetimes(stamps: pd.Series) -> list[str]:
    """UTC timestamps written exactly as Django's SQLite backend writes them (``str(naive)``)."""
    values = stamps.dt.tz_convert(None).to_numpy().astype("datetime64[us]")
    seconds = np.char.replace(np.datetime_as_string(values, unit="s"), "T", " ")
    micros = np.char.replace(np.datetime_as_string(values, unit="us"), "T", " ")
    whole = (values.astype(np.int64) % 1_000_000) == 0
    return np.where(whole, seconds, micros).tolist()


def postgres_datetimes(stamps: pd.Series) -> list[str]:
    values = stamps.dt.tz_convert(None).to_numpy().astype("datetime64[us]")
    return [f"{text}+00:00" for text in np.datetime_as_string(values, unit="us")]


class InteractionImporter:
    """Validate and insert interactions; resolve each visitor to its person if known."""

    fmt = FORMATS["interactions"]

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.recipes = dict(Recipe.objects.values_list("external_id", "id"))
        sql.tune_connection()
        self.visitors: dict[str, tuple[int, int | None]] = {}
        self.digests: list[np.ndarray] = []
        self.digest_lines: list[np.ndarray] = []
        self.inserted = 0
        self.events: Counter[str] = Counter()
        self.resolved_rows = 0
        self.new_visitors = 0
        self.date_min = self.date_max = None

    def process(self, check: Check) -> None:
        visitors = check.column("visitor_id").str.strip()
        recipes = check.column("recipe_id").str.strip()
        events = check.column("event").str.strip().str.lower()
        event_ids = check.column("event_id").str.strip()
        values_text = check.column("value").str.strip()

        check.reject(
            (events != "").to_numpy() & ~events.isin(EVENTS).to_numpy(), "event", UNKNOWN_EVENT
        )
        stamps, bad, future = parse_timestamps(check.column("timestamp"), self.ctx.now)
        check.reject(bad, "timestamp", BAD_TIMESTAMP)
        check.reject(future, "timestamp", FUTURE)
        recipe_ids = recipes.map(self.recipes)
        check.reject(
            (recipes != "").to_numpy() & recipe_ids.isna().to_numpy(), "recipe_id", UNKNOWN_RECIPE
        )
        values = pd.to_numeric(values_text.replace("", np.nan), errors="coerce").astype(float)
        given = (values_text != "").to_numpy()
        numbers = values.to_numpy()
        check.reject(given & ~np.isfinite(numbers), "value", NOT_A_NUMBER)
        rate = (events == "rate").to_numpy()
        check.reject(check.ok & rate & ~given, "value", RATE_NEEDS_STARS)
        with np.errstate(invalid="ignore"):
            out = rate & np.isfinite(numbers) & ((numbers < STARS_MIN) | (numbers > STARS_MAX))
        check.reject(out, "value", STARS_OUT_OF_RANGE)

        ok = check.ok
        if not ok.any():
            return
        keep = np.flatnonzero(ok)
        visitors, recipes, events = visitors.iloc[keep], recipes.iloc[keep], events.iloc[keep]
        stamps, recipe_ids = stamps.iloc[keep], recipe_ids.iloc[keep]
        keys = natural_keys(event_ids.iloc[keep], visitors, recipes, events, stamps)
        self.digests.append(pd.util.hash_array(keys))
        self.digest_lines.append(check.lines[keep])

        self._resolve_visitors(pd.unique(visitors.to_numpy()))
        known = [self.visitors[v] for v in visitors.to_numpy()]
        identity_ids = [k[0] for k in known]
        person_ids = [k[1] for k in known]
        value_list = [None if v != v else float(v) for v in numbers[keep]]
        rows = (
            keys.tolist(),
            identity_ids,
            person_ids,
            recipe_ids.astype("int64").tolist(),
            events.tolist(),
            value_list,
        )
        self.inserted += self._insert(rows, stamps)
        self.events.update(events.value_counts().to_dict())
        self.resolved_rows += sum(p is not None for p in person_ids)
        low, high = stamps.min(), stamps.max()
        self.date_min = low if self.date_min is None else min(self.date_min, low)
        self.date_max = high if self.date_max is None else max(self.date_max, high)

    def _resolve_visitors(self, visitors) -> None:
        """Fill ``self.visitors`` (visitor id -> (identity id, person id)); create missing ones."""
        missing = [v for v in visitors if v not in self.visitors]
        if missing:
            found, created = sql.web_identities(missing, self.ctx.now)
            self.visitors.update(found)
            self.new_visitors += created

    def _insert(self, rows, stamps: pd.Series) -> int:
        extract_ids = [self.ctx.extract.pk] * len(rows[0])
        if connection.vendor == "postgresql":
            times = postgres_datetimes(stamps)
        else:
            times = sqlite_datetimes(stamps)
        return sql.insert_interactions(zip(*rows, times, extract_ids, strict=True))

    def finish(self) -> dict:
        duplicates = self._duplicates()
        self.ctx.extract.date_min = self.date_min.to_pydatetime() if self.date_min else None
        self.ctx.extract.date_max = self.date_max.to_pydatetime() if self.date_max else None
        return {
            "counts": {
                "new interactions": self.inserted,
                "new visitors": self.new_visitors,
                "rows resolved to a person": self.resolved_rows,
            },
            "events": dict(self.events),
            "inserted": self.inserted,
            "duplicates": duplicates,
        }

    def _duplicates(self) -> list[dict]:
        """Rows whose key repeats an earlier line of the same file (they were not inserted)."""
        if not self.digests:
            return []
        digests = np.concatenate(self.digests)
        lines = np.concatenate(self.digest_lines)
        self.digests, self.digest_lines = [], []
        order = np.argsort(digests, kind="stable")
        ordered = digests[order]
        repeat = np.concatenate(([False], ordered[1:] == ordered[:-1]))
        if not repeat.any():
            return []
        starts = np.where(~repeat, np.arange(len(ordered)), 0)
        first = order[np.maximum.accumulate(starts)]
        return [
            {
                "line": int(lines[order[i]]),
                "column": "event_id",
                "reason": f"duplicate key: the same interaction as line {int(lines[first[i]])}",
                "value": "",
                "summary": "duplicate key",
            }
            for i in np.flatnonzero(repeat)
        ]
