"""Recipe tags: "category:value" strings, and how a bare tag finds its category.

Extracts should write tags as ``category:value`` (``cuisine:thai|course:main|season:winter``).
Many exports write bare words instead (``thai|main|winter``); a bare word that this table
knows gets its category, so "will Christmas recipes show up in June?" works on either. An
unknown bare word is kept as written and reported as a warning by the import.
"""

from __future__ import annotations

from pilot.models.catalog import TAG_CATEGORIES

SEASONS = {"spring", "summer", "autumn", "winter"}
HOLIDAYS = {
    "christmas",
    "easter",
    "thanksgiving",
    "halloween",
    "new_year",
    "valentines",
    "bonfire_night",
    "pancake_day",
    "diwali",
    "eid",
    "hanukkah",
    "lunar_new_year",
    "passover",
    "ramadan",
    "bbq",
    "barbecue",
    "summer_barbecue",
}
COURSES = {
    "breakfast",
    "brunch",
    "lunch",
    "dinner",
    "main",
    "starter",
    "side",
    "dessert",
    "snack",
    "soup",
    "salad",
    "drink",
    "baking",
}
CUISINES = {
    "african",
    "american",
    "british",
    "caribbean",
    "chinese",
    "french",
    "german",
    "greek",
    "indian",
    "irish",
    "italian",
    "japanese",
    "korean",
    "lebanese",
    "mediterranean",
    "mexican",
    "middle_eastern",
    "moroccan",
    "nordic",
    "persian",
    "polish",
    "portuguese",
    "scandinavian",
    "spanish",
    "thai",
    "turkish",
    "vietnamese",
}
SYNONYMS = {
    "fall": "autumn",
    "xmas": "christmas",
    "valentine": "valentines",
    "valentines_day": "valentines",
    "mains": "main",
    # courses as recipe sites write them (Allrecipes, Food.com, BBC Good Food)
    "main_dish": "main",
    "main_dishes": "main",
    "main_course": "main",
    "main_courses": "main",
    "entree": "main",
    "entrees": "main",
    "dinners": "dinner",
    "appetizer": "starter",
    "appetizers": "starter",
    "appetiser": "starter",
    "appetisers": "starter",
    "starters": "starter",
    "hors_d_oeuvres": "starter",
    "side_dish": "side",
    "side_dishes": "side",
    "sides": "side",
    "desserts": "dessert",
    "puddings": "dessert",
    "sweets": "dessert",
    "soups": "soup",
    "soups_stews_and_chili": "soup",
    "salads": "salad",
    "snacks": "snack",
    "drinks": "drink",
    "beverages": "drink",
    "beverage": "drink",
    "cocktails": "drink",
    "breakfasts": "breakfast",
    "breakfast_and_brunch": "breakfast",
    "lunches": "lunch",
    "breads": "baking",
    "bread": "baking",
    "baked_goods": "baking",
    "cakes": "baking",
    "cookies": "baking",
}
BARE_WORDS = (
    {w: "season" for w in SEASONS}
    | {w: "holiday" for w in HOLIDAYS}
    | {w: "course" for w in COURSES}
    | {w: "cuisine" for w in CUISINES}
)


def normalise_tag(raw: str) -> tuple[str, bool]:
    """``(tag, known)``: the tag as stored, and whether its category is one of ours.

    >>> normalise_tag("Season: Winter")
    ('season:winter', True)
    >>> normalise_tag("Fall")
    ('season:autumn', True)
    >>> normalise_tag("one-pot")
    ('one-pot', False)
    """
    text = raw.strip().lower()
    if ":" in text:
        category, value = (part.strip() for part in text.split(":", 1))
        value = value.replace(" ", "_")
        return f"{category}:{value}", category in TAG_CATEGORIES
    word = "_".join(text.replace("-", " ").replace("&", " and ").replace("'", " ").split())
    word = SYNONYMS.get(word, word)
    category = BARE_WORDS.get(word)
    if category is None:
        return text, False
    return f"{category}:{word}", True
