"""Helpers the importers share: the import context, batching, timestamps, diet labels."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

import numpy as np
import pandas as pd

from pilot.ingest.formats import FUTURE_TOLERANCE_SECONDS, normalise_label, split_list
from pilot.ingest.reader import Scan
from pilot.models import Extract
from pilot.models.catalog import DIET_LABELS

#: Values per ``IN (...)`` list: below SQLite's historical limit of 999 parameters.
IN_BATCH = 900

BAD_TIMESTAMP = (
    "not a timestamp of the form YYYY-MM-DD[THH:MM[:SS]][Z or ±HH:MM] (e.g. 2026-03-01T18:30:00Z)"
)
#: The accepted timestamp forms (docs/data.md): a date YYYY-MM-DD, optionally a time
#: HH:MM[:SS[.fraction]] after "T" or a space, optionally "Z" or an offset ±HH:MM / ±HHMM / ±HH.
TIMESTAMP_FORM = (
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"
    r"(?:Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)
FUTURE = "timestamp is in the future"


@dataclass
class Context:
    """What every importer gets: the Extract being written, the scanned file, the clock."""

    extract: Extract
    scan: Scan
    now: datetime
    warnings: list[str] = field(default_factory=list)

    def has_column(self, name: str) -> bool:
        return name in self.scan.header


def batched(items: Iterable, size: int = IN_BATCH) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def parse_timestamps(values: pd.Series, now: datetime) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse ISO 8601 text (no offset = UTC) to UTC timestamps.

    Returns
    -------
    (timestamps, bad, future)
        ``bad``: non-empty text that is not ISO 8601; ``future``: later than ``now`` plus
        ``FUTURE_TOLERANCE_SECONDS``. Empty cells give NaT and are neither.
    """
    stamps = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
    if not isinstance(stamps, pd.Series):
        stamps = pd.Series(stamps)
    # pandas' ISO 8601 also reads 20170818 and 2017/8/18: only the documented forms count
    text = pd.Series(values, copy=False).astype(str).str.strip()
    strict = text.str.fullmatch(TIMESTAMP_FORM).fillna(False).to_numpy(dtype=bool)
    stamps = stamps.where(strict | (text == "").to_numpy(), pd.NaT)
    missing = stamps.isna().to_numpy()
    bad = np.zeros(len(missing), dtype=bool)
    unparsed = np.flatnonzero(missing)
    if len(unparsed):  # only the cells that did not parse need a look: empty, or bad
        cells = values.to_numpy(dtype=object)[unparsed]
        bad[unparsed] = [cell.strip() != "" for cell in cells]
    limit = pd.Timestamp(now + timedelta(seconds=FUTURE_TOLERANCE_SECONDS))
    future = (~missing) & (stamps > limit).to_numpy()
    return stamps, bad, future


def parse_labels(cell: str) -> tuple[list[str], list[str]]:
    """``"Vegetarian|gluten-free|Keto"`` -> ``(["vegetarian", "gluten_free", "keto"], ["keto"])``.

    Words are normalised (lower case, ``-`` and spaces read as ``_``); the known labels come
    first, in ``DIET_LABELS`` order, then any other words, kept (the second value lists
    them). Keeping an unknown word is safe: a person's restriction only matches recipes that
    carry the very same word.
    """
    known, other = set(), []
    for word in split_list(cell):
        label = normalise_label(word)
        if label in DIET_LABELS:
            known.add(label)
        elif label not in other:
            other.append(label)
    return [label for label in DIET_LABELS if label in known] + other, other


def whole_number(text: str) -> int | None:
    """``"25"`` or ``"25.0"`` (as pandas writes integers next to blanks) -> 25; else None."""
    try:
        number = float(text)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")) or not number.is_integer():
        return None
    return int(number)


def unknown_words_warning(what: str, counts) -> list[str]:
    """One warning naming unknown words and how often they came, or none."""
    if not counts:
        return []
    words = ", ".join(f"'{word}' x{n}" for word, n in counts.most_common(20))
    return [f"{what} not known to the recommender, kept as written: {words}"]
