"""Recipe recommender: data, models, filters, explanations, metrics and comparison.

Pure Python over numpy, scipy, pandas and ``implicit``; it never imports Django. External
ids go in and come out; matrix rows stay inside the package. See docs/recommender.md.

- :mod:`recommender.data`: events -> :class:`~recommender.data.Interactions`, splits
- :mod:`recommender.catalog`: :class:`~recommender.catalog.Catalog` (labels, tags, active)
- :mod:`recommender.models`: ``ALS``, ``BPR``, ``ItemKNN``, ``Popularity``, ``load``
"""
