"""Write the demo world's extract files: a pure function of the seed, no database.

``generate(seed, out_dir)`` writes ``recipes.csv``, ``people.csv``, ``identities.csv`` and
``interactions.csv.gz`` in the extract formats of docs/data.md. The same seed gives the same
bytes (Python's ``random.Random`` seeded with a string, rows in a fixed order, gzip without a
timestamp); nothing depends on the clock, the hash seed or the database.

The web data covers ``weeks`` whole weeks (Monday to Sunday) ending on ``end``, with:

- a weekly rhythm: more sessions on Sundays and Mondays, cooking on weekday evenings;
- a seasonal rhythm: recipes tagged with a season or holiday are viewed more as it comes
  near (Halloween peaks at the end of October, Christmas rises through November, summer
  recipes fade in September);
- tastes that follow each person's liked cuisines and restrictions (a vegetarian rarely
  views meat and never saves, cooks or rates it);
- people on one to three devices, each linked to the customer by a login event
  (identities.csv), some devices that never log in, anonymous visitors, and two shared
  tablets linked to two customers (identity conflicts);
- an analytics outage (one day with no events) and one re-sent evening (its rows appear twice
  with the same event ids), so the data page has a gap and rejected duplicates to show.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pilot.demo import catalog
from pilot.ingredients import lookup
from pilot.models.catalog import DIET_LABELS

#: Last day (a Sunday) of the demo's web data; the study starts the Monday after.
DEFAULT_END = date(2026, 11, 22)
LOCAL_TZ = ZoneInfo("Europe/London")

#: Sizes: "full" is the demo world; "small" is for quick tests of the whole path.
SIZES = {
    "full": {"weeks": 12, "n_recipes": 360, "n_people": 240},
    "small": {"weeks": 3, "n_recipes": 120, "n_people": 40},
}

FILES = {
    "recipes": "recipes.csv",
    "people": "people.csv",
    "identities": "identities.csv",
    "interactions": "interactions.csv.gz",
}
COLUMNS = {
    "recipes": [
        "recipe_id",
        "title",
        "ingredients",
        "tags",
        "diet_labels",
        "minutes",
        "description",
    ],
    "people": [
        "customer_id",
        "email",
        "age_band",
        "household_size",
        "region",
        "restrictions",
        "liked_cuisines",
    ],
    "identities": ["visitor_id", "customer_id", "linked_at"],
    "interactions": ["visitor_id", "recipe_id", "event", "timestamp", "event_id", "value"],
}

#: Sessions per weekday (Monday = 0): busiest on Sundays and Mondays.
WEEKDAY_FACTOR = (1.3, 1.0, 0.95, 0.9, 0.75, 0.85, 1.4)
#: Local hour of a browsing session, weekdays and weekends.
WEEKDAY_HOURS = {7: 3, 8: 4, 9: 2, 10: 2, 11: 2, 12: 6, 13: 5, 14: 2, 15: 2, 16: 3, 17: 6,
                 18: 8, 19: 9, 20: 10, 21: 8, 22: 4, 23: 1}  # fmt: skip
WEEKEND_HOURS = {8: 3, 9: 6, 10: 8, 11: 8, 12: 6, 13: 4, 14: 3, 15: 3, 16: 4, 17: 6,
                 18: 6, 19: 7, 20: 7, 21: 5, 22: 3, 23: 1}  # fmt: skip
COURSE_FACTOR = {"main": 1.0, "starter": 0.55, "side": 0.5, "dessert": 0.55, "baking": 0.5,
                 "breakfast": 0.45, "drink": 0.3}  # fmt: skip
#: Day of the year each season is at its height.
SEASON_PEAK = {"spring": 105, "summer": 200, "autumn": 295, "winter": 15}
#: How many days before a holiday its recipes start to rise (Gaussian width).
HOLIDAY_WIDTH = {"christmas": 28, "thanksgiving": 12, "easter": 14, "halloween": 12}


@dataclass
class DemoRecipe:
    recipe_id: str
    title: str
    ingredients: list[str]
    tags: list[str]
    labels: list[str]
    write_labels: bool
    minutes: int
    description: str
    cuisine: str
    course: str
    season: str | None
    holiday: str | None
    popularity: float = 1.0
    quality: float = 0.0


@dataclass
class DemoPerson:
    customer_id: str
    email: str
    age_band: str
    household_size: int
    region: str
    restrictions: list[str]
    liked_cuisines: list[str]
    sessions_per_week: float = 0.0
    devices: list[str] = field(default_factory=list)  # visitor ids, linked or not
    device_weights: list[float] = field(default_factory=list)


def generate(
    seed: int,
    out_dir,
    *,
    weeks: int = 12,
    n_recipes: int = 360,
    n_people: int = 240,
    end: date = DEFAULT_END,
) -> dict[str, Path]:
    """Write the demo extract files for ``seed`` into ``out_dir``.

    Parameters
    ----------
    seed : int
        Same seed, same bytes.
    out_dir : path-like
        Created if missing; the four files are (over)written there.
    weeks : int
        Whole weeks of web interactions, ending on ``end``.
    n_recipes, n_people : int
        Catalogue and CRM sizes.
    end : datetime.date
        Last day of the web data (normally a Sunday).

    Returns
    -------
    dict
        Kind ("recipes", "people", "identities", "interactions") -> path of its file, in the
        order they must be imported.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start = end - timedelta(days=weeks * 7 - 1)
    recipes = _recipes(random.Random(f"demo:{seed}:recipes"), n_recipes)
    people = _people(random.Random(f"demo:{seed}:people"), n_people)
    identities, anonymous = _devices(random.Random(f"demo:{seed}:devices"), people, start, end)
    events = _interactions(
        random.Random(f"demo:{seed}:interactions"), recipes, people, anonymous, start, end
    )

    rows = {
        "recipes": [
            [
                r.recipe_id,
                r.title,
                "|".join(r.ingredients),
                "|".join(r.tags),
                "|".join(r.labels) if r.write_labels else "",
                str(r.minutes),
                r.description,
            ]
            for r in recipes
        ],
        "people": [
            [
                p.customer_id,
                p.email,
                p.age_band,
                str(p.household_size),
                p.region,
                "|".join(p.restrictions),
                "|".join(p.liked_cuisines),
            ]
            for p in people
        ],
        "identities": identities,
        "interactions": events,
    }
    paths = {}
    for kind, name in FILES.items():
        paths[kind] = out / name
        _write_csv(paths[kind], COLUMNS[kind], rows[kind])
    return paths


