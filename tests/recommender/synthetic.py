"""Small synthetic recipe data with structure the models can learn (no database, no files).

Two taste clusters: "green" users mostly use items 0-19, "spice" users items 20-39. Item
labels follow a fixed pattern, a few items are inactive, and some users carry a segment and
dietary restrictions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.catalog import Catalog

N_ITEMS = 40
N_USERS = 60
START = pd.Timestamp("2026-01-05", tz="UTC")
LABELS = ("vegetarian", "vegan", "nut_free", "gluten_free")
INACTIVE = (7, 33)


def item_labels(item: int) -> set[str]:
    labels = set()
    if item % 2 == 0:
        labels.add("vegetarian")
    if item % 6 == 0:
        labels.add("vegan")
    if item % 3 != 1:
        labels.add("nut_free")
    if item % 5 in (0, 1):
        labels.add("gluten_free")
    return labels


def catalog_frame(n_items: int = N_ITEMS) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": range(n_items),
            "title": [f"Recipe {i}" for i in range(n_items)],
            "labels": [sorted(item_labels(i)) for i in range(n_items)],
            "tags": [
                ["cuisine:green" if i < n_items // 2 else "cuisine:spice"] for i in range(n_items)
            ],
            "active": [i not in INACTIVE for i in range(n_items)],
        }
    )


def catalog(n_items: int = N_ITEMS) -> Catalog:
    return Catalog.from_frame(catalog_frame(n_items))


def events(seed: int = 0, n_users: int = N_USERS, n_items: int = N_ITEMS) -> pd.DataFrame:
    """One row per event: user (str id), item (int id), event, timestamp (UTC)."""
    rng = np.random.default_rng(seed)
    half = n_items // 2
    rows = []
    for u in range(n_users):
        home = np.arange(half) if u % 2 == 0 else np.arange(half, n_items)
        n_events = int(rng.integers(4, 12))
        for _ in range(n_events):
            item = int(rng.choice(home)) if rng.random() < 0.85 else int(rng.integers(n_items))
            event = str(rng.choice(["view", "save", "cook"], p=[0.6, 0.3, 0.1]))
            when = START + pd.Timedelta(hours=int(rng.integers(0, 60 * 24)))
            rows.append((f"u{u}", item, event, when))
    return pd.DataFrame(rows, columns=["user", "item", "event", "timestamp"])


def user_frame(n_users: int = N_USERS) -> pd.DataFrame:
    """Side data per user: segment (region), restrictions, household size, cluster."""
    return pd.DataFrame(
        {
            "user": [f"u{u}" for u in range(n_users)],
            "segment": ["north" if u % 3 == 0 else "south" for u in range(n_users)],
            "restrictions": [["vegetarian"] if u % 4 == 0 else [] for u in range(n_users)],
            "household_size": [1 + u % 4 for u in range(n_users)],
            "taste": ["green" if u % 2 == 0 else "spice" for u in range(n_users)],
        }
    )


def item_frame(n_items: int = N_ITEMS) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": range(n_items),
            "cuisine": ["green" if i < n_items // 2 else "spice" for i in range(n_items)],
            "season": [["winter", "spring"] if i % 4 == 0 else "summer" for i in range(n_items)],
        }
    )
