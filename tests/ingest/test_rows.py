"""Row problems reject that row with its line, column and reason; the good rows are imported."""

import pytest

from pilot.ingest import import_extract
from pilot.ingest.validate import format_reject
from pilot.models import Extract, Identity, Interaction, Person, Recipe

from .conftest import interactions_csv, write

pytestmark = pytest.mark.django_db

GOOD = [f"V{i},R{1 + i % 3},view,2026-01-0{1 + i % 9}T10:{i:02d}:00Z,G{i}," for i in range(30)]


@pytest.fixture(autouse=True)
def lenient(settings):
    settings.IMPORT_MAX_REJECT_SHARE = 0.5


def import_with(folder, bad_row, kind="interactions"):
    """Import 30 good interactions plus ``bad_row`` on line 32; return its one reject."""
    path = write(folder, "i.csv", interactions_csv([*GOOD, bad_row]))
    extract = import_extract(kind, path)
    assert extract.status == Extract.Status.IMPORTED
    assert (extract.rows_read, extract.rows_imported, extract.rows_rejected) == (31, 30, 1)
    assert Interaction.objects.count() == 30
    (reject,) = extract.rejects
    assert reject["line"] == 32
    return reject


@pytest.mark.parametrize(
    "row, column, reason",
    [
        ("V1,R1,view,01/02/2026,,", "timestamp", "not a timestamp of the form YYYY-MM-DD"),
        (
            "V1,R1,view,2026-02-30T10:00:00Z,,",
            "timestamp",
            "not a timestamp of the form YYYY-MM-DD",
        ),
        ("V1,R1,view,2017/8/18,,", "timestamp", "not a timestamp of the form YYYY-MM-DD"),
        ("V1,R1,view,20170818,,", "timestamp", "not a timestamp of the form YYYY-MM-DD"),
        ("V1,R1,view,2017-8-18,,", "timestamp", "not a timestamp of the form YYYY-MM-DD"),
        ("V1,R1,view,2017-08-18T1030,,", "timestamp", "not a timestamp of the form YYYY-MM-DD"),
        ("V1,R1,view,2999-01-01T00:00:00Z,,", "timestamp", "timestamp is in the future"),
        (
            "V1,R1,like,2026-01-01T10:00:00Z,,",
            "event",
            "unknown event; expected one of view, save, cook, rate",
        ),
        ("V1,R99,view,2026-01-01T10:00:00Z,,", "recipe_id", "unknown recipe id"),
        ("V1,R1,rate,2026-01-01T10:00:00Z,,6", "value", "stars out of range"),
        ("V1,R1,rate,2026-01-01T10:00:00Z,,0", "value", "stars out of range"),
        ("V1,R1,rate,2026-01-01T10:00:00Z,,", "value", "a rate event needs stars from 1 to 5"),
        ("V1,R1,cook,2026-01-01T10:00:00Z,,lots", "value", "not a number"),
        (",R1,view,2026-01-01T10:00:00Z,,", "visitor_id", "required value is empty"),
        ("V1,R1,view,,,", "timestamp", "required value is empty"),
        (
            "V" + "x" * 130 + ",R1,view,2026-01-01T10:00:00Z,,",
            "visitor_id",
            "longer than 128 characters",
        ),
        (
            "V1,R1,view,2026-01-01T10:00:00Z,G3,",
            "event_id",
            "duplicate key: the same interaction as line 5",
        ),
    ],
)
def test_it_rejects_a_bad_interaction_row(folder, catalog, row, column, reason):
    reject = import_with(folder, row)
    assert reject["column"] == column
    assert reject["reason"].startswith(reason)


def test_a_duplicate_without_event_id_is_the_same_instant(folder, catalog):
    rows = ["V1,R1,view,2026-01-01T10:00:00Z,,", "V1,R1,view,2026-01-01T11:00:00+01:00,,"]
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert extract.status == "imported"  # 1 of 2 is 50%: not more than the allowed share
    assert extract.rejects[0]["reason"] == "duplicate key: the same interaction as line 2"
    assert Interaction.objects.count() == 1


def test_rejects_name_file_line_column_and_reason(folder, catalog):
    reject = import_with(folder, "V1,R99,view,2026-01-01T10:00:00Z,,")
    assert format_reject("i.csv", reject) == (
        "i.csv: line 32, column recipe_id: unknown recipe id "
        "(import the recipes extract first) (value 'R99')"
    )


def test_line_numbers_count_line_breaks_inside_quotes(folder):
    text = 'recipe_id,title,description\nR1,Soup,"two\nlines"\nR2,,x\n'
    extract = import_extract("recipes", write(folder, "r.csv", text))
    assert extract.rejects == [
        {"line": 4, "column": "title", "reason": "required value is empty", "value": ""}
    ]


