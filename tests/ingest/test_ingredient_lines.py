"""Ingredient lines as recipe sites write them -> ingredient names, step by step."""

from pathlib import Path

import pytest

from pilot.ingredients.lines import (
    citrus_parts,
    clean,
    is_equipment,
    is_header,
    main_and_extras,
    parse_line,
    split_alternatives,
    strip_amounts,
)

FIXTURE = Path(__file__).parent / "fixtures" / "ingredient_lines.tsv"


def _cases():
    for number, row in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), start=1):
        if row.startswith("#") or not row.strip():
            continue
        line, _, expected = row.partition("\t")
        yield pytest.param(line, [n for n in expected.split(" | ") if n], id=f"line{number}")


CASES = list(_cases())


def test_it_has_a_few_hundred_real_lines():
    assert len(CASES) >= 300


@pytest.mark.parametrize("line, expected", CASES)
def test_it_reduces_each_real_line_to_its_ingredients(line, expected):
    assert parse_line(line) == expected


@pytest.mark.parametrize(
    "line", ["Sauce:", "For the glaze:", "FOR THE FILLING", "Topping", "  ", "Dressing:"]
)
def test_it_reads_section_headers_as_naming_nothing(line):
    assert is_header(line)


@pytest.mark.parametrize("line", ["2 eggs", "salt", "1 cup sauce", "Chicken"])
def test_it_does_not_take_ingredients_for_headers(line):
    assert not is_header(line)


def test_it_drops_brand_marks_parentheticals_and_label_prefixes():
    assert clean("1 (14 1/2-ounce) can Hunt's® Diced Tomatoes [see note]") == "1 can diced tomatoes"
    assert clean("Topping: 1 cup grated Cheddar") == "1 cup grated cheddar"
    assert clean("2 Jalapeños (optional") == "2 jalapenos"


@pytest.mark.parametrize(
    "text", ["reynolds slow cooker liner", "wooden skewers", "parchment paper", "aluminum foil"]
)
def test_it_recognises_equipment(text):
    assert is_equipment(text)


@pytest.mark.parametrize("text", ["rice paper wrappers", "pan drippings", "panko"])
def test_it_does_not_take_food_for_equipment(text):
    assert not is_equipment(text)


def test_it_turns_juice_of_a_fruit_into_its_juice():
    assert citrus_parts("juice of 1 lemon") == "lemon juice"
    assert citrus_parts("zest and juice of 2 limes") == "lime zest and lime juice"
    assert citrus_parts("2 lemons") is None


def test_it_drops_preparation_after_a_comma_but_keeps_ingredients_and_examples():
    assert main_and_extras("onion, finely chopped") == ["onion"]
    assert main_and_extras("salt, pepper") == ["salt", "pepper"]
    assert main_and_extras("hard cheese, such as parmesan") == ["hard cheese", "parmesan"]


def test_it_splits_and_or_and_shares_a_head_noun():
    assert split_alternatives("vegetable or chicken stock") == ["vegetable stock", "chicken stock"]
    assert split_alternatives("salt and pepper") == ["salt", "pepper"]
    assert split_alternatives("milk and/or cream") == ["milk", "cream"]


def test_it_keeps_and_compounds_whole():
    assert parse_line("1 cup half-and-half") == ["half and half"]
    assert parse_line("1 box macaroni and cheese") == ["macaroni and cheese"]


def test_it_strips_quantities_units_sizes_and_preparation():
    assert strip_amounts("1 1/2 cups finely chopped fresh flat leaf parsley") == "flat leaf parsley"
    assert strip_amounts("2 x 400g tins chopped tomatoes") == "tomatoes"
    assert strip_amounts("½ tsp salt") == "salt"
    assert strip_amounts("4 whole cloves") == "whole cloves"
