"""Property: whatever the catalog, restrictions and exclusions, no returned item is banned.

The check is written from the generated data (plain sets), not with the catalog's own
methods, so it does not trust the code it checks.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.catalog import Catalog
from recommender.data import Interactions
from recommender.models import ALS, BPR, ItemKNN, Popularity
from tests.recommender import synthetic

LABELS = ("vegetarian", "vegan", "nut_free", "gluten_free", "halal")
ITEMS = list(range(synthetic.N_ITEMS + 5))  # 40-44 are unknown to the models
USERS = [f"u{u}" for u in range(synthetic.N_USERS)] + ["new1", "new2", 7]


@cache
def models():
    inter = Interactions.from_frame(synthetic.events())
    features = dict(user_features=synthetic.user_frame(), item_features=synthetic.item_frame())
    fitted = [
        ALS(factors=8, iterations=5, num_threads=1, user_features=("taste",)),
        BPR(factors=8, iterations=20, num_threads=1),
        ItemKNN(neighbours=10, num_threads=1),
        Popularity(mode="segment", min_group_users=2),
    ]
    seen = {user: set(inter.history(user)) for user in USERS}
    return [model.fit(inter, **features) for model in fitted], seen


catalog_rows = st.lists(
    st.tuples(
        st.sampled_from(ITEMS),
        st.frozensets(st.sampled_from(LABELS)),
        st.booleans(),
    ),
    unique_by=lambda row: row[0],
    max_size=len(ITEMS),
)
requests = st.lists(
    st.tuples(
        st.sampled_from(USERS),
        st.frozensets(st.sampled_from(LABELS), max_size=2),
        st.lists(st.sampled_from(ITEMS), max_size=8),
        st.sampled_from([None, "north", "south", "east"]),
    ),
    unique_by=lambda row: row[0],
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=catalog_rows,
    asked=requests,
    k=st.integers(0, 25),
    exclude_seen=st.booleans(),
    which=st.integers(0, 3),
)
def test_no_returned_item_is_ever_banned_for_its_user(rows, asked, k, exclude_seen, which):
    fitted, seen = models()
    model = fitted[which]
    catalog = Catalog.from_frame(
        pd.DataFrame(
            {
                "item": pd.Series([r[0] for r in rows], dtype="int64"),
                "labels": [sorted(r[1]) for r in rows],
                "active": pd.Series([r[2] for r in rows], dtype=bool),
            }
        )
    )
    allowed_labels = {item: labels for item, labels, active in rows if active}
    users = [a[0] for a in asked]
    restrictions = {a[0]: set(a[1]) for a in asked}
    exclude = {a[0]: a[2] for a in asked}
    segments = {a[0]: a[3] for a in asked}

    recs = model.recommend(
        users,
        k=k,
        catalog=catalog,
        exclude_seen=exclude_seen,
        exclude=exclude,
        restrictions=restrictions,
        segments=segments,
    )

    assert recs.users == users
    for user, items in recs:
        assert len(items) <= k
        returned = [r.item for r in items]
        assert len(set(returned)) == len(returned)
        for item in returned:
            assert item in allowed_labels, (user, item, "inactive or not in the catalog")
            assert restrictions[user] <= allowed_labels[item], (user, item, "lacks a label")
            assert item not in exclude[user], (user, item, "excluded")
            if exclude_seen:
                assert item not in seen.get(user, set()), (user, item, "already seen")
