"""recommender.data (matrix, weights, decay, splits), recommender.catalog and serialize."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recommender.catalog import Catalog, normalize_labels
from recommender.data import (
    EventWeights,
    Interactions,
    split_by_time,
    split_last_n,
    split_random,
)
from recommender.serialize import read_npz, write_npz
from tests.recommender import synthetic

T0 = pd.Timestamp("2026-03-01", tz="UTC")


def frame(rows):
    return pd.DataFrame(rows, columns=["user", "item", "event", "timestamp"])


@pytest.fixture
def small():
    return frame(
        [
            ("ann", "curry", "view", T0),
            ("ann", "curry", "save", T0 + pd.Timedelta(days=1)),
            ("ann", "pad_thai", "cook", T0 + pd.Timedelta(days=2)),
            ("bob", "curry", "view", T0 + pd.Timedelta(days=3)),
            ("bob", "soup", "rate", T0 + pd.Timedelta(days=4)),
        ]
    )


class TestInteractions:
    def test_it_sums_default_event_weights_per_pair(self, small):
        inter = Interactions.from_frame(small)
        assert inter.user_ids.tolist() == ["ann", "bob"]
        assert inter.item_ids.tolist() == ["curry", "pad_thai", "soup"]
        assert isinstance(inter.matrix, sp.csr_matrix) and inter.matrix.dtype == np.float32
        assert inter.matrix.toarray().tolist() == [[1 + 3, 5, 0], [1, 0, 4]]
        assert list(inter.frame.columns) == ["user", "item", "event", "weight", "timestamp"]
        assert len(inter.frame) == 5 and inter.n_dropped == 0

    def test_custom_weights_and_zero_weight_drops_an_event_type(self, small):
        weights = EventWeights(view=0, save=2, cook=10, rate=1)
        inter = Interactions.from_frame(small, weights=weights)
        assert inter.matrix.toarray().tolist() == [[2, 10, 0], [0, 0, 1]]
        assert inter.n_dropped == 2

    def test_extra_event_types_and_unknown_ones(self, small):
        shared = pd.concat([small, frame([("bob", "soup", "share", T0)])])
        with pytest.raises(ValueError, match="share"):
            Interactions.from_frame(shared)
        inter = Interactions.from_frame(shared, weights=EventWeights(extra=(("share", 2.5),)))
        assert inter.matrix[1, 2] == pytest.approx(4 + 2.5)

    def test_value_based_weights_from_a_column(self):
        ratings = pd.DataFrame(
            {
                "userId": [1, 1, 2],
                "movieId": [10, 20, 10],
                "rating": [4.5, 0.0, 3.0],
                "timestamp": [1_700_000_000, 1_700_000_100, 1_700_000_200],
            }
        )
        inter = Interactions.from_frame(
            ratings, user_col="userId", item_col="movieId", weight_col="rating"
        )
        assert inter.user_ids.dtype == np.int64 and inter.item_ids.tolist() == [10, 20]
        assert inter.matrix.toarray().tolist() == [[4.5, 0], [3.0, 0]]
        assert inter.n_dropped == 1  # weight 0
        assert str(inter.frame.timestamp.dt.tz) == "UTC"
        assert inter.frame.timestamp.iloc[0] == pd.Timestamp(1_700_000_000, unit="s", tz="UTC")

    def test_time_decay_halves_weight_every_half_life(self, small):
        inter = Interactions.from_frame(small, half_life_days=2, now=T0 + pd.Timedelta(days=4))
        # ann/curry: view 4 days old (1 * 1/4) + save 3 days old (3 * 2**-1.5)
        assert inter.matrix[0, 0] == pytest.approx(0.25 + 3 * 2**-1.5, rel=1e-6)
        assert inter.matrix[1, 2] == pytest.approx(4.0)  # at "now"
        future = Interactions.from_frame(small, half_life_days=2, now=T0)
        assert future.matrix[1, 2] == pytest.approx(4.0)  # after now: counts fully

    def test_decay_defaults_to_the_latest_event(self, small):
        a = Interactions.from_frame(small, half_life_days=1)
        b = Interactions.from_frame(small, half_life_days=1, now=small.timestamp.max())
        assert (a.matrix != b.matrix).nnz == 0

    def test_fixed_vocabularies_keep_empty_rows_and_drop_outsiders(self, small):
        inter = Interactions.from_frame(small, users=["bob", "cat"], items=["soup", "curry", "x"])
        assert inter.user_ids.tolist() == ["bob", "cat"]
        assert inter.matrix.toarray().tolist() == [[4, 1, 0], [0, 0, 0]]
        assert inter.n_dropped == 3
        assert inter.history("bob") == ["soup", "curry"]
        assert inter.history("cat") == [] and inter.history("nobody") == []

    def test_strongest_event_names_the_pair(self, small):
        inter = Interactions.from_frame(small)
        codes = inter._event_codes.toarray()
        names = inter._event_names
        assert names[codes[0, 0] - 1] == "save" and names[codes[0, 1] - 1] == "cook"
        assert names[codes[1, 2] - 1] == "rate"

    def test_frames_without_event_column_count_one_per_event(self):
        df = pd.DataFrame({"user": ["a", "a", "b"], "item": [1, 1, 2]})
        inter = Interactions.from_frame(df)
        assert inter.matrix.toarray().tolist() == [[2, 0], [0, 1]]
        with pytest.raises(ValueError, match="timestamp"):
            Interactions.from_frame(df, half_life_days=3)

    def test_fingerprint_follows_the_data_not_the_row_order(self, small):
        a = Interactions.from_frame(small).fingerprint()
        assert a == Interactions.from_frame(small.iloc[::-1]).fingerprint()
        assert a != Interactions.from_frame(small.iloc[1:]).fingerprint()
        assert len(a) == 64

    def test_an_empty_frame_gives_an_empty_matrix(self, small):
        inter = Interactions.from_frame(small.iloc[:0], users=["ann"], items=["curry"])
        assert inter.matrix.shape == (1, 1) and inter.matrix.nnz == 0
        assert inter.history("ann") == []

    def test_missing_columns_are_reported(self, small):
        with pytest.raises(ValueError, match="'member'"):
            Interactions.from_frame(small, user_col="member")

    def test_naive_and_aware_times_are_both_utc(self, small):
        naive = small.assign(timestamp=small.timestamp.dt.tz_localize(None))
        paris = small.assign(timestamp=small.timestamp.dt.tz_convert("Europe/Paris"))
        a = Interactions.from_frame(naive).frame.timestamp
        b = Interactions.from_frame(paris).frame.timestamp
        assert a.equals(b)


class TestSplits:
    @pytest.fixture
    def events(self):
        return synthetic.events(seed=3)

    def test_time_split_trains_on_the_past(self, events):
        cutoff = synthetic.START + pd.Timedelta(days=40)
        split = split_by_time(events, cutoff)
        assert split.kind == "time" and split.cutoff == cutoff
        assert (split.train.timestamp < cutoff).all() and (split.test.timestamp >= cutoff).all()
        assert len(split.train) + len(split.test) == len(events)
        window = split_by_time(events, cutoff, test_days=7)
        assert (window.test.timestamp < cutoff + pd.Timedelta(days=7)).all()
        assert 0 < len(window.test) < len(split.test)

    def test_time_split_accepts_unix_seconds_and_strings(self, events):
        epoch = pd.Timestamp(0, tz="UTC")
        seconds = events.assign(timestamp=(events.timestamp - epoch) // pd.Timedelta(seconds=1))
        a = split_by_time(seconds, "2026-02-10")
        b = split_by_time(events, pd.Timestamp("2026-02-10"))
        assert a.train.index.equals(b.train.index) and a.cutoff == b.cutoff

    def test_last_n_holds_out_each_users_latest_events(self, events):
        split = split_last_n(events, 2)
        assert split.kind == "last_n"
        assert len(split.train) + len(split.test) == len(events)
        assert not set(split.train.index) & set(split.test.index)
        for user, test in split.test.groupby("user"):
            train = split.train[split.train.user == user]
            assert len(test) == 2 and len(train) > 0
            assert train.timestamp.max() <= test.timestamp.min()

    def test_last_n_keeps_users_with_too_few_events_in_train(self):
        df = frame(
            [
                ("a", 1, "view", T0),
                ("a", 2, "view", T0),
                ("b", 1, "view", T0),
                ("b", 2, "save", T0 + pd.Timedelta(days=1)),
                ("b", 3, "cook", T0 + pd.Timedelta(days=2)),
            ]
        )
        split = split_last_n(df, 2)
        assert split.train.user.tolist() == ["a", "a", "b"]
        assert split.test.item.tolist() == [2, 3]

    def test_random_split_is_reproducible_and_disjoint(self, events):
        a = split_random(events, 0.25, seed=7)
        b = split_random(events, 0.25, seed=7)
        c = split_random(events, 0.25, seed=8)
        assert a.kind == "random" and a.test.index.equals(b.test.index)
        assert not a.test.index.equals(c.test.index)
        assert len(a.test) == round(0.25 * len(events))
        assert not set(a.train.index) & set(a.test.index)
        with pytest.raises(ValueError):
            split_random(events, 1.5)


class TestCatalog:
    def test_labels_are_normalised(self):
        assert normalize_labels("Gluten-free, nut free") == {"gluten_free", "nut_free"}
        assert normalize_labels(["Vegan"]) == {"vegan"}
        assert normalize_labels(None) == frozenset()

    def test_allowed_means_active_and_labels_cover_restrictions(self):
        catalog = Catalog.from_frame(
            pd.DataFrame(
                {
                    "item": ["a", "b", "c", "d"],
                    "title": ["A", "B", "C", "D"],
                    "labels": ["vegetarian,nut_free", ["vegetarian"], None, "vegetarian|nut-free"],
                    "active": [True, True, True, False],
                }
            )
        )
        assert catalog.allowed_items() == ["a", "b", "c"]
        assert catalog.allowed_items({"vegetarian"}) == ["a", "b"]
        assert catalog.allowed_items({"vegetarian", "nut-free"}) == ["a"]
        assert catalog.allowed_items({"halal"}) == []
        assert catalog.allows("a", {"nut_free"}) and not catalog.allows("d", ())
        assert not catalog.allows("zzz", ())
        banned = catalog._banned(np.array(["d", "a", "zzz"]), [frozenset(), {"vegetarian"}])
        assert banned.tolist() == [[True, False, True], [True, False, True]]
        assert catalog.title("b") == "B" and catalog.title("zzz") == "zzz"

    def test_tag_matrix(self):
        catalog = synthetic.catalog()
        matrix, names = catalog.tag_matrix([0, 39, "nope"])
        assert names == ["cuisine:green", "cuisine:spice"]
        assert matrix.toarray().tolist() == [[1, 0], [0, 1], [0, 0]]


class TestSerialize:
    def test_round_trip_without_pickles(self, tmp_path):
        path = tmp_path / "state.bin"
        matrix = sp.random(5, 4, density=0.5, format="csr", random_state=0, dtype=np.float32)
        write_npz(
            path,
            {"class": "X", "params": {"a": [1, 2]}},
            {"ids": np.array(["x", "yy"]), "m": matrix, "f": np.arange(3.0)},
        )
        meta, arrays = read_npz(path)
        assert meta["params"] == {"a": [1, 2]} and meta["class"] == "X"
        assert arrays["ids"].tolist() == ["x", "yy"]
        assert (arrays["m"] != matrix).nnz == 0 and arrays["f"].tolist() == [0, 1, 2]

    def test_object_arrays_are_refused(self, tmp_path):
        with pytest.raises(TypeError):
            write_npz(tmp_path / "x.npz", {}, {"bad": np.array([{"a": 1}], dtype=object)})
