"""Recommendations as people read them: reason sentence, evidence with titles, and what
the evidence does not cover.

:func:`describe` turns one :class:`recommender.models.Recommendation` into a dict for a
template; :func:`examples` asks a saved model version (``pilot.modeldata.load_model``) for
a few people's explained lists, their restrictions applied as in the pilot.

Evidence kinds (see ``recommender/models/base.py``):

- ``als_history``, ``knn_similar``: each history recipe's share of the score; the shares
  of the recipes named add up to less than 1 when other history recipes (or side
  features) make up the rest, and the page says how much they explain.
- ``bpr_similar``: shares of the summed similarities of the recipes named, not of the
  score (a BPR score does not split by history item): said on the page.
- popularity reasons (``popular_*``, ``trending``, ``cold_start_popular``): how many of
  the group's people used the recipe.
"""

from __future__ import annotations

from typing import Any

from pilot import modeldata
from pilot.models import Interaction, ModelVersion, Person

ADDITIVE = ("als_history", "knn_similar")
#: Below this summed share the page says the named recipes explain only part of the score.
WHOLE = 0.995


def describe(rec, catalog, *, side_features: bool = False) -> dict[str, Any]:
    """One recommendation for a template: title, reason, evidence rows and a note.

    ``side_features``: whether the model has user side features (part of a score may then
    come from them, and the note says so).
    """
    out = {
        "rank": rec.rank,
        "item": rec.item,
        "title": catalog.title(rec.item, default=str(rec.item)),
        "score": rec.score,
        "reason_code": rec.reason_code,
        "reason": rec.reason,
        "evidence": [],
        "explained_share": None,
        "note": "",
    }
    evidence = list(rec.evidence)
    if rec.reason_code in ADDITIVE or rec.reason_code == "bpr_similar":
        out["evidence"] = [
            {
                "item": item,
                "title": catalog.title(item, default=str(item)),
                "share": share,
                "percent": round(100 * share),
                "of": "of the similarity" if rec.reason_code == "bpr_similar" else "of the score",
            }
            for item, share in evidence
        ]
        total = sum(share for _, share in evidence)
        if rec.reason_code == "bpr_similar":
            out["note"] = (
                "BPR scores do not split by history recipe: the shares are of the summed "
                "similarities of the recipes named, not parts of the score."
            )
        else:
            out["explained_share"] = total
            if total > 2 - WHOLE:
                out["note"] = (
                    f"The recipes named add up to {total:.0%} of the score: some of this "
                    "person's other history counts against this recipe."
                )
            elif total < WHOLE:
                rest = "other history and side features" if side_features else "other history"
                out["note"] = (
                    f"The recipes named explain {total:.0%} of the score; the rest comes from "
                    f"this person's {rest}."
                )
    else:
        counts = dict(evidence)
        if "users" in counts and "group_size" in counts:
            out["evidence"] = [{"count": int(counts["users"]), "of": int(counts["group_size"])}]
            out["note"] = (
                f"{int(counts['users'])} of {int(counts['group_size'])} people in the group used it."
            )
    return out


def example_people(n: int = 5) -> list[Person]:
    """A few people who show the model at work: with history and no restrictions, with
    restrictions, without history (cold start), then others with history. Stable order."""
    with_history = set(
        Interaction.objects.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    people = list(Person.objects.order_by("customer_id")[:5000])
    picks: list[Person] = []
    for test in (
        lambda p: p.pk in with_history and not p.restrictions,
        lambda p: p.pk in with_history and bool(p.restrictions),
        lambda p: p.pk not in with_history,
    ):
        found = next((p for p in people if p not in picks and test(p)), None)
        if found is not None:
            picks.append(found)
    for person in people:
        if len(picks) >= n:
            break
        if person not in picks and person.pk in with_history:
            picks.append(person)
    return picks[:n]


def examples(version: ModelVersion, people: list[Person] | None = None, k: int = 5) -> list[dict]:
    """Each person's top-``k`` from ``version`` with explanations (restrictions applied)."""
    people = example_people() if people is None else people
    if not people:
        return []
    model = modeldata.load_model(version)
    catalog = modeldata.catalog()
    frame = modeldata.people_frame(people)
    restrictions = {
        u: key.split(",")
        for u, key in zip(frame["user"], frame["restrictions"], strict=True)
        if key
    }
    segments = dict(zip(frame["user"], frame["segment"], strict=True))
    recs = model.recommend(
        [p.customer_id for p in people],
        k,
        catalog=catalog,
        restrictions=restrictions,
        segments=segments,
    )
    return [
        {
            "person": person,
            "restrictions": restrictions.get(person.customer_id, []),
            "items": [
                describe(rec, catalog, side_features=bool(version.user_features))
                for rec in recs[person.customer_id]
            ],
        }
        for person in people
    ]
