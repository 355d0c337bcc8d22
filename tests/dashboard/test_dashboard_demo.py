"""The demo's planted truth (docs/demo.md, "Simulated answers"), read off the dashboard.

``manage.py demo --size small`` builds the world and answers four past weeks with
``pilot.demo.answers``. Each planted effect is then checked on the pages' CSVs and HTML,
fetched as the demo analyst would, against what the simulation's own rules expect from the
rows (the hidden recipe quality recomputed from the seed): the answers are random, so each
check allows three standard errors of the expectation.

Planted: stars follow fit (the arms differ by what their recipes' fit says, and so does any
other split, such as in and out of season: the demo plants no season effect); would cook
follows the stars; answering sags week after week and a reminder pulls some back; nothing
depends on the rank; transparency is higher where the explanation names the person's own
history (the ALS arm); accuracy follows one's mean stars; trust stays high (no recipe breaks
a restriction: the cycle never sends one).
"""

import math
from collections import defaultdict
from datetime import date

import pytest
from scipy.stats import norm

from pilot.access import ANALYST_GROUP
from pilot.dashboard import seasons
from pilot.demo.answers import (
    NEVER_ANSWER,
    REMINDER_PULL,
    STARS_BASE,
    STARS_NOISE,
    WEEKLY_SAG,
    fit,
    recipe_quality,
)
from pilot.demo.world import STUDY_KEY
from pilot.models import QuestionnaireAnswer, Rating, Recommendation, Study
from pilot.ratings import HISTORY_REASONS
from tests.conftest import make_user
from tests.dashboard.test_dashboard_views import get_csv
from tests.test_demo import run_demo

SEED = 5
YES = {5: 0.88, 4: 0.55, 3: 0.12, 2: 0.03, 1: 0.0}  # pilot.demo.answers._would_cook


def clipped_round(mean: float, sd: float) -> tuple[float, float]:
    """Mean and variance of min(5, max(1, round(mean + N(0, sd))))."""
    edges = [-math.inf, 1.5, 2.5, 3.5, 4.5, math.inf]
    p = [norm.cdf(edges[i + 1], mean, sd) - norm.cdf(edges[i], mean, sd) for i in range(5)]
    e = sum((i + 1) * q for i, q in enumerate(p))
    return e, sum((i + 1) ** 2 * q for i, q in enumerate(p)) - e * e


class Expected:
    """Sum of expectations and variances of a group of simulated answers."""

    def __init__(self):
        self.total = self.var = 0.0
        self.n = 0

    def add(self, mean: float, var: float) -> None:
        self.total, self.var, self.n = self.total + mean, self.var + var, self.n + 1

    @property
    def mean(self) -> float:
        return self.total / self.n

    @property
    def se(self) -> float:
        return math.sqrt(self.var) / self.n


def near(got, expected: Expected, what: str, sigmas: float = 3.0) -> None:
    assert abs(float(got) - expected.mean) <= sigmas * expected.se + 1e-4, (
        f"{what}: the page shows {got}, the planted truth expects {expected.mean:.4f} "
        f"± {sigmas} × {expected.se:.4f} (n = {expected.n})"
    )


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    run_demo("--seed", str(SEED), "--size", "small")
    return Study.objects.get(key=STUDY_KEY)


