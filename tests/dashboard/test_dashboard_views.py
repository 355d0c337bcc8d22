"""The dashboard's pages and CSVs, each number recomputed from the rows with plain loops."""

import csv
import io
from collections import Counter, defaultdict

import pytest
from scipy import stats as st

from pilot.access import ANALYST_GROUP, STAFF_GROUP
from pilot.exports import pseudonym
from pilot.models import QuestionnaireAnswer, Rating, Recipe, Recommendation
from tests.conftest import make_user

PAGES = ("overview", "offline", "how-many", "seasonality", "segments", "feedback", "how-long")


@pytest.fixture
def analyst(db):
    return make_user("ana-dash", groups=[ANALYST_GROUP])


def get_csv(client, study, page, section, query=""):
    response = client.get(f"/dashboard/{study.key}/{page}/{section}.csv{query}")
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def rows_by_arm_week(study):
    """(arm, week) -> recommendations of that arm and week, with their rating or None."""
    out = defaultdict(list)
    for rec in Recommendation.objects.filter(batch__study=study).select_related(
        "participant__arm", "batch"
    ):
        rating = Rating.objects.filter(recommendation=rec).first()
        out[(rec.participant.arm.name, rec.batch.label)].append((rec, rating))
    return out


def test_it_refuses_anonymous_and_pilot_users(client, rated_study):
    pilot_user = rated_study.participants.first().user
    urls = (
        ["/dashboard/", f"/dashboard/{rated_study.key}/"]
        + [f"/dashboard/{rated_study.key}/{page}/" for page in PAGES]
        + [f"/dashboard/{rated_study.key}/overview/weeks.csv"]
    )
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    client.force_login(pilot_user)
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_it_serves_every_page_to_analysts_and_staff(client, rated_study, analyst):
    staff = make_user("stella-dash", groups=[STAFF_GROUP], is_staff=True)
    for user in (analyst, staff):
        client.force_login(user)
        for page in PAGES:
            response = client.get(f"/dashboard/{rated_study.key}/{page}/")
            assert response.status_code == 200, page
            assert b"plotly.min.js" in response.content
            assert b"Download CSV" in response.content
    assert client.get(f"/dashboard/{rated_study.key}/nope/").status_code == 404
    assert client.get(f"/dashboard/{rated_study.key}/overview/nope.csv").status_code == 404


def test_it_agrees_with_the_rows_on_the_overview_csv(client, rated_study, analyst):
    client.force_login(analyst)
    got = get_csv(client, rated_study, "overview", "weeks")
    required = {"arm", "week", "participants", "responders", "ratings", "mean_stars",
                "stars_ci_low", "stars_ci_high", "liked_share", "would_cook_yes_share"}  # fmt: skip
    assert required <= set(got[0])
    expected = rows_by_arm_week(rated_study)
    assert {(r["arm"], r["week"]) for r in got} == set(expected)
    for row in got:
        items = expected[(row["arm"], row["week"])]
        rated = [(rec, r) for rec, r in items if r is not None]
        assert int(row["participants"]) == len({rec.participant_id for rec, _ in items})
        assert int(row["responders"]) == len({rec.participant_id for rec, _ in rated})
        assert int(row["ratings"]) == len(rated)
        mean = sum(r.stars for _, r in rated) / len(rated)
        assert float(row["mean_stars"]) == pytest.approx(mean, abs=1e-4)
        assert float(row["stars_ci_low"]) <= mean <= float(row["stars_ci_high"])
        liked = sum(r.stars >= 4 for _, r in rated) / len(rated)
        assert float(row["liked_share"]) == pytest.approx(liked, abs=1e-4)
        yes = sum(r.would_cook == "yes" for _, r in rated) / len(rated)
        assert float(row["would_cook_yes_share"]) == pytest.approx(yes, abs=1e-4)


