"""The report's parts, in order: each is one small function of the study's built pages.

A part reuses the dashboard's :class:`~pilot.dashboard.pages.Section` objects (the same
rows, tables and figures the dashboard shows, so every number is the dashboard's own) and
names the terms it shows, whose definitions close the report (``pilot.report.definitions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import Count, Q

from pilot.dashboard import figures, pages, queries
from pilot.dashboard.cache import cached, fingerprint
from pilot.models import Participant


@dataclass
class Part:
    slug: str
    title: str
    lines: list[str] = field(default_factory=list)  # plain sentences (escaped when rendered)
    sections: list[pages.Section] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # defined in docs/metrics.md, dashboard.md


class Context:
    """A study, its rows (the dashboard's shared load) and its dashboard pages, built once and
    kept in the dashboard's cache under the same key as the pages' CSVs (every row, the data
    as they are now), so a report after a look at the dashboard costs little."""

    def __init__(self, study):
        self.study = study
        self.fp = fingerprint(study)
        self._data = None

    @property
    def data(self) -> queries.StudyData:
        if self._data is None:
            self._data = queries.subset(queries.shared(self.study, self.fp), {})
        return self._data

    def page(self, name: str) -> pages.Page:
        def build():
            return pages.build(self.study, self.fp, name, {}, full=True)

        return cached(self.study, f"{name}.csv", {}, build, self.fp)[2]


def _narrow(section: pages.Section, columns: list[str], **changes) -> pages.Section:
    """The same section with fewer columns (an A4 page is narrower than the dashboard)."""
    return replace(section, columns=columns, **changes)


# ------------------------------------------------------------------ the parts
def design(ctx: Context) -> Part:
    study = ctx.study
    arms = list(study.arms.select_related("model_version").order_by("pk"))
    batches = list(study.batches.order_by("iso_year", "iso_week"))
    recs = ctx.data.recs
    per_week = recs.groupby("week").agg(
        lists=("participant_id", "nunique"), recommendations=("id", "size")
    )
    weeks = [
        {
            "week": b.label,
            "status": b.status,
            "sent": b.sent_at.date().isoformat() if b.sent_at else None,
            "closed": b.closed_at.date().isoformat() if b.closed_at else None,
            "lists": int(per_week["lists"].get(b.label, 0)),
            "recommendations": int(per_week["recommendations"].get(b.label, 0)),
        }
        for b in batches
    ]
    sizes = ", ".join(f"{a.name}: K = {a.batch_size}" for a in arms) or "no arms"
    lines = [
        f"Study {study.name} (key {study.key}).",
        *([study.description] if study.description else []),
        f"Dates: from {study.start_date or 'not set'} to {study.end_date or 'not set'}; "
        f"{len(batches)} weekly batch{'es' if len(batches) != 1 else ''}"
        + (f", {batches[0].label} to {batches[-1].label}." if batches else "."),
        f"Cadence: every {study.get_weekday_display()} at {study.send_time:%H:%M} "
        f"({study.timezone}); answers are open {study.response_days} days, with a reminder "
        f"after {study.reminder_after_days} days.",
        f"Recipes per weekly list (K): {sizes}.",
    ]
    section = pages.Section(
        "weeks",
        "Weeks",
        ["week", "status", "sent", "closed", "lists", "recommendations"],
        weeks,
    )
    return Part("design", "Design", lines, [section], ["participants"])


def arms(ctx: Context) -> Part:
    split = ctx.page("overview").section("split")
    total_weight = sum(r["weight"] for r in split.rows) or 1
    enrolled = sum(r["enrolled"] for r in split.rows) or 1
    algorithms = {
        a.name: a.model_version.get_algorithm_display()
        for a in ctx.study.arms.select_related("model_version")
    }
    rows = [
        {
            **r,
            "algorithm": algorithms.get(r["arm"], ""),
            "share": round(r["weight"] / total_weight, 4),
            "enrolled_share": round(r["enrolled"] / enrolled, 4),
        }
        for r in split.rows
    ]
    section = replace(
        split,
        title="Arms",
        rows=rows,
        columns=["arm", "model_version", "algorithm", "batch_size", "weight", "share",
                 "enrolled", "enrolled_share", "expected"],
    )  # fmt: skip
    lines = ["share = the arm's weight / the sum of the weights; enrolled share = its "
             "participants / all participants."]  # fmt: skip
    return Part("arms", "Arms", lines, [section], ["sample-ratio mismatch"])


def participants(ctx: Context) -> Part:
    people = ctx.data.participants
    rows = []
    for key, label in queries.SEGMENTS:
        counts = people.groupby([key, "arm"]).size().unstack(fill_value=0)
        for value, counts_row in counts.iterrows():
            rows.append({"segment": label, "value": value, **{str(a): int(n) for a, n in
                         counts_row.items()}, "all": int(counts_row.sum())})  # fmt: skip
    arm_names = [a.name for a in ctx.data.arms]
    status = (
        Participant.objects.filter(study=ctx.study)
        .values("arm__name")
        .annotate(
            n_enrolled=Count("pk"),
            n_active=Count("pk", filter=Q(active=True, withdrawn_at__isnull=True)),
            n_withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False) | Q(active=False)),
            n_consented=Count("pk", filter=Q(consent_at__isnull=False)),
        )
        .order_by("arm__name")
    )
    withdrawals = [
        {"arm": s["arm__name"], "enrolled": s["n_enrolled"], "active": s["n_active"],
         "withdrawn": s["n_withdrawn"], "consented": s["n_consented"]}
        for s in status
    ]  # fmt: skip
    return Part(
        "participants",
        "Participants",
        [
            f"{len(people)} participants enrolled. Withdrawn: withdrawn by staff or no longer "
            "active; their answers given before stay in every number."
        ],
        [
            pages.Section(
                "status",
                "Enrolled and withdrawn, per arm",
                ["arm", "enrolled", "active", "withdrawn", "consented"],
                withdrawals,
            ),
            pages.Section(
                "segments", "Participants by segment", ["segment", "value", *arm_names, "all"], rows
            ),
        ],  # fmt: skip
        ["segments", "cold start"],
    )


def response(ctx: Context) -> Part:
    weeks = ctx.page("overview").section("weeks")
    points = [{**r, "response_rate_ci_low": None, "response_rate_ci_high": None}
              for r in weeks.rows]  # fmt: skip
    series: dict = {}
    for row in points:
        series.setdefault(row["arm"], []).append(row)
    fig = figures.lines_with_intervals(
        series, "week", "response_rate", title="Response rate per week", y_title="share",
        percent=True,
    )  # fmt: skip
    section = _narrow(
        weeks, ["arm", "week", "participants", "responders", "response_rate", "ratings"],
        title="Response per arm and week", figure=figures.to_html(fig),
    )  # fmt: skip
    still_open = [b.label for b in ctx.study.batches.filter(status="sent")
                  .order_by("iso_year", "iso_week")]  # fmt: skip
    lines = (
        [f"Still open for answers: {', '.join(still_open)} (counted as they stand)."]
        if still_open else []
    )  # fmt: skip
    return Part("response", "Response", lines, [section], ["response rate"])


def scores(ctx: Context) -> Part:
    overview = ctx.page("overview")
    per_arm = ctx.page("offline").section("versions")
    total = _narrow(
        per_arm,
        ["arm", "version", "ratings", "mean_stars", "stars_ci_low", "stars_ci_high",
         "liked_share", "liked_share_ci_low", "liked_share_ci_high", "would_cook_yes_share"],
        title="Per arm, all weeks", figure="", note="",
    )  # fmt: skip
    weekly = _narrow(
        overview.section("weeks"),
        ["arm", "week", "ratings", "mean_stars", "stars_ci_low", "stars_ci_high",
         "liked_share", "liked_share_ci_low", "liked_share_ci_high"],
        title="Per arm and week",
    )  # fmt: skip
    liked = pages.Section("liked", "Share rated 4-5, per week", [], [],
                          overview.section("liked").figure)  # fmt: skip
    return Part(
        "scores",
        "Scores per arm",
        ["Intervals are 95% bootstrap intervals over participants (1000 resamples, seed 0)."],
        [total, weekly, liked],
        ["mean stars", "ratings"],
    )


def versus(ctx: Context) -> Part:
    page = ctx.page("offline")
    versions = page.section("versions")
    offline_cols = [c for c in versions.columns if c.startswith("offline_")]
    offline = _narrow(versions, ["version", "arm", *offline_cols], title="Offline metrics",
                      figure="", note="")  # fmt: skip
    pilot = _narrow(
        versions, ["version", "arm", "batch_size", "ratings", "liked_at_k", "mean_stars",
                   "would_cook_yes_share"], title="Offline NDCG@k against the pilot",
    )  # fmt: skip
    beyond = page.section("beyond")
    return Part(
        "offline",
        "The pilot against offline figures",
        ["Offline metrics were recorded when each version was trained (holdout of the "
         "historical data); the pilot columns are what participants said."],
        [offline, pilot, beyond],
        ["pilot vs offline", "precision@k", "recall@k", "NDCG@k", "AP@k", "catalog coverage",
         "novelty", "intra-list diversity", "personalization", "popularity bias (ARP)",
         "Gini of exposure", "kendall's tau, offline vs pilot"],
    )  # fmt: skip


def how_many(ctx: Context) -> Part:
    page = ctx.page("how-many")
    by_rank = _narrow(
        page.section("by-rank"),
        ["rank", "recommendations", "ratings", "answer_rate", "answer_rate_ci_low",
         "answer_rate_ci_high", "mean_stars", "liked_share"],
    )  # fmt: skip
    by_size = _narrow(
        page.section("by-size"),
        ["batch_size", "recommendations", "ratings", "answer_rate", "mean_stars", "liked_share"],
    )
    return Part("how-many", "How many to show", [], [by_rank, by_size], ["how many?"])


def seasonality(ctx: Context) -> Part:
    page = ctx.page("seasonality")
    return Part(
        "seasonality",
        "Seasonality",
        [],
        [page.section("weeks"), page.section("ratings")],
        ["seasonality", "mann-whitney u"],
    )


def comparison(ctx: Context) -> Part:
    """The latest stored comparison of the study's arms' versions (``pilot.comparisons``)."""
    from pilot import comparison_page, comparisons

    found = comparisons.latest_for_study(ctx.study)
    title = "The latest comparison of two model versions"
    if found is None:
        return Part(
            "comparison",
            title,
            ["No model version of this study's arms has been compared with another yet "
             "(staff: Compare on a version's page, or manage.py compare_versions A B)."],
        )  # fmt: skip
    page = comparison_page.build(found)
    keep = ("deltas", "overlap", "quantiles", "segments", "pilot")
    lines = [
        comparisons.summary(found),
        f"Computed on {found.computed_at:%Y-%m-%d} on "
        f"{found.result.get('split', {}).get('n_people', 0):,} holdout people, the same for "
        "both versions. The comparison page lists the people whose lists changed most.",
        *([found.result["split"]["reason"]] if found.result.get("split", {}).get("reason") else []),
    ]
    return Part(
        "comparison",
        title,
        lines,
        [s for s in page.sections if s.slug in keep],
        ["metric deltas", "jaccard@k", "rank-biased overlap", "paired bootstrap",
         "wilcoxon signed-rank", "mann-whitney u"],
    )  # fmt: skip


#: Comments shown: per arm and star level, the latest few; per arm, a few questionnaire texts.
COMMENTS_PER_STAR = 2
TEXTS_PER_ARM = 3


def comments(ctx: Context) -> Part:
    texts = ctx.page("feedback").section("texts")
    chosen, seen = [], {}
    for row in sorted(
        texts.rows, key=lambda r: (str(r["week"]), r["participant"], str(r["recipe"])), reverse=True
    ):
        key = (row["arm"], row["kind"], row["stars"])
        limit = COMMENTS_PER_STAR if row["kind"] == "comment" else TEXTS_PER_ARM
        if seen.get(key, 0) < limit:
            seen[key] = seen.get(key, 0) + 1
            chosen.append(row)
    chosen.sort(key=lambda r: (str(r["arm"]), r["kind"], -(r["stars"] or 0), str(r["week"])))
    section = _narrow(
        texts, ["participant", "arm", "week", "kind", "recipe", "stars", "would_cook", "text"],
        title=f"A selection of comments ({len(chosen)} of {len(texts.rows)})", rows=chosen,
    )  # fmt: skip
    return Part(
        "comments",
        "What participants said",
        [f"Per arm, the latest {COMMENTS_PER_STAR} comments at each star level and the latest "
         f"{TEXTS_PER_ARM} questionnaire texts. Participants appear under pseudonyms (a keyed "
         "hash: the same person has the same pseudonym throughout this study)."],
        [section],
        ["feedback"],
    )  # fmt: skip


#: The report's parts, in order. Each takes the Context and returns a Part.
PARTS = (
    design,
    arms,
    participants,
    response,
    scores,
    versus,
    how_many,
    seasonality,
    comparison,
    comments,
)
