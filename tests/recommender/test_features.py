"""Side features: "what if we add one column?" is one constructor parameter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.data import Interactions, _IdIndex
from recommender.models import ALS, BPR, ItemKNN, load
from recommender.models.features import augment, encode_features
from tests.recommender import synthetic


@pytest.fixture(scope="module")
def interactions():
    return Interactions.from_frame(synthetic.events())


def test_encoding_gives_one_column_per_value_and_handles_lists_and_gaps():
    frame = pd.DataFrame(
        {
            "user": ["a", "b", "c", "stranger"],
            "diet": ["vegan", None, "vegan", "halal"],
            "allergies": [["nuts", "milk"], [], "nuts", ["eggs"]],
            "household_size": [2.0, 3.0, np.nan, 1.0],
        }
    )
    vocab = _IdIndex(np.array(["a", "b", "c", "d"]))
    matrix, names = encode_features(
        frame, "user", ("diet", "allergies", "household_size"), vocab, "user"
    )
    assert names.tolist() == [
        "allergies=milk",
        "allergies=nuts",
        "diet=vegan",
        "household_size=2",
        "household_size=3",
    ]
    assert matrix.toarray().tolist() == [
        [1, 1, 1, 1, 0],
        [0, 0, 0, 0, 1],
        [0, 1, 1, 0, 0],
        [0, 0, 0, 0, 0],  # no row for "d"; "stranger" is not in the vocabulary
    ]


def test_missing_columns_and_frames_are_reported(interactions):
    with pytest.raises(ValueError, match="no column"):
        ALS(factors=4, iterations=1, user_features=("shoe_size",)).fit(
            interactions, user_features=synthetic.user_frame()
        )
    with pytest.raises(ValueError, match="no item_features frame"):
        ALS(factors=4, iterations=1, item_features=("cuisine",)).fit(interactions)


def test_augmented_matrix_layout(interactions):
    model = ALS(
        factors=4,
        iterations=1,
        num_threads=1,
        user_features=("taste",),
        item_features=("cuisine",),
        feature_weight=0.5,
    )
    model.fit(
        interactions, user_features=synthetic.user_frame(), item_features=synthetic.item_frame()
    )
    n_users, n_items = interactions.shape
    aug = augment(model.user_items_, model.user_feature_matrix_, model.item_feature_matrix_, 0.5)
    assert aug.shape == (n_users + 2, n_items + 2)  # two cuisines, two tastes
    assert (aug[:n_users, :n_items] != interactions.matrix).nnz == 0
    assert set(aug[:n_users, n_items:].data) == {0.5}
    assert aug[n_users:, n_items:].nnz == 0
    assert model.user_feature_names_.tolist() == ["taste=green", "taste=spice"]
    assert model.item_feature_names_.tolist() == ["cuisine=green", "cuisine=spice"]
    # the pseudo rows and columns never become users or items of the model
    assert model.item_ids_.tolist() == interactions.item_ids.tolist()
    assert model.user_ids_.tolist() == interactions.user_ids.tolist()
    assert model.item_factors_.shape[0] == n_items
    assert model.user_factors_.shape[0] == n_users


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: ALS(factors=8, iterations=6, num_threads=1, **kw),
        lambda **kw: BPR(factors=8, iterations=30, num_threads=1, **kw),
        lambda **kw: ItemKNN(neighbours=10, num_threads=1, **kw),
    ],
    ids=["als", "bpr", "knn"],
)
def test_adding_a_column_is_one_parameter_and_changes_the_model(interactions, make, tmp_path):
    users = [f"u{u}" for u in range(12)]
    frames = dict(user_features=synthetic.user_frame(), item_features=synthetic.item_frame())
    without = make().fit(interactions, **frames)
    with_taste = make(user_features=("taste",), feature_weight=3.0).fit(interactions, **frames)
    a = without.recommend(users, k=8).to_frame()
    b = with_taste.recommend(users, k=8).to_frame()
    assert not a[["item", "score"]].equals(b[["item", "score"]])
    # pseudo-items never leak into recommendations or evidence
    known = set(interactions.item_ids.tolist())
    assert set(b.item) <= known
    for _, items in with_taste.recommend(users, k=8):
        assert all(item in known for r in items for item, _ in r.evidence)
    path = tmp_path / "m.npz"
    with_taste.save(path)
    pd.testing.assert_frame_equal(load(path).recommend(users, k=8).to_frame(), b)


def test_an_informative_user_feature_helps_users_with_little_history():
    # users with one event each: their "taste" column tells which half they like
    events = synthetic.events(seed=5)
    first = events.groupby("user").head(1)
    sparse_users = [f"u{u}" for u in range(40, 60)]
    thin = pd.concat(
        [events[~events.user.isin(sparse_users)], first[first.user.isin(sparse_users)]]
    )
    inter = Interactions.from_frame(thin)
    frames = dict(user_features=synthetic.user_frame())

    def home_share(model):
        lists = model.recommend(sparse_users, k=5).item_lists()
        return np.mean(
            [
                (i < 20) == (int(u[1:]) % 2 == 0)
                for u, items in zip(sparse_users, lists, strict=True)
                for i in items
            ]
        )

    plain = ALS(factors=8, iterations=10, num_threads=1).fit(inter, **frames)
    tasty = ALS(
        factors=8, iterations=10, num_threads=1, user_features=("taste",), feature_weight=5.0
    ).fit(inter, **frames)
    assert home_share(tasty) > home_share(plain)
    assert home_share(tasty) > 0.8
