"""The demo's two model versions, trained for real through :func:`pilot.training.train_version`.

Popularity (the baseline arm) and ALS (the personalised arm), on the demo's interactions:
offline metrics on the default holdout (the last 14 days), the served artifact refit on all
of them. ALS is kept small (16 factors, 10 iterations) so ``manage.py demo`` stays quick;
its strong regularisation was chosen on the demo data (seed 0) from a handful of settings:
it matches popularity's NDCG@10 (0.160) with a wider reach (catalog coverage 0.66 against
0.41; more novel lists), where 32 factors with little regularisation fell behind (0.12).

"What if we add one column?": a variant of the ALS version with the people column
``region`` added (``pilot.training.variant_spec``: same parameters, seed, cutoff and data),
and its comparison with ALS (``pilot.comparisons``), stored so its page opens at once.
"""

from __future__ import annotations

from pilot.models import ModelVersion
from pilot.training import train_version, variant_spec

POPULARITY_NAME = "popularity-demo"
ALS_NAME = "als-demo"
VARIANT_NAME = "als-demo+region"
ALS_PARAMS = {"factors": 16, "regularization": 5.0, "alpha": 1.0, "iterations": 10}
SEED = 0


def train_demo_versions() -> tuple[ModelVersion, ModelVersion]:
    """Train (or find, when they exist) the popularity and ALS versions of the demo."""
    popularity = ModelVersion.objects.filter(name=POPULARITY_NAME).first() or train_version(
        "popularity",
        params={"mode": "global"},
        name=POPULARITY_NAME,
        note="Demo baseline: the recipes most people used, filtered by each person's diet.",
        seed=SEED,
    )
    als = ModelVersion.objects.filter(name=ALS_NAME).first() or train_version(
        "als",
        params=ALS_PARAMS,
        name=ALS_NAME,
        note="Demo personalised model: ALS on views, saves, cooks and ratings.",
        seed=SEED,
    )
    train_demo_variant(als)
    return popularity, als


def train_demo_variant(als: ModelVersion) -> ModelVersion:
    """ALS with the people column region added, compared with ALS (found when it exists)."""
    from pilot import comparisons

    variant = ModelVersion.objects.filter(name=VARIANT_NAME).first() or train_version(
        **variant_spec(als, add="user:region", name=VARIANT_NAME)
    )
    if comparisons.stored(als, variant) is None:
        comparisons.compare_versions(als, variant)
    return variant
