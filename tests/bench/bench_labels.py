"""Benchmark: diet labels for 100,000 recipes of 10 ingredient lines, against reading the file.

Run from the project root::

    .venv/bin/python -m tests.bench.bench_labels [--quick]

The file is a recipes extract (CSV, ``ingredients`` as ``|``-separated lines) written the way
recipe sites write lines: a quantity, a unit, sometimes a size or brand mark, an ingredient
name drawn from about 20,000 distinct names (table entries and their variants, a few unknown
ones), sometimes a preparation note after a comma. Timed in this process as CPU time
(``time.process_time``: other jobs on a shared machine do not count), each the best of
three runs:

- **read**: ``pandas.read_csv`` of the file and splitting each cell into its lines: what the
  import does anyway before any label is derived (the baseline);
- **read + labels**: the same, then ``label_recipe`` on every recipe (parsing every line,
  matching every name; the table's per-name cache starts empty each run).

Writes ``tests/bench/results/labels.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import tempfile
import time
from pathlib import Path

import pandas as pd

from pilot.ingredients import label_recipe
from pilot.ingredients.lines import _parse_line
from pilot.ingredients.table import Table, base_table

RESULTS = Path(__file__).resolve().parent / "results" / "labels.json"
UNITS = ["1 cup", "2 tablespoons", "1/2 teaspoon", "1 (14.5 ounce) can", "3", "1 pound", "2 large"]
NOTES = ["", "", "", ", chopped", ", minced", ", to taste", ", cut into 1-inch pieces", ", divided"]
MODIFIERS = ["", "", "fresh ", "chopped ", "organic ", "frozen ", "shredded "]


def write_extract(path: Path, n_recipes: int, per_recipe: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    entries = sorted(base_table().entries)
    names = rng.sample(entries, min(18_000, len(entries)))
    names += [f"mystery ingredient {i}" for i in range(2_000)]  # unknown to the table
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["recipe_id", "title", "ingredients"])
        for r in range(n_recipes):
            lines = [
                f"{rng.choice(UNITS)} {rng.choice(MODIFIERS)}{rng.choice(names)}{rng.choice(NOTES)}"
                for _ in range(per_recipe)
            ]
            writer.writerow([f"R{r}", f"Recipe {r}", "|".join(lines)])


def read(path: Path) -> list[list[str]]:
    frame = pd.read_csv(path, dtype=str, na_filter=False)
    return [[item.strip() for item in cell.split("|")] for cell in frame["ingredients"]]


def read_and_label(path: Path, table: Table) -> int:
    _parse_line.cache_clear()
    labelled = 0
    for lines in read(path):
        labelled += bool(label_recipe(lines, None, table).labels)
    return labelled


def best_of(runs: int, fn):
    times = []
    for _ in range(runs):
        started = time.process_time()  # CPU time: the shared machine's load does not count
        value = fn()
        times.append(time.process_time() - started)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 recipes instead of 100,000")
    args = parser.parse_args()
    n_recipes, per_recipe = (10_000 if args.quick else 100_000), 10
    started = time.perf_counter()
    base = base_table()
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "recipes.csv"
        write_extract(path, n_recipes, per_recipe)
        read_s, _ = best_of(3, lambda: read(path))
        label_s, labelled = best_of(3, lambda: read_and_label(path, Table(base.entries)))
    ratio = label_s / read_s
    result = {
        "recipes": n_recipes,
        "lines_per_recipe": per_recipe,
        "table_entries": len(base),
        "table_load_seconds": round(load_s, 3),
        "read_seconds": round(read_s, 3),
        "read_and_label_seconds": round(label_s, 3),
        "ratio_to_read": round(ratio, 2),
        "microseconds_per_line": round((label_s - read_s) / (n_recipes * per_recipe) * 1e6, 2),
        "recipes_with_a_label": labelled,
        "quick": args.quick,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"diet labels, {n_recipes:,} recipes x {per_recipe} lines ({len(base):,} table entries)")
    print(f"{'step':<28}{'seconds':>10}{'ratio':>8}")
    print(f"{'read the file':<28}{read_s:>10.3f}{1.0:>8.1f}")
    print(f"{'read + parse + label':<28}{label_s:>10.3f}{ratio:>8.1f}")
    print(
        f"{result['microseconds_per_line']} us a line; table loaded in {load_s:.2f} s; "
        f"written to {RESULTS}"
    )


if __name__ == "__main__":
    main()