def test_blank_lines_are_skipped_but_counted_as_lines(folder, catalog):
    rows = ["V1,R1,view,2026-01-01T10:00:00Z,E1,", "", "V1,R1,like,2026-01-01T10:00:00Z,E2,"]
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert extract.rows_read == 2
    assert extract.rejects[0]["line"] == 4


def test_too_many_rejects_import_nothing(folder, catalog, settings):
    settings.IMPORT_MAX_REJECT_SHARE = 0.05
    rows = [*GOOD[:19], "V1,R99,view,2026-01-01T10:00:00Z,,", "V1,R98,view,2026-01-01T10:00:00Z,,"]
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert extract.status == Extract.Status.REJECTED
    assert extract.error == (
        "i.csv: 2 of 21 rows rejected (9.5%), more than the allowed 5%: nothing imported"
    )
    assert (extract.rows_read, extract.rows_imported, extract.rows_rejected) == (21, 0, 2)
    assert len(extract.rejects) == 2
    assert Interaction.objects.count() == 0
    assert not Identity.objects.filter(source="web").exists()


def test_rejects_up_to_the_share_are_allowed(folder, catalog, settings):
    settings.IMPORT_MAX_REJECT_SHARE = 0.05
    rows = [*GOOD[:19], "V1,R99,view,2026-01-01T10:00:00Z,,"]  # 1 of 20 = 5%
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert extract.status == Extract.Status.IMPORTED
    assert Interaction.objects.count() == 19


def test_stars_are_stored_as_values(folder, catalog):
    rows = ["V1,R1,rate,2026-01-01T10:00:00Z,E1,4", "V1,R2,rate,2026-01-01T10:00:00Z,E2,1.5"]
    import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert sorted(Interaction.objects.values_list("value", flat=True)) == [1.5, 4.0]


@pytest.mark.parametrize(
    "row, column, reason",
    [
        ("R9,Soup,,,,an hour,", "minutes", "not a whole number of minutes"),
        ("R1,Again,,,,,", "recipe_id", "duplicate key: the same recipe_id as line 2"),
        ("R9," + "t" * 201 + ",,,,,", "title", "longer than 200 characters"),
        ("R9,,,,,,", "title", "required value is empty"),
    ],
)
def test_it_rejects_a_bad_recipe_row(folder, row, column, reason):
    text = "recipe_id,title,ingredients,tags,diet_labels,minutes,description\nR1,Soup,,,,,\n" + row
    extract = import_extract("recipes", write(folder, "r.csv", text + "\n"))
    (reject,) = extract.rejects
    assert (reject["line"], reject["column"]) == (3, column)
    assert reject["reason"].startswith(reason)
    assert Recipe.objects.count() == 1


@pytest.mark.parametrize(
    "row, column, reason",
    [
        ("C9,not-an-email,,,,,", "email", "not an e-mail address"),
        ("C9,,,2.5,,,", "household_size", "not a whole number from 1 to 20"),
        ("C9,,,0,,,", "household_size", "not a whole number from 1 to 20"),
        ("C1,,,,,,", "customer_id", "duplicate key: the same customer_id as line 2"),
    ],
)
def test_it_rejects_a_bad_person_row(folder, row, column, reason):
    text = (
        "customer_id,email,age_band,household_size,region,restrictions,liked_cuisines\nC1,,,,,,\n"
    )
    extract = import_extract("people", write(folder, "p.csv", text + row + "\n"))
    (reject,) = extract.rejects
    assert (reject["line"], reject["column"]) == (3, column)
    assert reject["reason"].startswith(reason)
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "row, column, reason",
    [
        ("V1,C99,", "customer_id", "unknown customer id"),
        ("V1,C1,yesterday", "linked_at", "not a timestamp of the form YYYY-MM-DD"),
        ("V1,C1,2999-01-01", "linked_at", "timestamp is in the future"),
    ],
)
def test_it_rejects_a_bad_identity_row(folder, catalog, row, column, reason):
    text = "visitor_id,customer_id,linked_at\nV0,C2,\n" + row + "\n"
    extract = import_extract("identities", write(folder, "id.csv", text))
    (reject,) = extract.rejects
    assert (reject["line"], reject["column"]) == (3, column)
    assert reject["reason"].startswith(reason)


