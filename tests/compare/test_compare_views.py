"""The comparison pages and the version page's "add one column" form, as a person uses them:
Django's test client, jobs run synchronously (JOBS_SYNC), numbers recomputed here."""

import csv
import html
import io
import json
import re

import pytest
from django.urls import reverse

from pilot import comparisons, training
from pilot.models import Comparison, Job, ModelVersion
from tests.compare.conftest import differs_in_exactly_one_feature
from tests.compare.test_comparisons import jaccard, rbo


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def compared(parent, variant):
    return comparisons.compare_versions(parent, variant)


def figures(text: str) -> list[dict]:
    return [json.loads(html.unescape(m)) for m in re.findall(r'data-plotly-figure="([^"]*)"', text)]


def rows_of(response) -> list[dict]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_the_version_page_offers_the_columns_present_to_add_and_its_features_to_remove(
    staff, parent
):
    page = staff.get(reverse("version-detail", args=[parent.pk]))

    text = page.content.decode()
    choices = dict(page.context["variant_form"].fields["change"].choices)
    present = set(training.columns_in_data())
    assert {c.partition(":")[2] for c in choices if c.startswith("add:")} == present - {
        "item:cuisine"
    }
    assert [c for c in choices if c.startswith("remove:")] == ["remove:item:cuisine"]
    assert choices["add:user:region"] == "Add the people column region"
    assert reverse("version-variant", args=[parent.pk]) in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert f"{reverse('comparison-pick')}" in text  # compare with another version


def test_adding_a_column_from_the_page_trains_the_variant_then_opens_the_comparison(staff, parent):
    response = staff.post(
        reverse("version-variant", args=[parent.pk]), {"change": "add:user:region", "name": ""}
    )

    assert response.status_code == 302 and "/staff/compare/runs/" in response["Location"]
    variant = ModelVersion.objects.exclude(pk=parent.pk).get()
    differs_in_exactly_one_feature(parent, variant, "user:region")
    comparison = Comparison.objects.get()
    assert (comparison.version_a, comparison.version_b) == (parent, variant)
    assert Job.objects.get().state == Job.State.DONE
    run = staff.get(response["Location"])
    assert run.status_code == 302 and run["Location"] == reverse(
        "comparison-detail", args=[comparison.pk]
    )
    page = staff.get(run["Location"])
    text = page.content.decode()
    assert html.escape(comparison.sentence) in text
    assert f"{variant.name} adds the people column region to {parent.name}" in text
    status = staff.get(reverse("comparison-run-status", args=[response["Location"].split("/")[-2]]))
    assert status.json()["comparison_id"] == comparison.pk and status.json()["done"]
    jobs = staff.get(reverse("staff-jobs")).content.decode()
    assert reverse("comparison-detail", args=[comparison.pk]) in jobs  # the job links to it
    # the parent's page now links to its comparison and its variant
    parent_page = staff.get(reverse("version-detail", args=[parent.pk])).content.decode()
    assert reverse("comparison-detail", args=[comparison.pk]) in parent_page
    assert reverse("version-detail", args=[variant.pk]) in parent_page


