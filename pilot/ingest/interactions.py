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
from pilot.models import Interaction, Recipe

UNKNOWN_RECIPE = "unknown recipe id (import the recipes extract first)"
NOT_A_NUMBER = "not a number"
RATE_NEEDS_STARS = f"a rate event needs stars from {STARS_MIN:g} to {STARS_MAX:g} in value"
SEPARATOR = "\x1f"


UNKNOWN_EVENT = f"unknown event; expected one of {', '.join(EVENTS)}"
STARS_OUT_OF_RANGE = f"stars out of range: a rate needs a value from {STARS_MIN:g} to {STARS_MAX:g}"


def natural_keys(event_ids, visitors, recipes, events, instants) -> np.ndarray:
    """``event_id`` when given, else a SHA-256 of (visitor, recipe, event, UTC time).

    The arguments are aligned arrays of stripped text; ``instants`` are naive UTC
    ``datetime64`` values. The time is written as a UTC instant with microseconds, so
    ``10:00Z`` and ``11:00+01:00`` give the same key.
    """
    keys = np.asarray(event_ids, dtype=object).copy()
    missing = np.flatnonzero(keys == "")
    if len(missing):
        times = np.datetime_as_string(
            np.asarray(instants)[missing].astype("datetime64[us]"), unit="us"
        ).tolist()
        parts = zip(
            np.asarray(visitors)[missing].tolist(),
            np.asarray(recipes)[missing].tolist(),
            np.asarray(events)[missing].tolist(),
            times,
            strict=True,
        )
        sha256, join = hashlib.sha256, SEPARATOR.join
        keys[missing] = [sha256(join(p).encode()).hexdigest() for p in parts]
    return keys


def _iso_text(instants) -> np.ndarray:
    """Naive UTC ``datetime64`` -> ``YYYY-MM-DD HH:MM:SS.ffffff`` (fixed width, vectorised)."""
    text = np.datetime_as_string(np.asarray(instants).astype("datetime64[us]"), unit="us")
    text = np.ascontiguousarray(text.astype("U26"))
    text.view(np.uint32).reshape(len(text), 26)[:, 10] = ord(" ")  # the "T"
    return text


def sqlite_datetimes(instants) -> list[str]:
    """UTC instants written exactly as Django's SQLite backend writes them (``str(naive)``):
    ``2026-03-01 18:30:00``, with ``.ffffff`` only when there are microseconds."""
    values = np.asarray(instants).astype("datetime64[us]")
    if not len(values):
        return []
    text = _iso_text(values)
    whole = (values.astype(np.int64) % 1_000_000) == 0
    return np.where(whole, text.astype("U19"), text).tolist()


def postgres_datetimes(instants) -> list[str]:
    """UTC instants as ``timestamptz`` text (``2026-03-01 18:30:00.000000+00:00``)."""
    if not len(instants):
        return []
    return np.char.add(_iso_text(instants), "+00:00").tolist()


