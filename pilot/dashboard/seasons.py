"""When a season or holiday tag is "in its window" (docs/dashboard.md shows this table).

A window is a (month, day) range, inclusive, that may wrap over New Year. A recipe is
*out of season* in a week when it carries a ``season:`` or ``holiday:`` tag and the week's
Monday falls outside every window of its tags. Moving holidays (Easter, Diwali, Eid,
Ramadan, Lunar New Year, Passover, Hanukkah) get a wide window covering the dates they
fall on in 2024-2030.
"""

from __future__ import annotations

from datetime import date

WINDOWS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "season:spring": ((3, 1), (5, 31)),
    "season:summer": ((6, 1), (8, 31)),
    "season:autumn": ((9, 1), (11, 30)),
    "season:winter": ((12, 1), (2, 29)),
    "holiday:christmas": ((11, 15), (12, 31)),
    "holiday:new_year": ((12, 20), (1, 7)),
    "holiday:thanksgiving": ((11, 1), (11, 30)),
    "holiday:halloween": ((10, 1), (10, 31)),
    "holiday:bonfire_night": ((10, 20), (11, 7)),
    "holiday:valentines": ((2, 1), (2, 14)),
    "holiday:pancake_day": ((2, 1), (3, 10)),
    "holiday:easter": ((3, 10), (4, 30)),
    "holiday:passover": ((3, 20), (4, 30)),
    "holiday:lunar_new_year": ((1, 10), (2, 25)),
    "holiday:ramadan": ((2, 10), (4, 15)),
    "holiday:eid": ((3, 15), (4, 20)),
    "holiday:diwali": ((10, 10), (11, 20)),
    "holiday:hanukkah": ((11, 20), (1, 5)),
    "holiday:barbecue": ((5, 1), (9, 15)),
    "holiday:bbq": ((5, 1), (9, 15)),
}


def in_window(tag: str, day: date) -> bool:
    (m1, d1), (m2, d2) = WINDOWS[tag]
    point, start, end = (day.month, day.day), (m1, d1), (m2, d2)
    if start <= end:
        return start <= point <= end
    return point >= start or point <= end


def seasonal_tags(tags) -> list[str]:
    return [t for t in tags or () if t in WINDOWS]


def status(tags, day: date) -> str:
    """ "none" (no seasonal tag), "in" (some tag's window holds ``day``) or "out"."""
    seasonal = seasonal_tags(tags)
    if not seasonal:
        return "none"
    return "in" if any(in_window(t, day) for t in seasonal) else "out"


def table() -> list[dict]:
    return [
        {"tag": tag, "from": f"{m1:02d}-{d1:02d}", "to": f"{m2:02d}-{d2:02d}"}
        for tag, ((m1, d1), (m2, d2)) in WINDOWS.items()
    ]