def test_it_carries_no_email_name_or_customer_id(client, rated_study, analyst):
    client.force_login(analyst)
    people = [p.person for p in rated_study.participants.select_related("person")]
    for page, section in (("feedback", "texts"), ("offline", "participants"),
                          ("overview", "weeks"), ("segments", "region")):  # fmt: skip
        body = client.get(f"/dashboard/{rated_study.key}/{page}/{section}.csv").content.decode()
        page_body = client.get(f"/dashboard/{rated_study.key}/{page}/").content.decode()
        for person in people:
            for text in (body, page_body):
                assert person.customer_id not in text and person.email not in text
    texts = get_csv(client, rated_study, "feedback", "texts")
    assert {r["participant"] for r in texts} <= {
        pseudonym(rated_study.key, p.customer_id) for p in people
    }


def test_it_sets_offline_metrics_beside_the_pilot(client, rated_study, analyst):
    client.force_login(analyst)
    for i, arm in enumerate(rated_study.arms.order_by("pk")):
        version = arm.model_version
        version.metrics = {"k": 10, "summary": {"ndcg": {"estimate": 0.1 + i, "low": 0, "high": 1},
                           "precision": {"estimate": 0.05}}, "beyond": {"catalog_coverage": 0.4}}  # fmt: skip
        version.save()
    got = {r["arm"]: r for r in get_csv(client, rated_study, "offline", "versions")}
    for arm in rated_study.arms.all():
        ratings = list(Rating.objects.filter(recommendation__participant__arm=arm))
        liked = sum(r.stars >= 4 for r in ratings) / len(ratings)
        assert float(got[arm.name]["liked_at_k"]) == pytest.approx(liked, abs=1e-4)
        assert float(got[arm.name]["offline_catalog_coverage"]) == 0.4
    page = client.get(f"/dashboard/{rated_study.key}/offline/").content.decode()
    assert "too few versions to conclude anything" in page
    beyond = {r["arm"]: r for r in get_csv(client, rated_study, "offline", "beyond")}
    active = Recipe.objects.filter(active=True).count()
    for arm in rated_study.arms.all():
        sent = set(
            Recommendation.objects.filter(participant__arm=arm).values_list("recipe", flat=True)
        )
        assert float(beyond[arm.name]["catalog_coverage"]) == pytest.approx(
            len(sent) / active, abs=1e-4
        )


def test_it_reads_answers_by_rank(client, rated_study, analyst):
    client.force_login(analyst)
    got = {int(r["rank"]): r for r in get_csv(client, rated_study, "how-many", "by-rank")}
    counts, answered = Counter(), Counter()
    for rec in Recommendation.objects.filter(batch__study=rated_study):
        counts[rec.rank] += 1
        answered[rec.rank] += Rating.objects.filter(recommendation=rec).exists()
    for rank, n in counts.items():
        assert int(got[rank]["recommendations"]) == n
        assert float(got[rank]["answer_rate"]) == pytest.approx(answered[rank] / n, abs=1e-4)
    page = client.get(f"/dashboard/{rated_study.key}/how-many/").content.decode()
    assert "Reading the chart:" in page


def test_it_counts_out_of_season_recipes_and_tests_their_ratings(client, rated_study, analyst):
    summer = list(Recipe.objects.order_by("pk")[::3])
    for recipe in summer:
        recipe.tags = [*recipe.tags, "season:summer"]
        recipe.save()
    client.force_login(analyst)
    got = {r["week"]: r for r in get_csv(client, rated_study, "seasonality", "weeks")}
    summer_ids = {r.pk for r in summer}
    christmas = {r.pk for r in Recipe.objects.all() if "holiday:christmas" in r.tags}
    out_stars, in_stars = [], []
    for batch in rated_study.batches.all():  # December: summer is out, Christmas is in
        recs = list(Recommendation.objects.filter(batch=batch))
        out = [r for r in recs if r.recipe_id in summer_ids and r.recipe_id not in christmas]
        assert int(got[batch.label]["out_of_window"]) == len(out)
        assert float(got[batch.label]["out_of_window_share"]) == pytest.approx(
            len(out) / len(recs), abs=1e-4
        )
        for rec in recs:
            rating = Rating.objects.filter(recommendation=rec).first()
            if rating and rec.recipe_id in christmas:
                in_stars.append(rating.stars)
            elif rating and rec.recipe_id in summer_ids:
                out_stars.append(rating.stars)
    page = client.get(f"/dashboard/{rated_study.key}/seasonality/").content.decode()
    assert in_stars and out_stars
    p = st.mannwhitneyu(in_stars, out_stars, method="asymptotic").pvalue
    assert f"p = {p:.3g}" in page
    assert "holiday:christmas" in page


