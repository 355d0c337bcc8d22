"""The demo world: generated files (a pure function of the seed) and `manage.py demo`."""

import csv
import gzip
import io
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import RequestFactory
from django.utils import timezone

from pilot.batches import current_week
from pilot.demo import SIZES, generate
from pilot.demo.catalog import CUISINES, table_additions
from pilot.demo.generate import DEFAULT_END, table_knows
from pilot.demo.versions import ALS_PARAMS
from pilot.demo.world import ANALYST_USERNAME, STAFF_USERNAME, STUDY_KEY, demo_password
from pilot.ingredients import derive_diet_labels, lookup
from pilot.models import (
    Extract,
    Identity,
    Interaction,
    ModelVersion,
    Participant,
    Person,
    Rating,
    Recipe,
    Recommendation,
    Study,
)
from pilot.models.catalog import DIET_LABELS

LONDON = ZoneInfo("Europe/London")


def read(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return generate(0, tmp_path_factory.mktemp("seed0"))


@pytest.fixture(scope="module")
def world(files):
    """The four files, parsed: recipes by id, people by id, identity rows, interaction rows."""
    recipes = {r["recipe_id"]: r for r in read(files["recipes"])}
    for r in recipes.values():
        r["ingredient_list"] = r["ingredients"].split("|")
        r["tag_list"] = r["tags"].split("|")
        r["label_list"] = r["diet_labels"].split("|") if r["diet_labels"] else []
    people = {p["customer_id"]: p for p in read(files["people"])}
    events = read(files["interactions"])
    for e in events:
        e["local"] = datetime.fromisoformat(e["timestamp"]).astimezone(LONDON)
    return recipes, people, read(files["identities"]), events


def labels_of(recipe):
    """Written labels, or what the import derives when the cell is empty."""
    return recipe["label_list"] or derive_diet_labels(recipe["ingredient_list"])


# --- the files --------------------------------------------------------------------------


def test_it_writes_the_same_bytes_for_the_same_seed_and_other_bytes_for_another(files, tmp_path):
    again = generate(0, tmp_path / "again")
    other = generate(1, tmp_path / "other")
    assert list(again) == ["recipes", "people", "identities", "interactions"]
    for kind, path in files.items():
        assert again[kind].read_bytes() == path.read_bytes(), kind
        assert other[kind].read_bytes() != path.read_bytes(), kind


def test_it_writes_the_extract_formats(files):
    headers = {kind: next(csv.reader(io.StringIO(read_text(path)))) for kind, path in files.items()}
    assert headers == {
        "recipes": ["recipe_id", "title", "ingredients", "tags", "diet_labels", "minutes",
                    "description"],
        "people": ["customer_id", "email", "age_band", "household_size", "region",
                   "restrictions", "liked_cuisines"],
        "identities": ["visitor_id", "customer_id", "linked_at"],
        "interactions": ["visitor_id", "recipe_id", "event", "timestamp", "event_id", "value"],
    }  # fmt: skip
    assert files["interactions"].name.endswith(".csv.gz")


def read_text(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return f.readline()


def test_it_has_enough_recipes_people_and_weeks(world):
    recipes, people, _, events = world
    assert len(recipes) >= 300
    assert len({r["title"] for r in recipes.values()}) == len(recipes)
    assert len(people) >= 200
    days = {e["local"].date() for e in events}
    assert (max(days) - min(days)).days + 1 >= 8 * 7
    assert max(days) <= DEFAULT_END
    assert 30_000 <= len(events) <= 80_000
    assert Counter(e["event"] for e in events).keys() == {"view", "save", "cook", "rate"}
    assert {e["value"] for e in events if e["event"] == "rate"} == {"1", "2", "3", "4", "5"}
    assert {e["value"] for e in events if e["event"] != "rate"} == {""}


def test_recipes_have_ingredients_tags_minutes_and_descriptions(world):
    recipes = world[0]
    tags = Counter(tag for r in recipes.values() for tag in r["tag_list"])
    for r in recipes.values():
        assert len(r["ingredient_list"]) >= 3
        assert sum(t.startswith("cuisine:") for t in r["tag_list"]) == 1
        assert sum(t.startswith("course:") for t in r["tag_list"]) == 1
        assert 5 <= int(r["minutes"]) <= 600
        assert len(r["description"]) > 40
    for holiday in ("christmas", "thanksgiving", "easter", "halloween", "barbecue"):
        assert tags[f"holiday:{holiday}"] >= 5, holiday
    for season in ("spring", "summer", "autumn", "winter"):
        assert tags[f"season:{season}"] >= 5, season
    assert len([t for t in tags if t.startswith("cuisine:")]) >= 10


def test_diet_labels_agree_with_the_ingredient_table(world):
    recipes = world[0]
    written = [r for r in recipes.values() if r["label_list"]]
    left_to_import = [r for r in recipes.values() if not r["label_list"]]
    assert written and left_to_import
    for r in left_to_import:  # the import can derive them: every ingredient is known
        assert table_knows(r["ingredient_list"]), r["title"]
    for r in written:
        assert set(r["label_list"]) <= set(DIET_LABELS)
        if table_knows(r["ingredient_list"]):
            assert r["label_list"] == derive_diet_labels(r["ingredient_list"]), r["title"]
        for ingredient in r["ingredient_list"]:  # the import's cross-check finds no clash
            assert not (lookup(ingredient) or set()) & set(r["label_list"]), (
                r["title"],
                ingredient,
            )


def test_the_product_table_knows_every_demo_ingredient(world):
    """``table_additions()`` lists the demo ingredients the product table lacks: none, so the
    import derives exactly the labels the demo writes, for every recipe."""
    assert table_additions() == []
    for r in world[0].values():
        assert labels_of(r) == derive_diet_labels(r["ingredient_list"]), r["title"]


@pytest.mark.parametrize(
    ("ingredient", "label"),
    [("chicken thighs", "vegetarian"), ("beef mince", "vegetarian"), ("lamb shoulder", "halal"),
     ("prawns", "vegan"), ("bacon", "no_pork"), ("chorizo", "halal"), ("cashews", "nut_free"),
     ("pecans", "nut_free"), ("cheddar", "vegan"), ("butter", "dairy_free"),
     ("spaghetti", "gluten_free"), ("red wine", "halal"), ("parmesan", "vegetarian"),
     ("fish sauce", "vegetarian"), ("gochujang", "gluten_free"), ("marshmallows", "vegan")],
)  # fmt: skip
def test_labels_are_plausible_for_well_known_ingredients(world, ingredient, label):
    matching = [r for r in world[0].values() if ingredient in r["ingredient_list"]]
    assert matching, ingredient
    for r in matching:
        assert label not in labels_of(r), (r["title"], ingredient, label)


def test_people_have_demographics_tastes_and_realistic_restrictions(world):
    people = world[1].values()
    assert all(p["email"].endswith("@example.org") for p in people)
    assert len({p["email"] for p in people}) == len(people)
    assert {p["age_band"] for p in people} <= set(Person.AgeBand.values)
    assert all(1 <= int(p["household_size"]) <= 8 and p["region"] for p in people)
    restrictions = Counter(x for p in people for x in filter(None, p["restrictions"].split("|")))
    assert set(restrictions) == set(DIET_LABELS)
    assert sum(1 for p in people if not p["restrictions"]) > len(people) / 2
    assert sum(1 for p in people if p["liked_cuisines"]) > len(people) * 0.8


def test_visitors_use_several_devices_and_some_never_log_in(world):
    _, people, identities, events = world
    devices = defaultdict(set)
    customers = defaultdict(set)
    for row in identities:
        assert row["customer_id"] in people
        devices[row["customer_id"]].add(row["visitor_id"])
        customers[row["visitor_id"]].add(row["customer_id"])
    assert sum(1 for v in devices.values() if len(v) >= 2) >= 40
    assert sum(1 for c in customers.values() if len(c) >= 2) == 2  # shared tablets: conflicts
    never_linked = {e["visitor_id"] for e in events} - set(customers)
    assert len(never_linked) >= 50
    assert set(people) - set(devices)  # some customers never use the website


def test_weekly_rhythm_sundays_and_mondays_busiest_cooking_on_weekday_evenings(world):
    events = world[3]
    views = Counter(e["local"].weekday() for e in events if e["event"] == "view")
    assert {day for day, _ in views.most_common(2)} == {0, 6}  # Monday, Sunday
    cooks = [e["local"] for e in events if e["event"] == "cook"]
    weekday_evening = [t for t in cooks if t.weekday() < 5 and 17 <= t.hour <= 20]
    assert len(weekday_evening) > 0.6 * len(cooks)


def weekly_share(world, tag):
    recipes, events = world[0], world[3]
    total, tagged = Counter(), Counter()
    start = min(e["local"].date() for e in events)
    for e in events:
        week = (e["local"].date() - start).days // 7
        total[week] += 1
        tagged[week] += tag in recipes[e["recipe_id"]]["tag_list"]
    return [tagged[w] / total[w] for w in sorted(total)]


def test_seasonal_and_holiday_recipes_peak_in_their_season(world):
    start = DEFAULT_END - timedelta(weeks=12) + timedelta(days=1)
    halloween = weekly_share(world, "holiday:halloween")
    halloween_week = (date(2026, 10, 31) - start).days // 7
    assert halloween.index(max(halloween)) in (halloween_week - 1, halloween_week)
    assert max(halloween) > 10 * halloween[0]
    summer = weekly_share(world, "season:summer")
    assert sum(summer[:2]) > 2 * sum(summer[-2:])
    christmas = weekly_share(world, "holiday:christmas")
    assert sum(christmas[-2:]) > 3 * sum(christmas[:2])
    easter = weekly_share(world, "holiday:easter")
    assert max(easter) < 0.01  # out of season all autumn


def test_tastes_follow_restrictions_and_liked_cuisines(world):
    recipes, people, identities, events = world
    owner = {}
    for row in identities:
        owner.setdefault(row["visitor_id"], set()).add(row["customer_id"])
    owner = {v: next(iter(c)) for v, c in owner.items() if len(c) == 1}
    by_event = defaultdict(lambda: [0, 0])  # event -> [vegetarian's events, on meat/fish]
    liked = [0, 0.0]  # views of liked cuisines: seen, expected if people ignored tastes
    share = {c: sum(r["tag_list"][0] == f"cuisine:{c}" for r in recipes.values()) / len(recipes)
             for c in CUISINES}  # fmt: skip
    for e in events:
        person = people.get(owner.get(e["visitor_id"]))
        if person is None:
            continue
        recipe = recipes[e["recipe_id"]]
        if "vegetarian" in person["restrictions"].split("|"):
            by_event[e["event"]][0] += 1
            by_event[e["event"]][1] += "vegetarian" not in labels_of(recipe)
        if e["event"] == "view" and person["liked_cuisines"]:
            cuisines = person["liked_cuisines"].split("|")
            liked[0] += recipe["tag_list"][0].split(":")[1] in cuisines
            liked[1] += sum(share[c] for c in cuisines)
    assert by_event["view"][1] < 0.1 * by_event["view"][0]
    for event in ("save", "cook", "rate"):
        assert by_event[event][0] > 0 and by_event[event][1] == 0, event
    assert liked[0] > 2 * liked[1]


def test_it_has_a_gap_day_and_a_resent_evening(world):
    events = world[3]
    days = {datetime.fromisoformat(e["timestamp"]).date() for e in events}
    every = {min(days) + timedelta(days=i) for i in range((max(days) - min(days)).days + 1)}
    assert len(every - days) == 1
    ids = Counter(e["event_id"] for e in events)
    repeated = {i for i, n in ids.items() if n > 1}
    assert 50 <= len(repeated) < 0.01 * len(events)
    rows = defaultdict(set)
    for e in events:
        if e["event_id"] in repeated:
            rows[e["event_id"]].add((e["visitor_id"], e["recipe_id"], e["event"], e["timestamp"]))
    assert all(len(r) == 1 for r in rows.values())  # true copies, not different events


# --- the command --------------------------------------------------------------------------


def dump():
    """The demo world's contents by natural keys (no primary keys, no creation times)."""
    User = get_user_model()
    return {
        "recipes": list(
            Recipe.objects.order_by("external_id").values_list(
                "external_id", "title", "ingredients", "tags", "diet_labels", "minutes",
                "description", "active",
            )
        ),
        "people": list(
            Person.objects.order_by("customer_id").values_list(
                "customer_id", "email", "age_band", "household_size", "region",
                "liked_cuisines", "restrictions",
            )
        ),
        # A CRM identity's linked_at is when its people extract was imported: left out.
        "identities": [
            (*row, linked_at if source == "web" else None)
            for *row, linked_at in Identity.objects.order_by("source", "external_id").values_list(
                "source", "external_id", "person__customer_id", "status", "linked_at"
            )
            for source in [row[0]]
        ],
        "interactions": list(
            Interaction.objects.order_by("key").values_list(
                "key", "visitor__external_id", "person__customer_id", "recipe__external_id",
                "event", "value", "timestamp",
            )
        ),
        "extracts": sorted(
            Extract.objects.values_list(
                "kind", "name", "checksum", "status", "rows_read", "rows_imported",
                "rows_rejected",
            )
        ),
        "participants": list(
            Participant.objects.order_by("person__customer_id").values_list(
                "study__key", "person__customer_id", "user__username", "arm__name",
                "arm__model_version__name", "consent_at", "active",
            )
        ),
        "studies": list(
            Study.objects.values_list("key", "name", "description", "weekday", "start_date")
        ),
        "versions": list(
            ModelVersion.objects.order_by("name").values_list("name", "algorithm", "params", "note")
        ),
        "users": sorted(
            (u.username, u.email, u.is_staff, tuple(sorted(u.groups.values_list("name", flat=True))))
            for u in User.objects.all()
        ),
    }  # fmt: skip


def run_demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_it_builds_the_small_world_through_the_imports(var_dir):
    output = run_demo("--seed", "5", "--size", "small")

    files = generate(5, var_dir / "check", **SIZES["small"])
    assert (var_dir / "demo" / "5" / "recipes.csv").read_bytes() == files["recipes"].read_bytes()
    assert Recipe.objects.count() == len(read(files["recipes"]))
    assert Person.objects.count() == len(read(files["people"]))
    assert Interaction.objects.count() == len({e["event_id"] for e in read(files["interactions"])})
    assert sorted(Extract.objects.values_list("kind", "status")) == [
        ("identities", "imported"), ("interactions", "imported"),
        ("people", "imported"), ("recipes", "imported"),
    ]  # fmt: skip
    study = Study.objects.get(key=STUDY_KEY)
    assert study.name == "Autumn recipe pilot"
    assert sorted(study.arms.values_list("name", "model_version__algorithm")) == [
        ("als", "als"), ("popularity", "popularity"),
    ]  # fmt: skip
    versions = {v.algorithm: v for v in ModelVersion.objects.all()}
    assert set(versions) == {"als", "popularity"}
    for version in versions.values():  # trained for real on the imported interactions
        assert version.n_events == Interaction.objects.exclude(person=None).count()
        assert Path(version.artifact).is_file() and version.metrics["summary"]["ndcg"]["n"] > 0
    assert versions["als"].params["factors"] == ALS_PARAMS["factors"]
    # Shown as plain text on the pages: no Markdown backticks.
    assert "`" not in study.description
    everyone = list(study.participants.select_related("person", "arm", "user"))
    assert len(everyone) == Person.objects.exclude(email="").count()  # everyone is enrolled
    participants = [p for p in everyone if p.user.username in output]
    assert len(participants) == 5  # the demo pilot users printed with a sign-in link
    assert {p.arm.name for p in participants} == {"als", "popularity"}  # both arms to sign in as
    batches = list(study.batches.order_by("iso_year", "iso_week"))
    assert [b.status for b in batches] == ["closed"] * 4 + ["sent"]  # four past weeks, this one
    assert batches[-1].label == str(current_week(study, timezone.now()))
    answered = [Rating.objects.filter(recommendation__batch=b).count() for b in batches]
    assert all(n > 0 for n in answered[:4]) and answered[4] == 0  # this week is for rating
    for rec in Recommendation.objects.filter(batch__study=study).select_related(
        "recipe", "participant__person"
    ):
        assert set(rec.participant.person.restrictions) <= set(rec.recipe.diet_labels)
    for participant in participants:
        assert participant.arm == study.assign_arm(participant.person)
        assert not participant.user.has_usable_password()
        assert participant.user.username in output
        assert participant.user.signin_links.exists()
    staff_password = demo_password(5, STAFF_USERNAME)
    analyst_password = demo_password(5, ANALYST_USERNAME)
    request = RequestFactory().post("/accounts/login/")  # django-axes needs the request
    staff = authenticate(request, username=STAFF_USERNAME, password=staff_password)
    analyst = authenticate(request, username=ANALYST_USERNAME, password=analyst_password)
    assert staff.is_staff and list(staff.groups.values_list("name", flat=True)) == ["staff"]
    assert not analyst.is_staff
    assert list(analyst.groups.values_list("name", flat=True)) == ["analyst"]
    assert staff_password in output and analyst_password in output
    assert "/accounts/login/" in output and "/signin/" in output


@pytest.mark.django_db
def test_running_it_again_changes_nothing(var_dir):
    run_demo("--seed", "5", "--size", "small")
    before = dump()

    output = run_demo("--seed", "5", "--size", "small")

    assert "already exists" in output
    assert dump() == before


@pytest.mark.django_db
def test_reset_rebuilds_the_same_world_without_duplicates(
    var_dir, django_capture_on_commit_callbacks
):
    run_demo("--seed", "5", "--size", "small")
    before = dump()
    counts = {model: model.objects.count() for model in (Recipe, Person, Identity, Interaction)}
    old_files = {Path(v.artifact) for v in ModelVersion.objects.all()}

    with django_capture_on_commit_callbacks(execute=True):
        run_demo("--seed", "5", "--size", "small", "--reset")

    assert dump() == before
    new_files = {Path(v.artifact) for v in ModelVersion.objects.all()}
    assert all(f.is_file() for f in new_files)
    assert not any(f.exists() for f in old_files - new_files)  # the old versions' files went
    assert {model: model.objects.count() for model in counts} == counts
    assert Extract.objects.count() == 4


@pytest.mark.django_db
def test_reset_keeps_other_users_and_deletes_the_demo_accounts(var_dir):
    User = get_user_model()
    User.objects.create_user("someone-else", password="pw-for-tests-1")
    run_demo("--seed", "5", "--size", "small")
    enrolled = Participant.objects.count()
    assert User.objects.filter(username__startswith="pilot-").count() == enrolled

    run_demo("--seed", "6", "--size", "small", "--reset")

    assert User.objects.filter(username="someone-else").exists()
    assert User.objects.filter(username__startswith="pilot-").count() == Participant.objects.count()
    assert Study.objects.get().description.endswith("--seed 6 --size small.")


@pytest.mark.django_db
def test_another_seed_without_reset_is_refused(var_dir):
    run_demo("--seed", "5", "--size", "small")
    before = dump()

    with pytest.raises(CommandError, match="--reset"):
        run_demo("--seed", "7", "--size", "small")

    assert dump() == before


@pytest.mark.django_db
def test_it_refuses_to_mix_the_demo_with_real_data(var_dir):
    Recipe.objects.create(external_id="REAL1", title="A real recipe")

    with pytest.raises(CommandError, match="not a demo world"):
        run_demo("--size", "small")

    assert list(Recipe.objects.values_list("external_id", flat=True)) == ["REAL1"]
    output = run_demo("--size", "small", "--if-empty")  # what `make run` uses: no error
    assert "No demo world loaded" in output
    assert list(Recipe.objects.values_list("external_id", flat=True)) == ["REAL1"]


@pytest.mark.django_db
def test_it_builds_the_full_world_and_rebuilds_it_identically(var_dir):
    output = run_demo()
    assert "Demo world built from seed 0 (full)" in output
    before = dump()
    run_demo("--reset")
    assert dump() == before

    assert Recipe.objects.count() >= 300
    assert Person.objects.count() >= 200
    assert 30_000 <= Interaction.objects.count() <= 80_000
    first, last = (Interaction.objects.order_by(f).values_list("timestamp", flat=True)[0]
                   for f in ("timestamp", "-timestamp"))  # fmt: skip
    assert (last - first).days >= 8 * 7
    resolved = Interaction.objects.exclude(person=None).count() / Interaction.objects.count()
    assert 0.7 < resolved < 0.99
    web = Identity.objects.filter(source=Identity.Source.WEB)
    assert web.filter(status=Identity.Status.UNRESOLVED).count() >= 50
    assert web.filter(status=Identity.Status.CONFLICT).count() == 2
    multi = web.exclude(person=None).values("person").annotate(n=Count("pk")).filter(n__gte=2)
    assert multi.count() >= 40
    labels = Recipe.objects.values_list("diet_labels", flat=True)
    assert sum("vegetarian" in x for x in labels) > 50

    # docs/demo.md "A recipe the demo never recommends"
    from pilot.models import Recommendation
    from pilot.recipe_report import recipe_report

    eggs = Recipe.objects.get(title="Devilled eggs")
    assert eggs.external_id == "R0184"
    assert not Recommendation.objects.filter(recipe=eggs).exists()
    sentence = recipe_report(eggs, today=date(2026, 12, 2)).sentence
    assert sentence.startswith("Never recommended: cold (0 interactions against a catalog median")
    assert "out of season in every pilot week (season:spring, holiday:easter)" in sentence
    assert "unknown to als-demo, popularity-demo" in sentence


@pytest.mark.django_db
def test_a_clock_before_the_demo_data_is_refused_with_a_clear_message(var_dir):
    with time_machine.travel(datetime(2026, 11, 1, 12, 0, tzinfo=LONDON), tick=False):
        with pytest.raises(CommandError, match="clock"):
            run_demo("--size", "small")

    assert not Recipe.objects.exists() and not Extract.objects.exists()


@pytest.mark.django_db
def test_the_data_page_and_the_extract_report_give_one_resolved_figure(var_dir, client):
    """The demo re-sends one evening (duplicate rows): the report counted those file rows
    as resolved, though they were never inserted; now both count the stored interactions."""
    from pilot.access import STAFF_GROUP
    from pilot.ingest.quality import identity_report
    from tests.conftest import make_user

    run_demo("--seed", "5", "--size", "small")
    extract = Extract.objects.get(kind="interactions")
    assert extract.rows_rejected > 0  # the resent evening is there
    reported = extract.report["counts"]["rows resolved to a person"]
    report = identity_report()
    assert reported == report.resolved_interactions
    assert report.resolved_interactions == Interaction.objects.filter(person__isnull=False).count()
    client.force_login(make_user("staffer", groups=[STAFF_GROUP]))
    page = client.get("/staff/data/").content.decode()
    assert f"Resolved share: {reported} of {Interaction.objects.count()} interactions" in page
