"""``python manage.py report STUDY --out FILE``: writes the file atomically, clear errors."""

import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_it_writes_the_report(rated_study, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("an older report")
    call_command("report", rated_study.key, "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and rated_study.name in text
    assert [n for n in os.listdir(tmp_path) if "report" in n] == [
        "report.html"
    ]  # no temporary file left behind


def test_it_names_an_unknown_study(rated_study, tmp_path):
    with pytest.raises(CommandError, match=r"no study 'nope' \(studies: cycle-test\)"):
        call_command("report", "nope", "--out", str(tmp_path / "r.html"))


def test_it_names_a_path_it_cannot_write(rated_study, tmp_path):
    with pytest.raises(CommandError, match="folder .*missing does not exist"):
        call_command("report", rated_study.key, "--out", str(tmp_path / "missing" / "r.html"))
    with pytest.raises(CommandError, match="is a folder"):
        call_command("report", rated_study.key, "--out", str(tmp_path))


def test_it_names_a_folder_it_may_not_write_in(rated_study, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        # An ordinary user is stopped by the folder's mode; root (who may write anywhere, as
        # in CI) by a folder no one may create files in.
        place = locked if not os.access(locked, os.W_OK) else Path("/sys")
        with pytest.raises(
            CommandError, match=f"cannot write {place}/r.html: .*(not writable|Permission denied)"
        ):
            call_command("report", rated_study.key, "--out", str(place / "r.html"))
    finally:
        locked.chmod(0o700)


def test_a_failed_write_leaves_the_old_file(rated_study, tmp_path, monkeypatch):
    out = tmp_path / "report.html"
    out.write_text("the previous report")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pilot.report.os.replace", refuse)
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("report", rated_study.key, "--out", str(out))
    assert out.read_text() == "the previous report"
    assert [n for n in os.listdir(tmp_path) if "report" in n] == ["report.html"]
