"""``manage.py import_extract``: the report on stdout, exit status 1 when nothing was imported."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pilot.models import Interaction, Recipe

from .conftest import RECIPES, interactions_csv, write

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    out = StringIO()
    call_command("import_extract", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_report(folder):
    out = run("recipes", str(write(folder, "recipes.csv", RECIPES)))
    assert out.splitlines()[0] == (
        "recipes extract recipes.csv: IMPORTED - 3 rows read, 3 imported, 0 rejected"
    )
    assert "  created: 3" in out
    assert Recipe.objects.count() == 3


def test_it_fails_when_nothing_was_imported(folder, catalog):
    path = write(folder, "i.csv", interactions_csv(["V1,R404,view,2026-01-01T10:00:00Z,,"]))
    with pytest.raises(CommandError, match=r"1 of 1 rows rejected \(100.0%\)"):
        run("interactions", str(path))
    assert Interaction.objects.count() == 0


def test_it_says_when_a_file_was_already_imported(folder):
    path = str(write(folder, "recipes.csv", RECIPES))
    run("recipes", path)
    out = run("recipes", path)
    (line,) = out.strip().splitlines()  # only that: not the earlier extract's report
    assert "already imported as extract #" in line and "nothing changed" in line
    assert "/staff/data/extracts/" in line


def test_a_dry_run_writes_nothing(folder):
    out = run("recipes", str(write(folder, "recipes.csv", RECIPES)), "--dry-run")
    assert out.startswith("DRY RUN: nothing written.")
    assert Recipe.objects.count() == 0


def test_the_exit_status_of_the_real_command(tmp_path):
    """Run manage.py in a subprocess on its own SQLite database."""
    env = {"DEBUG": "1", "VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    empty = write(tmp_path, "empty.csv", "")
    bad = subprocess.run(
        [*manage, "import_extract", "recipes", str(empty)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert "empty.csv: empty file (0 bytes)" in bad.stderr
    good = subprocess.run(
        [*manage, "import_extract", "recipes", str(write(tmp_path, "r.csv", RECIPES))],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert good.returncode == 0, good.stderr
    assert "IMPORTED - 3 rows read, 3 imported" in good.stdout


def test_the_reject_share_can_be_set_per_run(folder, catalog):
    rows = ["V1,R1,view,2026-01-01T10:00:00Z,E1,", "V2,R404,view,2026-01-01T10:00:00Z,E2,"]
    path = str(write(folder, "i.csv", interactions_csv(rows)))
    with pytest.raises(CommandError, match=r"1 of 2 rows rejected \(50.0%\)"):
        run("interactions", path)
    assert Interaction.objects.count() == 0
    out = run("interactions", path, "--max-reject-share", "0.5")
    assert "IMPORTED - 2 rows read, 1 imported, 1 rejected" in out
    assert Interaction.objects.count() == 1


@pytest.mark.parametrize("value", ["1.5", "-0.1", "half"])
def test_it_refuses_a_reject_share_outside_0_to_1(folder, value):
    with pytest.raises(CommandError, match="--max-reject-share"):
        run("recipes", str(write(folder, "recipes.csv", RECIPES)), "--max-reject-share", value)