def diet_labels_for(ingredients) -> list[str]:
    """The diet labels a recipe with these ingredients carries.

    Each ingredient breaks what the product's ingredient table says it breaks
    (``pilot.ingredients.lookup``), or, when the table does not know it, what the demo's
    own ``catalog.INGREDIENT_BREAKS`` says.
    """
    broken = set()
    for name in ingredients:
        known = lookup(name)
        broken |= catalog.INGREDIENT_BREAKS.get(name, frozenset()) if known is None else known
    return [label for label in DIET_LABELS if label not in broken]


def table_knows(ingredients) -> bool:
    """True when the product's ingredient table knows every ingredient (labels derivable)."""
    return all(lookup(name) is not None for name in ingredients)


# --- recipes -------------------------------------------------------------------------------


def _recipes(rng: random.Random, n: int) -> list[DemoRecipe]:
    holiday = [(d, p) for d in catalog.HOLIDAY_DISHES for p in d["proteins"] or [None]]
    regular = [(d, p) for d in catalog.DISHES for p in d["proteins"] or [None]]
    rng.shuffle(regular)
    chosen = [(d, p, None) for d, p in holiday + regular][:n]
    mains = [(d, p) for d, p in regular if d["course"] == "main"]
    round_ = 0
    while len(chosen) < n:  # second takes on main dishes: "Slow-cooker chilli con carne"
        for d, p in mains[round_ % 3 :: 3]:
            if len(chosen) < n:
                speed = (
                    "quick" if d["minutes"] <= 40 else "long" if d["minutes"] >= 90 else "medium"
                )
                options = catalog.TITLE_PREFIXES[speed]
                chosen.append((d, p, options[(round_ // 3) % len(options)]))
        round_ += 1
    rng.shuffle(chosen)
    recipes = []
    seen_titles = set()
    for i, (d, protein, prefix) in enumerate(chosen, start=1):
        title = _title(d, protein, prefix)
        if title in seen_titles:  # only when far more recipes are asked for than dishes exist
            title = f"{title} ({i})"
        seen_titles.add(title)
        ingredients = _ingredients(d, protein)
        speed = {"Quick": 0.75, "Slow-cooker": 1.8}.get(prefix, 1.0)
        minutes = d["minutes"] * rng.uniform(0.85, 1.2) * speed
        minutes = max(5, int(round(minutes / 5.0)) * 5)
        tags = [f"cuisine:{d['cuisine']}", f"course:{d['course']}"]
        if d["season"]:
            tags.append(f"season:{d['season']}")
        if d["holiday"]:
            tags.append(f"holiday:{d['holiday']}")
        recipes.append(
            DemoRecipe(
                recipe_id=f"R{i:04d}",
                title=title,
                ingredients=ingredients,
                tags=tags,
                labels=diet_labels_for(ingredients),
                # Leave about a third of the labels to the import, where it can derive them.
                write_labels=not (table_knows(ingredients) and rng.random() < 0.4),
                minutes=minutes,
                description=_description(rng, d, title, ingredients, minutes),
                cuisine=d["cuisine"],
                course=d["course"],
                season=d["season"],
                holiday=d["holiday"],
                popularity=rng.lognormvariate(0.0, 0.8),
                quality=rng.gauss(0.0, 0.45),
            )
        )
    return recipes


def _title(d, protein, prefix) -> str:
    title = d["title"].format(p=protein) if protein else d["title"]
    if prefix:
        first = title.split()[0]
        if first not in catalog.PROPER_WORDS:
            title = title[0].lower() + title[1:]
        title = f"{prefix} {title}"
    return title


def _ingredients(d, protein) -> list[str]:
    items = []
    if protein:
        items, animal = catalog.PROTEINS[protein.lower()]
        items = list(items)
    else:
        animal = any(catalog.V in catalog.INGREDIENT_BREAKS.get(x, ()) for x in d["base"])
    items += d["base"] + (d["animal"] if animal else d["plant"])
    return list(dict.fromkeys(items))  # drop repeats, keep order


def _description(rng, d, title, ingredients, minutes) -> str:
    cuisine = catalog.CUISINES[d["cuisine"]][0]
    adj = rng.choice(catalog.ADJECTIVES)
    head = ingredients[:3]
    focus = f"{head[0]} with {' and '.join(head[1:])}" if len(head) > 1 else head[0]
    opening = rng.choice(catalog.OPENINGS[d["course"]]).format(
        adj=adj,
        Adj=adj.capitalize(),
        A_adj=f"{_article(adj).capitalize()} {adj}",
        cuisine=cuisine,
        a_cuisine=f"{_article(cuisine)} {cuisine}",
        focus=focus,
    )
    if minutes <= 30:
        ending = rng.choice(catalog.ENDINGS["quick"])
    elif minutes <= 90:
        ending = rng.choice(catalog.ENDINGS["medium"])
    else:
        ending = rng.choice(catalog.ENDINGS["long"])
    hours = minutes / 60
    hours_text = f"{hours:.0f} hours" if hours >= 2 else "a couple of hours"
    parts = [opening, ending.format(minutes=minutes, hours=hours_text)]
    if d["holiday"]:
        parts.append(catalog.HOLIDAY_NOTES[d["holiday"]])
    return " ".join(parts)


def _article(word: str) -> str:
    return "an" if word[0].lower() in "aeiou" else "a"


# --- people and devices ------------------------------------------------------------------


def _pick(rng: random.Random, weighted: dict):
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _people(rng: random.Random, n: int) -> list[DemoPerson]:
    cuisines = list(catalog.CUISINES)
    cuisine_weights = [catalog.CUISINES[c][1] for c in cuisines]
    profiles = [p for p, _ in catalog.RESTRICTION_PROFILES]
    profile_weights = [w for _, w in catalog.RESTRICTION_PROFILES]
    people, emails = [], set()
    for i in range(n):
        first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
        email = f"{first}.{last}@example.org".lower()
        k = 2
        while email in emails:
            email = f"{first}.{last}{k}@example.org".lower()
            k += 1
        emails.add(email)
        n_liked = rng.choices([0, 1, 2, 3], weights=[8, 30, 42, 20])[0]
        liked = []
        while len(liked) < n_liked:
            c = rng.choices(cuisines, weights=cuisine_weights)[0]
            if c not in liked:
                liked.append(c)
        people.append(
            DemoPerson(
                customer_id=f"C{10001 + i}",
                email=email,
                age_band=_pick(rng, catalog.AGE_BANDS),
                household_size=_pick(rng, catalog.HOUSEHOLD_SIZES),
                region=_pick(rng, catalog.REGIONS),
                restrictions=list(rng.choices(profiles, weights=profile_weights)[0]),
                liked_cuisines=liked,
                # Median ~3 browsing sessions a week, a long tail of keen cooks.
                sessions_per_week=rng.lognormvariate(math.log(3.0), 0.7),
            )
        )
    return people


def _visitor_id(rng: random.Random) -> str:
    return f"wv-{rng.getrandbits(48):012x}"


def _devices(rng: random.Random, people, start: date, end: date):
    """Give people their devices; return identities.csv rows and anonymous visitor ids.

    8% of people never use the website. Each other person has 1-3 devices, each linked by a
    login somewhere between 60 days before the window and two thirds into it; 12% also have
    a device they never log in on. Two family tablets are linked to two customers each.
    """
    rows = []
    window_days = (end - start).days + 1
    for person in people:
        if rng.random() < 0.08:
            continue
        for _ in range(rng.choices([1, 2, 3], weights=[45, 40, 15])[0]):
            visitor = _visitor_id(rng)
            day = start + timedelta(days=rng.randint(-60, (window_days * 2) // 3))
            linked_at = _at(day, rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59))
            rows.append([visitor, person.customer_id, _iso(linked_at)])
            person.devices.append(visitor)
            person.device_weights.append(rng.choice([0.6, 0.3, 0.1]))
        if rng.random() < 0.12:
            person.devices.append(_visitor_id(rng))  # logged out: never linked
            person.device_weights.append(0.2)
    # Two shared family tablets: both customers logged in on them -> identity conflicts.
    web_people = [p for p in people if p.devices]
    pairs = [(3, 5), (17, 29)] if len(web_people) > 30 else [(0, 1)]
    for a, b in pairs:
        visitor = _visitor_id(rng)
        for person, hour in ((web_people[a], 19), (web_people[b], 20)):
            day = start + timedelta(days=rng.randint(0, window_days // 2))
            rows.append([visitor, person.customer_id, _iso(_at(day, hour, 5, 0))])
        web_people[a].devices.append(visitor)
        web_people[a].device_weights.append(0.25)
    rows.sort(key=lambda row: (row[2], row[0], row[1]))
    anonymous = [_visitor_id(rng) for _ in range(max(5, len(people) // 2))]
    return rows, anonymous


# --- interactions ------------------------------------------------------------------------


def _at(day: date, hour: int, minute: int, second: int) -> datetime:
    """A local (Europe/London) wall-clock time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute, second), LOCAL_TZ).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _easter(year: int) -> date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _holiday_date(name: str, year: int) -> date:
    if name == "christmas":
        return date(year, 12, 25)
    if name == "halloween":
        return date(year, 10, 31)
    if name == "easter":
        return _easter(year)
    if name == "thanksgiving":  # fourth Thursday of November
        first = date(year, 11, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    raise ValueError(name)


def season_factor(recipe_season: str | None, holiday: str | None, day: date) -> float:
    """How much more (or less) than usual a recipe is looked at on ``day``.

    Seasonal recipes: ``0.25 + 1.75 exp(-(d/50)^2)`` with ``d`` the days to the season's
    height. Holiday recipes: ``0.08 + 5 exp(-(d/w)^2)`` in the weeks before the holiday
    (``w`` from ``HOLIDAY_WIDTH``), falling off within days after it. Barbecue recipes follow
    summer, more sharply. Everything else: 1.
    """
    doy = day.timetuple().tm_yday
    if holiday == "barbecue":
        dist = min(abs(doy - 205), 365 - abs(doy - 205))
        return 0.08 + 3.5 * math.exp(-((dist / 35) ** 2))
    if holiday:
        best = 0.08
        for year in (day.year - 1, day.year, day.year + 1):
            until = (_holiday_date(holiday, year) - day).days
            width = HOLIDAY_WIDTH[holiday] if until >= -1 else 4
            best = max(best, 0.08 + 5.0 * math.exp(-((until / width) ** 2)))
        return best
    if recipe_season:
        peak = SEASON_PEAK[recipe_season]
        dist = min(abs(doy - peak), 365 - abs(doy - peak))
        return 0.25 + 1.75 * math.exp(-((dist / 50) ** 2))
    return 1.0


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, rng.random()
    while p > threshold:
        k += 1
        p *= rng.random()
    return k


def _interactions(rng, recipes, people, anonymous, start: date, end: date) -> list[list[str]]:
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    # The analytics outage: a Wednesday a little past the middle of the window.
    gap = days[len(days) * 11 // 20]
    gap += timedelta(days=(2 - gap.weekday()) % 7)
    seasonal = {day: [season_factor(r.season, r.holiday, day) for r in recipes] for day in days}
    day_factor = {day: WEEKDAY_FACTOR[day.weekday()] * rng.uniform(0.85, 1.15) for day in days}
    index = range(len(recipes))

    actors = []  # (visitor ids, device weights, base weights, person or None, sessions/week)
    for person in people:
        if not person.devices:
            continue
        liked = set(person.liked_cuisines)
        base = []
        for r in recipes:
            w = r.popularity * COURSE_FACTOR[r.course] * rng.lognormvariate(0.0, 0.5)
            if r.cuisine in liked:
                w *= 3.0
            if not set(person.restrictions) <= set(r.labels):
                w *= 0.03  # a vegetarian rarely even looks at meat
            base.append(w)
        actors.append((person.devices, person.device_weights, base, person,
                       person.sessions_per_week))  # fmt: skip
    for visitor in anonymous:
        favourite = rng.choice(list(catalog.CUISINES))
        base = [
            r.popularity * COURSE_FACTOR[r.course] * (2.0 if r.cuisine == favourite else 1.0)
            for r in recipes
        ]
        actors.append(([visitor], [1.0], base, None, rng.uniform(0.3, 1.2)))

    events = set()
    last = datetime.combine(end, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)
    for devices, device_weights, base, person, per_week in actors:
        allowed, liked = None, set()
        if person is not None:
            need = set(person.restrictions)
            allowed = [need <= set(r.labels) for r in recipes]
            liked = set(person.liked_cuisines)
        for day in days:
            for _ in range(_poisson(rng, per_week / 7.0 * day_factor[day])):
                visitor = rng.choices(devices, weights=device_weights)[0]
                hours = WEEKEND_HOURS if day.weekday() >= 5 else WEEKDAY_HOURS
                hour = rng.choices(list(hours), weights=list(hours.values()))[0]
                moment = _at(day, hour, rng.randint(0, 59), rng.randint(0, 59))
                weights = [b * s for b, s in zip(base, seasonal[day], strict=True)]
                n_views = min(1 + _poisson(rng, 2.8), 10)
                for i in rng.choices(index, weights=weights, k=n_views):
                    moment += timedelta(seconds=rng.randint(20, 240))
                    events.add((moment, visitor, recipes[i].recipe_id, "view", ""))
                    if person is None or not allowed[i]:
                        if person is None and rng.random() < 0.03:
                            events.add((moment + timedelta(seconds=30), visitor,
                                        recipes[i].recipe_id, "save", ""))  # fmt: skip
                        continue
                    _follow_up(rng, events, moment, visitor, recipes[i],
                               recipes[i].cuisine in liked, last)  # fmt: skip
    ordered = sorted(e for e in events if e[0].date() != gap and e[0] <= last)
    rows = [
        [visitor, recipe_id, event, _iso(moment), f"ev{n:07d}", value]
        for n, (moment, visitor, recipe_id, event, value) in enumerate(ordered, start=1)
    ]
    return _resend_one_evening(rows, days)


def _follow_up(rng, events, viewed_at, visitor, recipe, liked: bool, last: datetime) -> None:
    """After a view: maybe save, maybe cook on a later weekday evening, maybe rate it."""
    boost = 1.6 if liked else 1.0
    if rng.random() < 0.10 * boost:
        events.add((viewed_at + timedelta(seconds=rng.randint(5, 90)), visitor,
                    recipe.recipe_id, "save", ""))  # fmt: skip
    if rng.random() >= 0.075 * boost:
        return
    local = viewed_at.astimezone(LOCAL_TZ)
    day = local.date() + timedelta(days=rng.choices([0, 1, 2, 3, 4], weights=[3, 3, 2, 1, 1])[0])
    if day.weekday() >= 5 and rng.random() < 0.5:
        hour = rng.choice([12, 13])  # weekend lunch
    else:
        hour = rng.choices([17, 18, 19, 20], weights=[2, 5, 4, 1])[0]
    cooked_at = _at(day, hour, rng.randint(0, 59), rng.randint(0, 59))
    if cooked_at <= viewed_at or cooked_at > last:
        return
    events.add((cooked_at, visitor, recipe.recipe_id, "cook", ""))
    if rng.random() < 0.55:
        stars = 3.4 + (0.7 if liked else 0.0) + recipe.quality + rng.gauss(0.0, 0.8)
        rated_at = cooked_at + timedelta(minutes=rng.randint(40, 240))
        if rated_at <= last:
            events.add((rated_at, visitor, recipe.recipe_id, "rate",
                        str(min(5, max(1, round(stars))))))  # fmt: skip


def _resend_one_evening(rows, days) -> list[list[str]]:
    """Analytics re-sent one evening's events: they appear twice (same event ids)."""
    day = days[len(days) * 3 // 4]
    lo, hi = f"{day.isoformat()}T18", f"{day.isoformat()}T20"
    again = [row for row in rows if lo <= row[3] < hi]
    cut = next((n for n, row in enumerate(rows) if row[3] >= hi), len(rows))
    return rows[:cut] + again + rows[cut:]


def _write_csv(path: Path, header, rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
        ):
            gz.write(data)
    else:
        path.write_bytes(data)
