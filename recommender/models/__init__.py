"""Recommender models sharing one interface (see :mod:`recommender.models.base`).

>>> from recommender.models import ALS, load
"""

from recommender.models.als import ALS
from recommender.models.base import (
    Contributions,
    Recommendation,
    Recommendations,
    Recommender,
    load,
)
from recommender.models.bpr import BPR
from recommender.models.knn import ItemKNN
from recommender.models.popularity import Popularity

__all__ = [
    "ALS",
    "BPR",
    "Contributions",
    "ItemKNN",
    "Popularity",
    "Recommendation",
    "Recommendations",
    "Recommender",
    "load",
]