class InteractionImporter:
    """Validate and insert interactions; resolve each visitor to its person if known."""

    fmt = FORMATS["interactions"]

    def __init__(self, ctx: Context):
        self.ctx = ctx
        recipes = list(Recipe.objects.values_list("external_id", "id"))
        self.recipe_index = pd.Index([external_id for external_id, _ in recipes], dtype=object)
        self.recipe_pks = np.array([pk for _, pk in recipes], dtype=np.int64)
        sql.tune_connection()
        # SQLite: rows are staged in a temporary table while the file is read (no lock on
        # the database), then merged in short transactions (``merge``). PostgreSQL: written
        # chunk by chunk inside the import's one transaction.
        self.stage = sql.SqliteStage() if connection.vendor == "sqlite" else None
        self.writer = None if self.stage else sql.InteractionWriter()
        self.visitors: dict[str, tuple[int, int | None]] = {}
        self.digests: list[np.ndarray] = []
        self.digest_lines: list[np.ndarray] = []
        self.events: Counter[str] = Counter()
        self.new_visitors = 0
        self.date_min = self.date_max = None

    def process(self, check: Check) -> None:
        visitors = check.stripped("visitor_id")
        recipes = check.stripped("recipe_id")
        events = np.empty(len(visitors), dtype=object)
        events[:] = list(map(str.lower, check.stripped("event")))
        event_ids = check.stripped("event_id")
        values_text = check.stripped("value")

        known_event = np.zeros(len(events), dtype=bool)
        for event in EVENTS:
            known_event |= events == event
        check.reject((events != "") & ~known_event, "event", UNKNOWN_EVENT)
        stamps, bad, future = parse_timestamps(check.column("timestamp"), self.ctx.now)
        check.reject(bad, "timestamp", BAD_TIMESTAMP)
        check.reject(future, "timestamp", FUTURE)
        positions = self.recipe_index.get_indexer(recipes) if len(self.recipe_index) else None
        if positions is None:
            positions = np.full(len(recipes), -1, dtype=np.intp)
        check.reject((recipes != "") & (positions < 0), "recipe_id", UNKNOWN_RECIPE)
        given = values_text != ""
        numbers = np.full(len(values_text), np.nan)
        if given.any():
            numbers[given] = pd.to_numeric(
                pd.Series(values_text[given], dtype=object), errors="coerce"
            ).to_numpy(dtype=float, na_value=np.nan)
        check.reject(given & ~np.isfinite(numbers), "value", NOT_A_NUMBER)
        rate = events == "rate"
        check.reject(check.ok & rate & ~given, "value", RATE_NEEDS_STARS)
        with np.errstate(invalid="ignore"):
            out = rate & np.isfinite(numbers) & ((numbers < STARS_MIN) | (numbers > STARS_MAX))
        check.reject(out, "value", STARS_OUT_OF_RANGE)

        ok = check.ok
        if not ok.any():
            return
        keep = np.flatnonzero(ok)
        visitors, recipes, events = visitors[keep], recipes[keep], events[keep]
        instants = stamps.dt.tz_convert(None).to_numpy()[keep].astype("datetime64[us]")
        recipe_ids = self.recipe_pks[positions[keep]]
        keys = natural_keys(event_ids[keep], visitors, recipes, events, instants)
        self.digests.append(pd.util.hash_array(keys))
        self.digest_lines.append(check.lines[keep])

        self.events.update(pd.Series(events).value_counts().to_dict())
        low = pd.Timestamp(instants.min()).tz_localize("UTC")
        high = pd.Timestamp(instants.max()).tz_localize("UTC")
        self.date_min = low if self.date_min is None else min(self.date_min, low)
        self.date_max = high if self.date_max is None else max(self.date_max, high)
        values = numbers[keep]
        values = np.where(np.isnan(values), None, values).tolist()
        if self.stage is not None:
            times = sqlite_datetimes(instants)
            self.stage.add(
                zip(
                    keys.tolist(),
                    visitors.tolist(),
                    recipe_ids.tolist(),
                    events.tolist(),
                    values,
                    times,
                    strict=True,
                )
            )
            return
        self._write_now(keys, visitors, recipe_ids, events, values, instants)

    def _write_now(self, keys, visitors, recipe_ids, events, values, instants) -> None:
        """PostgreSQL: resolve the visitors and insert the chunk (in the background)."""
        codes, uniques = pd.factorize(visitors)
        self.writer.wait()  # the previous chunk's INSERT, before the connection is used again
        self._resolve_visitors(uniques)
        found = [self.visitors[v] for v in uniques]
        identity_ids = np.array([f[0] for f in found], dtype=np.int64)[codes]
        persons = np.array([f[1] for f in found], dtype=object)[codes]
        # Rows whose key repeats an earlier row of this chunk are not written (``finish``
        # reports them as duplicates), so the order rows are written in cannot decide
        # which one wins: the first line always does.
        order = np.flatnonzero(~pd.Series(keys).duplicated().to_numpy())
        if self.writer.postgres:
            # In visitor order: the visitor index and the foreign-key checks against
            # pilot_identity then walk their pages in order instead of at random.
            order = order[np.argsort(identity_ids[order], kind="stable")]
        rows = (
            keys[order].tolist(),
            identity_ids[order].tolist(),
            persons[order].tolist(),
            recipe_ids[order].tolist(),
            events[order].tolist(),
            [values[i] for i in order.tolist()],
        )
        self._insert(rows, instants[order])

    def _resolve_visitors(self, visitors) -> None:
        """Fill ``self.visitors`` (visitor id -> (identity id, person id)); create missing ones."""
        missing = [v for v in visitors if v not in self.visitors]
        if missing:
            found, created = sql.web_identities(missing, self.ctx.now)
            self.visitors.update(found)
            self.new_visitors += created

    def _insert(self, rows, instants: np.ndarray) -> None:
        extract_ids = [self.ctx.extract.pk] * len(rows[0])
        if connection.vendor == "postgresql":
            times = postgres_datetimes(instants)
        else:
            times = sqlite_datetimes(instants)
        self.writer.write(list(zip(*rows, times, extract_ids, strict=True)))

    def finish(self) -> dict:
        """The end of the file: every row validated (PostgreSQL: and written)."""
        if self.writer is not None:
            self.writer.finish()
        duplicates = self._duplicates()
        self.ctx.extract.date_min = self.date_min.to_pydatetime() if self.date_min else None
        self.ctx.extract.date_max = self.date_max.to_pydatetime() if self.date_max else None
        result = {"events": dict(self.events), "duplicates": duplicates}
        if self.writer is not None:
            result["counts"] = self._counts(self.writer.inserted, self.new_visitors)
        return result

    def _counts(self, inserted: int, new_visitors: int) -> dict:
        # The interactions this file added that have a person: the same rows the Data page
        # counts (not the file's rows, some of which were already there or repeated).
        resolved = Interaction.objects.filter(
            extract_id=self.ctx.extract.pk, person__isnull=False
        ).count()
        return {
            "new interactions": inserted,
            "new visitors": new_visitors,
            "rows resolved to a person": resolved,
        }

    def merge(self, progress=None, *, dry_run: bool = False) -> dict:
        """SQLite: move the staged rows into the tables, in short transactions.

        Returns ``{"counts": ...}``. A dry run only counts what would be written.
        """
        if dry_run:
            inserted, new_visitors, resolved = self.stage.would_write()
            return {
                "counts": {
                    "new interactions": inserted,
                    "new visitors": new_visitors,
                    "rows resolved to a person": resolved,
                }
            }
        inserted, new_visitors = self.stage.merge(
            self.ctx.extract.pk, self.ctx.now, progress=progress
        )
        return {"counts": self._counts(inserted, new_visitors)}

    def close(self) -> None:
        """Called on every exit from the import, also on error."""
        if self.writer is not None:
            self.writer.close()
        if self.stage is not None:
            self.stage.drop()

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