def test_labels_are_normalised_and_derived(folder):
    text = (
        "recipe_id,title,ingredients,diet_labels\n"
        "R1,Salad,lettuce|feta,Vegetarian|Gluten-Free\n"
        "R2,Carbonara,spaghetti|bacon|egg|parmesan,\n"
        "R3,Mystery,dragon fruit|unobtainium|fairy dust,\n"
    )
    extract = import_extract("recipes", write(folder, "r.csv", text))
    labels = dict(Recipe.objects.values_list("external_id", "diet_labels"))
    assert labels["R1"] == ["vegetarian", "gluten_free"]
    assert labels["R2"] == ["nut_free"]
    assert labels["R3"] == []  # unknown ingredients break every label
    assert extract.report["unknown_ingredients_total"] == 2
    assert extract.report["unknown_ingredients_top"] == [
        ["fairy dust", 1, 0],
        ["unobtainium", 1, 0],
    ]


def test_a_label_contradicting_an_ingredient_is_dropped_and_reported(folder):
    """Labels from the extract are checked, not trusted: the stricter answer is stored."""
    text = (
        "recipe_id,title,ingredients,diet_labels\n"
        "R1,Stew,1 lb beef chuck|2 carrots,vegetarian|gluten_free\n"
        "R2,Soup,4 cups chicken stock|1 leek,vegan\n"
    )
    extract = import_extract("recipes", write(folder, "r.csv", text))
    assert extract.status == "imported"
    assert extract.report["label_contradictions"] == [
        "R1: labelled vegetarian (but beef chuck); stored without vegetarian",
        "R2: labelled vegan (but chicken stock); stored without vegan",
    ]
    labels = dict(Recipe.objects.values_list("external_id", "diet_labels"))
    assert labels == {"R1": ["gluten_free"], "R2": []}


def test_unknown_diet_words_are_kept_with_a_warning(folder):
    """Safe to keep: a restriction only matches recipes carrying the very same word."""
    recipes = "recipe_id,title,diet_labels,minutes\nR1,Stew,Keto|gluten-free,25.0\n"
    extract = import_extract("recipes", write(folder, "r.csv", recipes))
    assert extract.rows_rejected == 0
    recipe = Recipe.objects.get()
    assert (recipe.diet_labels, recipe.minutes) == (["gluten_free", "keto"], 25)
    assert extract.report["warnings"] == [
        "diet labels not known to the recommender, kept as written: 'keto' x1"
    ]
    people = "customer_id,age_band,household_size,restrictions\nC1,30-39,2.0,Kosher|vegan\n"
    extract = import_extract("people", write(folder, "p.csv", people))
    person = Person.objects.get()
    assert (person.age_band, person.household_size) == ("30-39", 2)
    assert person.restrictions == ["vegan", "kosher"]
    assert extract.report["warnings"] == [
        "age bands not known to the recommender, kept as written: '30-39' x1",
        "restrictions not known to the recommender, kept as written: 'kosher' x1",
    ]


def test_the_documented_timestamp_forms_are_accepted(folder, catalog):
    rows = [
        "V1,R1,view,2026-03-01,,",
        "V1,R1,save,2026-03-01T18:30,,",
        "V1,R1,cook,2026-03-01 18:30:00,,",
        "V1,R1,rate,2026-03-01T18:30:00.123Z,,4",
        "V2,R1,view,2026-03-01T18:30:00+01:00,,",
        "V2,R1,save,2026-03-01T18:30:00-0500,,",
    ]
    extract = import_extract("interactions", write(folder, "i.csv", interactions_csv(rows)))
    assert (extract.rows_imported, extract.rows_rejected) == (6, 0)


def test_plural_and_synonym_course_tags_get_their_category(folder):
    text = (
        "recipe_id,title,tags\n"
        'R1,A,"Appetizers|Main Dishes|Desserts|Side Dishes|Soups|Salads|Main-Dish|Entrees"\n'
    )
    import_extract("recipes", write(folder, "r.csv", text))
    assert Recipe.objects.get().tags == [
        "course:starter", "course:main", "course:dessert", "course:side", "course:soup",
        "course:salad",
    ]  # fmt: skip


def test_bare_tags_get_their_category_and_unknown_ones_are_reported(folder):
    text = (
        "recipe_id,title,tags\n"
        "R1,Pudding,British|Dessert|Xmas|winter\n"
        'R2,Chili,"cuisine:Mexican|Course: Main|one-pot|fall"\n'
    )
    extract = import_extract("recipes", write(folder, "r.csv", text))
    tags = dict(Recipe.objects.values_list("external_id", "tags"))
    assert tags["R1"] == ["cuisine:british", "course:dessert", "holiday:christmas", "season:winter"]
    assert tags["R2"] == ["cuisine:mexican", "course:main", "one-pot", "season:autumn"]
    assert extract.report["warnings"] == [
        "tags not known to the recommender, kept as written: 'one-pot' x1"
    ]
