"""The recommender's catalog built from the Recipe table.

Every recipe is in it, **inactive ones too** (``active=False``): they are never recommended
(``recommender.catalog.Catalog`` filters on ``active``), but a person's history may hold a
retired recipe, and an explanation must still name it by title ("Because you rated Leek
and potato soup"), never by its raw id.
"""

from __future__ import annotations

import pandas as pd

from pilot.models import Recipe
from recommender.catalog import Catalog


def recipe_catalog() -> Catalog:
    """All recipes as a ``Catalog``: external id, title, diet labels, tags, active."""
    rows = Recipe.objects.order_by("pk").values_list(
        "external_id", "title", "diet_labels", "tags", "active"
    )
    frame = pd.DataFrame(list(rows), columns=["item", "title", "labels", "tags", "active"])
    if frame.empty:
        frame = pd.DataFrame({"item": pd.Series([], dtype=str)})
    else:
        frame["item"] = frame["item"].astype(str)
    return Catalog.from_frame(frame)