def test_it_filters_every_page_by_segment(client, rated_study, analyst):
    client.force_login(analyst)
    region = rated_study.participants.first().person.region
    got = get_csv(client, rated_study, "overview", "weeks", f"?region={region}")
    for row in got:
        people = {rec.participant_id for rec, _ in rows_by_arm_week(rated_study)[(row["arm"], row["week"])]
                  if rec.participant.person.region == region}  # fmt: skip
        assert int(row["participants"]) == len(people)
    spread = {r["value"]: r for r in get_csv(client, rated_study, "segments", "region")}
    stars = [r.stars for r in Rating.objects.filter(recommendation__participant__person__region=region,
                                                    recommendation__batch__study=rated_study)]  # fmt: skip
    assert float(spread[region]["mean_stars"]) == pytest.approx(sum(stars) / len(stars), abs=1e-4)
    for page in PAGES:
        assert (
            client.get(f"/dashboard/{rated_study.key}/{page}/?region={region}").status_code == 200
        )


def test_it_lists_and_counts_the_feedback(client, rated_study, analyst):
    client.force_login(analyst)
    texts = get_csv(client, rated_study, "feedback", "texts")
    comments = Rating.objects.filter(recommendation__batch__study=rated_study).exclude(comment="")
    assert sum(r["kind"] == "comment" for r in texts) == comments.count()
    spicy = get_csv(client, rated_study, "feedback", "texts", "?q=spicy")
    assert len(spicy) == sum("spicy" in r.comment for r in comments)
    terms = get_csv(client, rated_study, "feedback", "terms")
    for arm in rated_study.arms.all():
        lovely = sum(
            r.comment.count("lovely") for r in comments if r.recommendation.participant.arm == arm
        )
        lovely += sum(
            a.free_text.count("lovely")
            for a in QuestionnaireAnswer.objects.filter(participant__arm=arm)
        )
        row = [t for t in terms if t["arm"] == arm.name and t["term"] == "lovely"]
        assert int(row[0]["count"]) == lovely
        assert not [t for t in terms if t["term"] in ("and", "for", "too")]


def test_it_says_how_long_to_run(client, rated_study, analyst):
    client.force_login(analyst)
    first = get_csv(client, rated_study, "how-long", "mde")
    stars = next(r for r in first if r["metric"] == "mean stars")
    mde = float(stars["mde_80"])
    assert 0 < mde < 4 and int(stars["weeks_run"]) == 2
    at_mde = get_csv(client, rated_study, "how-long", "mde", f"?effect_stars={mde}")
    assert next(r for r in at_mde if r["metric"] == "mean stars")["weeks_needed"] in ("2", "3")
    small = get_csv(client, rated_study, "how-long", "mde", f"?effect_stars={mde / 1.5}")
    need = next(r for r in small if r["metric"] == "mean stars")["weeks_needed"]
    assert need.startswith("never") or int(need) > 2


def test_it_says_where_each_study_stands(client, rated_study, analyst):
    client.force_login(analyst)
    page = client.get("/dashboard/").content.decode()
    lists, answered = set(), set()
    for rec in Recommendation.objects.filter(batch__study=rated_study):
        lists.add((rec.participant_id, rec.batch_id))
        if Rating.objects.filter(recommendation=rec).exists():
            answered.add((rec.participant_id, rec.batch_id))
    assert "2 weeks run (2026-W49 to 2026-W50)." in page
    assert f"({len(answered)} of {len(lists)} weekly lists answered)" in page
    assert "Leading arm:" in page


