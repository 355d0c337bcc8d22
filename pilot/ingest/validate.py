"""Row-level validation: rejects with line, column, reason and value, checked a chunk at a time.

A ``Check`` wraps one chunk: every rule marks the rows it refuses with ``reject(mask, ...)``;
the rows left in ``check.ok`` are imported. ``Rejects`` collects the rejects of a whole file:
every one is counted by reason, the first ``MAX_KEPT`` are kept to show and download.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from pilot.ingest.formats import LIST_SEPARATOR, Format

#: Rejected rows kept in full on the Extract (for the page and the CSV download); the
#: counts by reason always cover every reject.
MAX_KEPT = 10_000
MAX_VALUE_CHARS = 120

REQUIRED = "required value is empty"


class Check:
    """The validation state of one chunk.

    Parameters
    ----------
    rows : pandas.DataFrame
        The chunk, every cell a string.
    lines : numpy.ndarray
        Physical line number of each row.
    """

    def __init__(self, rows: pd.DataFrame, lines: np.ndarray):
        self.rows = rows
        self.lines = lines
        self.ok = np.ones(len(rows), dtype=bool)
        self.entries: list[dict] = []
        self._cells: dict[str, np.ndarray] = {}
        self._stripped: dict[str, np.ndarray] = {}

    def column(self, name: str) -> pd.Series:
        """The column's values, or empty strings when the file has no such column."""
        if name in self.rows.columns:
            return self.rows[name]
        return pd.Series([""] * len(self.rows), dtype=str)

    def cells(self, name: str) -> np.ndarray:
        """The column's values as an object array of ``str`` (empty when the column is absent)."""
        if name not in self._cells:
            if name in self.rows.columns:
                self._cells[name] = self.rows[name].to_numpy(dtype=object)
            else:
                self._cells[name] = np.full(len(self.rows), "", dtype=object)
        return self._cells[name]

    def stripped(self, name: str) -> np.ndarray:
        """``cells(name)`` with surrounding white space removed, computed once per chunk."""
        if name not in self._stripped:
            cells = self.cells(name)
            out = np.empty(len(cells), dtype=object)
            out[:] = list(map(str.strip, cells))
            self._stripped[name] = out
        return self._stripped[name]

    def reject(self, mask, column: str, reason: str) -> None:
        """Reject the rows where ``mask`` is true, for ``reason`` about ``column``."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        positions = np.flatnonzero(mask)
        cells = self.cells(column)[positions]
        for position, cell in zip(positions, cells, strict=True):
            self.entries.append(
                {
                    "line": int(self.lines[position]),
                    "column": column,
                    "reason": reason,
                    "value": str(cell)[:MAX_VALUE_CHARS],
                    "summary": reason,
                }
            )
        self.ok &= ~mask

    def reject_at(self, position: int, column: str, reason: str, value: str, summary=None):
        """Reject one row (by position in the chunk): for rules checked row by row."""
        self.entries.append(
            {
                "line": int(self.lines[position]),
                "column": column,
                "reason": reason,
                "value": str(value)[:MAX_VALUE_CHARS],
                "summary": summary or reason,
            }
        )
        self.ok[position] = False


def check_common(check: Check, fmt: Format) -> None:
    """Required values present and no text longer than its column allows."""
    for column in fmt.columns:
        if column.name not in check.rows.columns:
            continue
        if column.required:
            check.reject(check.stripped(column.name) == "", column.name, REQUIRED)
        if column.max_length:
            limit = column.max_length
            if column.is_list:
                longest = check.column(column.name).map(
                    lambda cell: max(
                        (len(x.strip()) for x in cell.split(LIST_SEPARATOR)), default=0
                    )
                )
                too_long = longest.to_numpy() > limit
                what = f"an item longer than {limit} characters"
            else:
                cells = check.cells(column.name)
                too_long = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells)) > limit
                what = f"longer than {limit} characters"
            check.reject(too_long, column.name, what)


class Rejects:
    """Every reject of one file: counted by reason, the first ``MAX_KEPT`` kept in full."""

    def __init__(self, max_kept: int = MAX_KEPT):
        self.max_kept = max_kept
        self.rows = 0
        self.entries: list[dict] = []
        self.by_reason: Counter[str] = Counter()

    def add(self, check: Check) -> None:
        self.rows += int((~check.ok).sum())
        self.add_entries(check.entries)

    def add_entries(self, entries: list[dict], *, rows: int = 0) -> None:
        self.rows += rows
        for entry in entries:
            summary = entry.pop("summary", None) or entry["reason"]
            self.by_reason[f"{entry['column']}: {summary}"] += 1
            if len(self.entries) < self.max_kept:
                self.entries.append(entry)

    def sorted_entries(self) -> list[dict]:
        return sorted(self.entries, key=lambda e: (e["line"], e["column"]))


def format_reject(name: str, entry: dict) -> str:
    """``people.csv: line 7, column email: not an e-mail address (value 'bob@')``."""
    value = f" (value '{entry['value']}')" if entry.get("value") not in (None, "") else ""
    return f"{name}: line {entry['line']}, column {entry['column']}: {entry['reason']}{value}"