def test_a_refused_change_goes_back_to_the_version_page_with_the_reason(staff, parent):
    response = staff.post(
        reverse("version-variant", args=[parent.pk]), {"change": "add:item:cuisine"}, follow=True
    )
    assert ModelVersion.objects.count() == 1 and not Job.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_the_comparison_page_draws_figures_from_the_same_numbers_as_the_lists(
    staff, parent, variant, compared
):
    page = staff.get(reverse("comparison-detail", args=[compared.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    drawn = figures(text)
    assert len(drawn) == 3  # deltas, overlap, segments (no pilot)
    a, b = training.holdout_people(parent), training.holdout_people(variant)
    users = [u for u in a if u in b]

    deltas = drawn[0]["data"][0]
    ndcg = [(b[u]["ndcg"] - a[u]["ndcg"]) for u in users]
    position = deltas["x"].index("NDCG@10")
    assert deltas["y"][position] == pytest.approx(sum(ndcg) / len(ndcg), abs=1e-4)

    jaccard_bars, rbo_bars = drawn[1]["data"]
    for bars, measure in ((jaccard_bars, jaccard), (rbo_bars, rbo)):
        by_hand = [0] * comparisons.BINS
        for u in users:
            value = measure(a[u]["recommended"], b[u]["recommended"])
            by_hand[min(int(value * comparisons.BINS + 1e-9), comparisons.BINS - 1)] += 1
        assert bars["y"] == by_hand

    segments = drawn[2]["data"][0]
    wales = [u for u in users if u in {p.customer_id for p in _people("Wales")}]
    delta = sum(b[u]["ndcg"] - a[u]["ndcg"] for u in wales) / len(wales)
    assert segments["y"][segments["x"].index("region=Wales")] == pytest.approx(delta, abs=1e-4)

    # the most-changed people: pseudonyms and titles, never customer ids
    assert not any(re.search(rf"\b{u}\b", text) for u in users)
    first = compared.result["most_changed"][0]
    assert first["person"] in text and html.escape(first["list_b"][0]["title"]) in text
    top = first["list_b"][0]
    assert f'href="/dashboard/recipes/{top["item"]}/">{html.escape(top["title"])}</a>' in text
    assert "No study had both versions in its arms" in text
    for url in ("version-detail",):
        assert reverse(url, args=[parent.pk]) in text and reverse(url, args=[variant.pk]) in text


def _people(region):
    from pilot.models import Person

    return Person.objects.filter(region=region)


def test_each_table_downloads_as_csv_with_the_pages_numbers(staff, parent, variant, compared):
    overlap = rows_of(staff.get(reverse("comparison-csv", args=[compared.pk, "overlap"])))
    assert [int(r["jaccard_people"]) for r in overlap] == compared.result["overlap"][
        "jaccard_counts"
    ]
    deltas = {r["metric"]: r for r in rows_of(
        staff.get(reverse("comparison-csv", args=[compared.pk, "deltas"])))}  # fmt: skip
    for row in compared.result["deltas"]:
        assert float(deltas[row["metric"]]["delta"]) == pytest.approx(row["delta"], abs=1e-4)
    people = rows_of(staff.get(reverse("comparison-csv", args=[compared.pk, "most-changed"])))
    shown = compared.result["most_changed"]
    assert len(people) == sum(max(len(p["list_a"]), len(p["list_b"])) for p in shown)
    assert {r["person"] for r in people} == {p["person"] for p in shown}
    assert all(r["person"].startswith("p-") for r in people)
    missing = staff.get(reverse("comparison-csv", args=[compared.pk, "nope"]))
    assert missing.status_code == 404


def test_picking_two_versions_computes_once_then_opens_the_stored_comparison(
    staff, parent, variant
):
    query = {"a": parent.pk, "b": variant.pk}
    page = staff.get(reverse("comparison-pick"), query)
    assert page.status_code == 200 and "Not compared yet" in page.content.decode()

    started = staff.post(reverse("comparison-start"), query)
    assert started.status_code == 302
    comparison = Comparison.objects.get()
    assert staff.get(started["Location"])["Location"] == reverse(
        "comparison-detail", args=[comparison.pk]
    )
    again = staff.get(reverse("comparison-pick"), query)
    assert again.status_code == 302 and again["Location"] == reverse(
        "comparison-detail", args=[comparison.pk]
    )
    same = staff.post(reverse("comparison-start"), {"a": parent.pk, "b": parent.pk})
    assert same.status_code == 400 and "two different versions" in same.content.decode()


def test_a_comparison_that_cannot_be_made_says_why_on_the_run_page(staff, parent):
    bare = ModelVersion.objects.create(name="bare", algorithm="als", holdout_cutoff=None)
    token = comparisons.new_run("Comparing", spec={})
    from pilot.jobs import compare_versions_job, enqueue

    enqueue(compare_versions_job, parent.pk, bare.pk, token)
    page = staff.get(reverse("comparison-run", args=[token]))
    assert page.status_code == 200 and "never trained here" in page.content.decode()


def test_analysts_read_comparisons_but_cannot_train_variants(
    client, analyst_user, participant, parent, variant, compared
):
    urls = [
        reverse("comparison-pick"),
        reverse("comparison-detail", args=[compared.pk]),
        reverse("comparison-csv", args=[compared.pk, "deltas"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    post = client.post(reverse("comparison-start"), {"a": parent.pk, "b": variant.pk})
    assert post.status_code == 302 and "/accounts/login/" in post["Location"]

    client.force_login(participant.user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("comparison-start"), {"a": 1, "b": 2}).status_code == 403

    client.force_login(analyst_user)
    before = ModelVersion.objects.count()
    for url in urls:
        assert client.get(url).status_code == 200
    variant_url = reverse("version-variant", args=[parent.pk])
    assert client.post(variant_url, {"change": "add:user:age_band"}).status_code == 403
    assert ModelVersion.objects.count() == before