def test_it_builds_a_page_afresh_when_a_rating_changes(client, rated_study, analyst):
    client.force_login(analyst)
    before = get_csv(client, rated_study, "overview", "weeks")
    rating = Rating.objects.filter(recommendation__batch__study=rated_study, stars__lt=5).first()
    rating.stars = 5
    rating.save()
    after = get_csv(client, rated_study, "overview", "weeks")
    assert sum(int(r["ratings"]) for r in after) == sum(int(r["ratings"]) for r in before)
    assert sum(float(r["mean_stars"]) for r in after) > sum(float(r["mean_stars"]) for r in before)


def test_it_agrees_with_the_rows_on_questionnaire_means(client, rated_study, analyst):
    client.force_login(analyst)
    got = get_csv(client, rated_study, "overview", "questionnaire")
    answers = defaultdict(list)
    for a in QuestionnaireAnswer.objects.filter(batch__study=rated_study).select_related(
        "participant__arm", "batch"
    ):
        answers[(a.participant.arm.name, a.batch.label)].append(a)
    assert {(r["arm"], r["week"]) for r in got} == set(answers)
    for row in got:
        group = answers[(row["arm"], row["week"])]
        assert int(row["answers"]) == len(group)
        for name in ("accuracy", "diversity", "novelty", "transparency", "trust", "intention"):
            mean = sum(getattr(a, name) for a in group) / len(group)
            assert float(row[name]) == pytest.approx(mean, abs=1e-4)
            assert float(row[f"{name}_ci_low"]) <= mean <= float(row[f"{name}_ci_high"])


def test_it_computes_the_mde_from_the_variance_of_participants(client, rated_study, analyst):
    client.force_login(analyst)
    row = next(
        r for r in get_csv(client, rated_study, "how-long", "mde") if r["metric"] == "mean stars"
    )
    by_person = defaultdict(list)
    for r in Rating.objects.filter(recommendation__batch__study=rated_study).select_related(
        "recommendation__participant__arm"
    ):
        p = r.recommendation.participant
        by_person[(p.arm.name, p.pk)].append(r.stars)
    values = [s for v in by_person.values() for s in v]
    n, g = len(values), len(by_person)
    grand = sum(values) / n
    ss_w = sum((s - sum(v) / len(v)) ** 2 for v in by_person.values() for s in v)
    ss_b = sum(len(v) * (sum(v) / len(v) - grand) ** 2 for v in by_person.values())
    ms_w, ms_b = ss_w / (n - g), ss_b / (g - 1)
    n0 = (n - sum(len(v) ** 2 for v in by_person.values()) / n) / (g - 1)
    var_mean = max(0.0, (ms_b - ms_w) / n0) + ms_w / (n / g)
    n_a = sum(1 for arm, _ in by_person if arm == "als")
    n_b = g - n_a
    z = st.norm.ppf(0.975) + st.norm.ppf(0.8)
    assert float(row["mde_80"]) == pytest.approx(
        z * (var_mean * (1 / n_a + 1 / n_b)) ** 0.5, abs=1e-3
    )
    assert (int(row["participants_a"]), int(row["participants_b"])) == (n_a, n_b)


def test_it_builds_a_page_afresh_after_new_ratings_by_bulk_insert(client, rated_study, analyst):
    client.force_login(analyst)
    before = sum(int(r["ratings"]) for r in get_csv(client, rated_study, "overview", "weeks"))
    unrated = Recommendation.objects.filter(batch__study=rated_study, rating__isnull=True)[:3]
    Rating.objects.bulk_create(Rating(recommendation=r, stars=2, would_cook="no") for r in unrated)
    after = sum(int(r["ratings"]) for r in get_csv(client, rated_study, "overview", "weeks"))
    assert after == before + 3
