"""The four extract formats: their columns, which are required, and their length limits.

docs/data.md is the human version of this module (the data dictionary); keep them in step.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Separator of list values inside one cell, e.g. ``vegetarian|gluten_free``.
LIST_SEPARATOR = "|"

#: Event types of the interactions extract.
EVENTS = ("view", "save", "cook", "rate")

#: A ``rate`` event carries stars in ``value``: a number from STARS_MIN to STARS_MAX.
STARS_MIN, STARS_MAX = 1.0, 5.0

#: Timestamps up to this many seconds ahead of the importing machine's clock are accepted
#: (clock skew between systems); later ones are "in the future" and rejected.
FUTURE_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class Column:
    """One column of an extract.

    Parameters
    ----------
    name : str
        Header name (lower case; headers are matched after stripping and lower-casing).
    required : bool
        The header must have it and every row must have a non-empty value.
    max_length : int or None
        Longest accepted text (for a list column: the longest single item).
    is_list : bool
        Values are separated by ``|`` inside the cell.
    """

    name: str
    required: bool = False
    max_length: int | None = None
    is_list: bool = False


@dataclass(frozen=True)
class Format:
    """The columns of one kind of extract and its natural key."""

    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


FORMATS: dict[str, Format] = {
    "recipes": Format(
        "recipes",
        (
            Column("recipe_id", required=True, max_length=64),
            Column("title", required=True, max_length=200),
            Column("ingredients", max_length=300, is_list=True),
            Column("tags", max_length=64, is_list=True),
            Column("diet_labels", max_length=32, is_list=True),
            Column("minutes", max_length=8),
            Column("description", max_length=5000),
        ),
        key=("recipe_id",),
    ),
    "people": Format(
        "people",
        (
            Column("customer_id", required=True, max_length=64),
            Column("email", max_length=254),
            Column("age_band", max_length=8),
            Column("household_size", max_length=4),
            Column("region", max_length=64),
            Column("restrictions", max_length=32, is_list=True),
            Column("liked_cuisines", max_length=64, is_list=True),
        ),
        key=("customer_id",),
    ),
    "identities": Format(
        "identities",
        (
            Column("visitor_id", required=True, max_length=128),
            Column("customer_id", required=True, max_length=64),
            Column("linked_at", max_length=40),
        ),
        key=("visitor_id", "customer_id"),
    ),
    "interactions": Format(
        "interactions",
        (
            Column("visitor_id", required=True, max_length=128),
            Column("recipe_id", required=True, max_length=64),
            Column("event", required=True, max_length=16),
            Column("timestamp", required=True, max_length=40),
            Column("event_id", max_length=64),
            Column("value", max_length=32),
        ),
        key=("event_id",),
    ),
}

KINDS = tuple(FORMATS)


def split_list(cell: str) -> list[str]:
    """``"a | b||c"`` -> ``["a", "b", "c"]``: items stripped, empty items dropped."""
    return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]


def normalise_label(word: str) -> str:
    """Diet labels are matched case-insensitively with ``-`` or space read as ``_``."""
    return word.strip().lower().replace("-", "_").replace(" ", "_")
