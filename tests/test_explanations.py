"""pilot.explanations.describe: evidence with titles, and honest notes on what it covers."""

import pandas as pd
import pytest

from pilot.explanations import describe
from recommender.catalog import Catalog
from recommender.models import Recommendation

CATALOG = Catalog.from_frame(
    pd.DataFrame({"item": ["a", "b", "c"], "title": ["Apple pie", "Beef stew", "Carrot soup"]})
)


def rec(code, evidence, reason="Because you saved Apple pie"):
    return Recommendation("c", 1, 0.5, code, reason, tuple(evidence))


def test_it_names_history_evidence_by_title_and_says_when_it_explains_part_of_the_score():
    out = describe(rec("als_history", [("a", 0.4), ("b", 0.2)]), CATALOG)
    assert out["title"] == "Carrot soup"
    assert [(e["title"], e["percent"], e["of"]) for e in out["evidence"]] == [
        ("Apple pie", 40, "of the score"), ("Beef stew", 20, "of the score"),
    ]  # fmt: skip
    assert out["explained_share"] == pytest.approx(0.6)
    assert out["note"].startswith("The recipes named explain 60% of the score")
    assert "side features" not in out["note"]
    assert (
        "side features"
        in describe(rec("knn_similar", [("a", 0.5)]), CATALOG, side_features=True)["note"]
    )


def test_it_says_nothing_more_when_the_named_recipes_explain_the_whole_score():
    out = describe(rec("knn_similar", [("a", 0.7), ("b", 0.3)]), CATALOG)
    assert out["explained_share"] == pytest.approx(1.0) and out["note"] == ""


def test_it_says_when_other_history_counts_against_the_recipe():
    out = describe(rec("als_history", [("a", 0.9), ("b", 0.4)]), CATALOG)
    assert "130%" in out["note"] and "counts against" in out["note"]


def test_bpr_shares_are_said_to_be_of_similarity_not_of_the_score():
    out = describe(rec("bpr_similar", [("a", 0.6), ("b", 0.4)]), CATALOG)
    assert out["evidence"][0]["of"] == "of the similarity"
    assert out["explained_share"] is None and "not parts of the score" in out["note"]


def test_popularity_evidence_counts_people_in_the_group():
    out = describe(
        rec(
            "cold_start_popular",
            [("users", 12), ("group_size", 40)],
            "Popular with people in Wales",
        ),
        CATALOG,
    )
    assert out["evidence"] == [{"count": 12, "of": 40}]
    assert out["note"] == "12 of 40 people in the group used it."