def test_the_planted_truth_is_visible_on_the_pages(client, demo):
    client.force_login(make_user("ana-demo", groups=[ANALYST_GROUP]))
    quality = recipe_quality(SEED, "small")
    closed = {b.pk: b for b in demo.batches.filter(status="closed")}
    ratings = list(
        Rating.objects.filter(recommendation__batch__study=demo).select_related(
            "recommendation__participant__person", "recommendation__participant__arm",
            "recommendation__recipe", "recommendation__batch",
        )
    )  # fmt: skip
    assert ratings and {r.recommendation.batch_id for r in ratings} <= set(closed)

    # 1. Stars follow fit: each arm's mean stars (and the difference between the arms) is
    # what its recipes' fit says; so are the ratings in and out of season (none planted).
    by_arm, by_season = defaultdict(Expected), defaultdict(Expected)
    for r in ratings:
        rec = r.recommendation
        f = fit(rec.participant.person, rec.recipe, quality)
        mean, var = clipped_round(STARS_BASE + f, STARS_NOISE)
        by_arm[rec.participant.arm.name].add(mean, var)
        monday = date.fromisocalendar(rec.batch.iso_year, rec.batch.iso_week, 1)
        status = seasons.status(rec.recipe.tags, monday)
        by_season[status].add(mean, var)
    versions = {r["arm"]: r for r in get_csv(client, demo, "offline", "versions")}
    for arm, expected in by_arm.items():
        near(versions[arm]["mean_stars"], expected, f"mean stars of arm {arm}")
    (a, ea), (b, eb) = sorted(by_arm.items())
    diff = Expected()
    diff.total, diff.var, diff.n = ea.mean - eb.mean, ea.se**2 + eb.se**2, 1
    observed = float(versions[a]["mean_stars"]) - float(versions[b]["mean_stars"])
    near(observed, diff, f"mean stars of {a} minus {b}")
    landing = client.get("/dashboard/").content.decode()
    leader = a if observed > 0 else b
    assert f"Leading arm: {leader}" in landing
    if abs(diff.mean) > 3 * diff.se:  # a planted lead larger than the noise must show
        assert leader == (a if diff.mean > 0 else b)
    names = {"in": "in its window", "out": "out of its window", "none": "no season/holiday tag"}
    season_rows = {r["season"]: r for r in get_csv(client, demo, "seasonality", "ratings")}
    for status, expected in by_season.items():
        near(season_rows[names[status]]["mean_stars"], expected, f"stars {names[status]}")

    # 2. Would cook follows the stars.
    cook = defaultdict(Expected)
    for r in ratings:
        p = YES[r.stars]
        cook[r.recommendation.participant.arm.name].add(p, p * (1 - p))
    for arm, expected in cook.items():
        near(versions[arm]["would_cook_yes_share"], expected, f'would cook "yes" in {arm}')

    # 3. Answering sags over the weeks; a reminder pulls 60 % of the others back.
    weeks = defaultdict(lambda: [0, 0])
    for row in get_csv(client, demo, "overview", "weeks"):
        weeks[row["week"]][0] += int(row["participants"])
        weeks[row["week"]][1] += int(row["responders"])
    for w, batch in enumerate(sorted(closed.values(), key=lambda x: (x.iso_year, x.iso_week))):
        base = (0.75 + 0.95) / 2 * WEEKLY_SAG**w  # p0 ~ U(0.75, 0.95)
        if batch.reminded_at:
            base += (1 - base) * REMINDER_PULL
        p = (1 - NEVER_ANSWER) * base
        participants, responders = weeks[batch.label]
        expected = Expected()
        for _ in range(participants):
            expected.add(p, p * (1 - p) + 0.01)  # + the spread of p0 between people
        near(responders / participants, expected, f"response rate in {batch.label}")
    current = [b for b in demo.batches.exclude(pk__in=list(closed))]
    assert all(weeks[b.label][1] == 0 for b in current)  # this week: nobody has answered yet
    # ... so the landing page's response rate counts the closed weeks only
    lists = sum(weeks[b.label][0] for b in closed.values())
    answered = sum(weeks[b.label][1] for b in closed.values())
    assert (
        f"Response rate {answered / lists:.0%} ({answered} of {lists} weekly lists answered "
        "in the weeks closed for answers)."
    ) in landing

    # 4. Nothing depends on the rank: every rank is answered at the same rate.
    sent = Recommendation.objects.filter(batch_id__in=list(closed))
    by_rank = {int(r["rank"]): r for r in get_csv(client, demo, "how-many", "by-rank")}
    overall = len(ratings) / sent.count()
    for rank, row in by_rank.items():
        n = sent.filter(rank=rank).count()
        if n >= 30:
            expected = Expected()
            for _ in range(n):
                expected.add(overall, overall * (1 - overall))
            near(row["answer_rate"], expected, f"answer rate at rank {rank}", sigmas=3.5)
    page = client.get(f"/dashboard/{demo.key}/how-many/").content.decode()
    assert "at least half of the recipes are answered at every rank" in page

    # 5. The questionnaire: transparency follows the share of history explanations (ALS
    # arm above the popularity arm), accuracy follows one's mean stars, trust stays high.
    rated_by = defaultdict(list)
    for r in ratings:
        rated_by[(r.recommendation.participant_id, r.recommendation.batch_id)].append(r)
    items = defaultdict(lambda: defaultdict(Expected))
    for answer in QuestionnaireAnswer.objects.filter(batch__study=demo).select_related(
        "participant__arm"
    ):
        mine = rated_by[(answer.participant_id, answer.batch_id)]
        history = sum(r.recommendation.reason_code in HISTORY_REASONS for r in mine) / len(mine)
        stars = sum(r.stars for r in mine) / len(mine)
        arm = answer.participant.arm.name
        items[arm]["transparency"].add(*clipped_round(3.0 + 0.7 * history, 0.6))
        items[arm]["accuracy"].add(*clipped_round(stars, 0.6))
        items[arm]["trust"].add(*clipped_round(4.4, 0.6))
    shown = defaultdict(lambda: defaultdict(float))
    for row in get_csv(client, demo, "overview", "questionnaire"):
        for name in ("transparency", "accuracy", "trust"):
            shown[row["arm"]][name] += float(row[name]) * int(row["answers"])
        shown[row["arm"]]["answers"] += int(row["answers"])
    for arm, expected_items in items.items():
        for name, expected in expected_items.items():
            near(shown[arm][name] / shown[arm]["answers"], expected, f"{name} in {arm}")
    transparency = {arm: shown[arm]["transparency"] / shown[arm]["answers"] for arm in shown}
    assert transparency["als"] > transparency["popularity"] + 0.3
