"""The cycle's commands: create_study, enroll, run_batch, preview, remind, close_batch, export."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilot.exports import pseudonym
from pilot.models import Message, Participant, Rating, Recommendation, Study


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def created(versions):
    als, pop = versions
    out = run(
        "create_study", "cli-study", "--name", "CLI study", "--arm", f"als:{als.pk}:4",
        "--arm", f"pop:{pop.pk}:6:2", "--weekday", "wed", "--time", "18:30",
        "--tz", "Europe/Amsterdam", "--window-days", "5", "--remind-after-days", "2",
    )  # fmt: skip
    return Study.objects.get(key="cli-study"), out


def test_it_creates_a_study_and_prints_its_id_last(created):
    study, out = created
    assert out.strip().splitlines()[-1] == str(study.pk)
    assert (study.weekday, study.send_time.strftime("%H:%M"), study.timezone) == (
        2, "18:30", "Europe/Amsterdam"
    )  # fmt: skip
    assert sorted(study.arms.values_list("name", "batch_size", "weight")) == [
        ("als", 4, 1.0), ("pop", 6, 2.0)
    ]  # fmt: skip


def test_it_refuses_bad_arms_clearly(versions):
    with pytest.raises(CommandError, match="LABEL:VERSION_ID:K"):
        run("create_study", "x", "--arm", "als")
    with pytest.raises(CommandError, match="weekday 'someday'"):
        run("create_study", "x", "--arm", f"a:{versions[0].pk}:5", "--weekday", "someday")
    assert not Study.objects.exists()


def test_it_enrols_all_or_a_list(created, tmp_path):
    study, _ = created
    listing = tmp_path / "people.csv"
    listing.write_text("customer_id\nK-0001\nK-0002\nNOBODY\n")
    out = run("enroll", "cli-study", "--customers", str(listing), "--dry-run")
    assert "would enrol 2" in out and "NOBODY" in out
    assert not Participant.objects.exists()
    run("enroll", "cli-study", "--customers", str(listing))
    assert Participant.objects.count() == 2
    out = run("enroll", "cli-study", "--all")
    assert "enrolled 38 new" in out and "2 already enrolled" in out
    with pytest.raises(CommandError, match="no study 'nope'"):
        run("enroll", "nope", "--all")


def test_it_runs_a_batch_twice_sending_once_then_reminds_closes_and_exports(
    created, smtp, tmp_path
):
    study, _ = created
    run("enroll", "cli-study", "--all")
    first = run("run_batch", "cli-study", "--week", "2026-W49")
    assert "sent 40 messages" in first
    second = run("run_batch", "cli-study", "--week", "2026-W49")
    assert "sent 0 messages" in second and "40 sent before" in second
    assert len(smtp.messages) == 40 == Message.objects.count()

    rec = Recommendation.objects.order_by("pk").first()
    Rating.objects.create(recommendation=rec, stars=5, would_cook="yes", comment="=SUM(A1)")
    assert "sent 40 reminders" in run("remind", "cli-study", "--week", "2026-W49")
    assert "closed" in run("close_batch", "cli-study", "--week", "2026-W49")
    with pytest.raises(CommandError, match="closed"):
        run("run_batch", "cli-study", "--week", "2026-W49")

    out = tmp_path / "recs.csv"
    run("export", "cli-study", "recommendations", "--out", str(out))
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == Recommendation.objects.count()
    first_row = next(r for r in rows if r["stars"])
    assert first_row["recipe_id"] == rec.recipe.external_id
    assert first_row["participant"] == pseudonym("cli-study", rec.participant.person.customer_id)
    assert first_row["comment"] == "'=SUM(A1)"
    assert "customer_id" not in rows[0] and "K-" not in out.read_text()
    sent = {(r.participant.person.customer_id, r.rank, r.recipe.external_id)
            for r in Recommendation.objects.select_related("participant__person", "recipe")}  # fmt: skip
    by_pseudonym = {pseudonym("cli-study", c): c for c, _, _ in sent}
    assert {(by_pseudonym[r["participant"]], int(r["rank"]), r["recipe_id"]) for r in rows} == sent
    pii = tmp_path / "pii.csv"
    run("export", "cli-study", "participants", "--out", str(pii), "--with-pii")
    assert "customer_id" in pii.read_text().splitlines()[0]


def test_it_previews_one_person(created):
    out = run("preview", "cli-study", "--person", "K-0010")
    assert "K-0010 in cli-study" in out and "not enrolled" in out
    assert len([line for line in out.splitlines() if line.strip()[:2].rstrip(".").isdigit()]) >= 1
    with pytest.raises(CommandError, match="no person"):
        run("preview", "cli-study", "--person", "ZZZ")
