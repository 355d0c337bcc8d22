"""The sentences that explain popularity-based recommendations, per group and diet."""

from __future__ import annotations

from collections.abc import Sequence


def _pretty_label(label: str) -> str:
    return label.replace("_", "-")


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _diet_words(restrictions: str | None) -> str:
    """``"nut_free,vegetarian"`` -> ``"nut-free and vegetarian"`` (``""`` for none)."""
    return _join([_pretty_label(x) for x in restrictions.split(",")]) if restrictions else ""


def group_sentence(segment: str | None, restrictions: str | None) -> str:
    """Sentence for popularity within a group ("Popular with people who eat vegetarian")."""
    diet = _diet_words(restrictions)
    if segment and diet:
        return f"Popular with people in {segment} who eat {diet}"
    if segment:
        return f"Popular with people in {segment}"
    if diet:
        return f"Popular with people who eat {diet}"
    return "Popular with everyone"


def filtered_sentence(sentence: str, restrictions: str, group_restrictions: str | None) -> str:
    """A popularity sentence that says when the list was filtered by the user's diet.

    When the user has restrictions but the group the popularity comes from was not chosen
    by them (no training users with those restrictions are known, or too few), the list is
    still filtered by them, and the sentence says so: "Popular with everyone; nut-free and
    vegetarian recipes only". Otherwise the sentence is returned unchanged.
    """
    if restrictions and group_restrictions != restrictions:
        return f"{sentence}; {_diet_words(restrictions)} recipes only"
    return sentence
