"""One recipe seen from every side: "why is X never recommended?" (docs/dashboard.md).

:func:`recipe_report` gathers, for one recipe, how often the pilot recommended it (at which
ranks, to whom by segment), its ratings and comments (participants as pseudonyms), its
nearest neighbours in each model version (:func:`recommender.neighbours.similar_items`), its
interactions per week, the rank it would have in a fixed sample of participants' full lists
(``model.recommend`` with every recipe as ``k``, the same catalog, restrictions and segments
as the weekly cycle), and the **flags** that explain an absence, each with its evidence:

- ``inactive``: the recipe is switched off; inactive recipes are never recommended.
- ``restricted``: most participants' restrictions exclude it (the catalog's rule: a person
  with restrictions S only gets recipes whose labels contain every label of S).
- ``cold``: few interactions, against the catalog's median and the fewest any recommended
  recipe had.
- ``out_of_season``: its season/holiday tags are all out of their window today
  (``pilot.dashboard.seasons``).
- ``unknown_to_version``: not in a version's training data, so that version cannot rank it.
- ``ranked_low``: its median would-be rank in a serving version is below the arm's K.

:func:`summary_sentence` reads the flags in one sentence for the top of the page.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from pilot import modeldata
from pilot.dashboard import figures, seasons
from pilot.dashboard.queries import SEGMENTS, segment_frame
from pilot.exports import pseudonym
from pilot.models import (
    Arm,
    Batch,
    Interaction,
    ModelVersion,
    Participant,
    Rating,
    Recipe,
    Recommendation,
)
from recommender.catalog import normalize_labels
from recommender.neighbours import similar_items

#: Participants sampled for the would-be ranks (the same for every version), and the seed.
SAMPLE_SIZE = 20
SEED = 0
#: Versions shown besides those serving in an active study: the most recently trained.
RECENT_VERSIONS = 3
#: Neighbours shown per version.
NEIGHBOURS = 8
#: K for a version no arm uses (the arms' default batch size).
DEFAULT_K = 10
#: "Restricted away from most participants": at least this share of them cannot get it.
RESTRICTED_SHARE = 0.5
#: "Cold": fewer interactions than this share of the catalog's median (or none at all).
COLD_SHARE_OF_MEDIAN = 0.25
SEARCH_PAGE = 25
EVENTS = [e for e, _ in Interaction.Event.choices]


FLAG_TITLES = {
    "inactive": "Inactive",
    "restricted": "Restricted away",
    "cold": "Cold",
    "out_of_season": "Out of season",
    "unknown_to_version": "Unknown to a version",
    "ranked_low": "Ranked low",
}


@dataclass
class Flag:
    code: str
    short: str  # the words the summary sentence uses
    evidence: str  # the numbers behind it

    @property
    def title(self) -> str:
        return FLAG_TITLES[self.code]


@dataclass
class VersionView:
    """One model version's view of the recipe: neighbours and would-be ranks."""

    version: ModelVersion
    serving: bool
    k: int
    known: bool | None = None
    error: str = ""
    method: str = ""
    neighbours: list[dict] = field(default_factory=list)
    neighbours_reason: str = ""
    ranks: list[dict] = field(default_factory=list)  # participant, study, rank, why
    median_rank: float | None = None
    ranked: int = 0

    @property
    def why_counts(self) -> list[tuple[str, int]]:
        return Counter(r["why"] for r in self.ranks if r["rank"] is None).most_common()


@dataclass
class RecipeReport:
    recipe: Recipe
    sentence: str
    flags: list[Flag]
    times_recommended: int
    participants_reached: int
    by_version: list[dict]
    ranks: list[dict]
    segments: list[dict]
    ratings: list[dict]
    interactions: dict
    versions: list[VersionView]
    restriction_rows: list[dict]
    population: str
    sample_size: int
    today: date


# ------------------------------------------------------------------ search
def search(q: str):
    """Recipes whose title or external id contains ``q`` (case-insensitive), by title."""
    q = (q or "").strip()
    if not q:
        return Recipe.objects.none()
    return Recipe.objects.filter(Q(title__icontains=q) | Q(external_id__icontains=q)).order_by(
        "title", "external_id"
    )


# ------------------------------------------------------------------ recommended
def _recommended(recipe: Recipe):
    recs = list(
        Recommendation.objects.filter(recipe=recipe)
        .select_related("model_version", "batch__study", "participant")
        .order_by("batch__study_id", "batch_id", "rank")
    )
    by_version: dict = defaultdict(lambda: {"recommendations": 0, "participants": set(), "r": []})
    for rec in recs:
        row = by_version[rec.model_version.name]
        row["recommendations"] += 1
        row["participants"].add(rec.participant_id)
        row["r"].append(rec.rank)
    versions = [
        {
            "version": name,
            "recommendations": row["recommendations"],
            "participants": len(row["participants"]),
            "mean_rank": round(statistics.fmean(row["r"]), 2),
        }
        for name, row in sorted(by_version.items())
    ]
    ranks = [
        {"rank": r, "recommendations": n} for r, n in sorted(Counter(x.rank for x in recs).items())
    ]
    return recs, versions, ranks


def _segments(recs) -> list[dict]:
    """Per segment value: recommendations of the recipe, distinct participants reached, and
    how many participants of those studies have that value."""
    studies = {rec.batch.study.pk: rec.batch.study for rec in recs}
    got = Counter(rec.participant_id for rec in recs)
    rows = []
    counts: dict = defaultdict(lambda: [0, 0, 0])  # recommendations, reached, in studies
    for study in studies.values():
        frame = segment_frame(study)
        for record in frame.to_dict("records"):
            for key, _ in SEGMENTS:
                cell = counts[(key, record[key])]
                cell[2] += 1
                if got.get(record["id"]):
                    cell[0] += got[record["id"]]
                    cell[1] += 1
    labels = dict(SEGMENTS)
    for (key, value), (n, reached, total) in sorted(counts.items()):
        rows.append(
            {
                "segment": labels[key],
                "value": value,
                "recommendations": n,
                "participants": reached,
                "of": total,
            }
        )
    return rows


def _ratings(recipe: Recipe) -> list[dict]:
    rows = []
    ratings = (
        Rating.objects.filter(recommendation__recipe=recipe)
        .select_related(
            "recommendation__batch__study",
            "recommendation__participant__person",
            "recommendation__participant__arm",
        )
        .order_by("recommendation__batch__iso_year", "recommendation__batch__iso_week", "pk")
    )
    for rating in ratings:
        rec = rating.recommendation
        study = rec.batch.study
        rows.append(
            {
                "study": study.name,
                "week": rec.batch.label,
                "arm": rec.participant.arm.name,
                "participant": pseudonym(study.key, rec.participant.person.customer_id),
                "rank": rec.rank,
                "stars": rating.stars,
                "would_cook": rating.would_cook,
                "comment": rating.comment,
            }
        )
    return rows


# ------------------------------------------------------------------ interactions
def _week_label(moment) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _interactions(recipe: Recipe) -> dict:
    events = list(
        Interaction.objects.filter(recipe=recipe).values_list("timestamp", "event", "person_id")
    )
    per: dict = defaultdict(Counter)
    for moment, event, _ in events:
        per[_week_label(moment)][event] += 1
    weeks = sorted(per)
    rows = [
        {"week": w, **{e: per[w].get(e, 0) for e in EVENTS}, "total": sum(per[w].values())}
        for w in weeks
    ]
    traces = [
        {"type": "bar", "name": e, "x": weeks, "y": [per[w].get(e, 0) for w in weeks],
         "marker": {"color": figures.COLOURS[i % len(figures.COLOURS)]}}
        for i, e in enumerate(EVENTS) if any(per[w].get(e) for w in weeks)
    ]  # fmt: skip
    figure = (
        figures.to_html(
            figures.figure(
                traces,
                title={"text": "Interactions per week, by event type"},
                barmode="stack",
                xaxis={"type": "category"},
                yaxis={"title": {"text": "events"}},
            )
        )
        if weeks
        else ""
    )
    resolved = [e for e in events if e[2] is not None]
    return {
        "total": len(events),
        "resolved": len(resolved),
        "people": len({e[2] for e in resolved}),
        "unresolved": len(events) - len(resolved),
        "rows": rows,
        "figure": figure,
    }


def _catalog_counts() -> tuple[dict[int, int], list[int]]:
    """Events resolved to a person per recipe (what training sees), and the active recipes."""
    counts = dict(
        Interaction.objects.filter(person__isnull=False)
        .values("recipe_id")
        .annotate(n=Count("pk"))
        .values_list("recipe_id", "n")
    )
    active = list(Recipe.objects.filter(active=True).values_list("pk", flat=True))
    return counts, active


# ------------------------------------------------------------------ who is asked
def _population():
    """Active participants of active studies, one per person (lowest pk first); if there are
    none, the participants of every study (a pilot that has ended); if there are none either,
    every person the CRM knows. Returns (label, [(participant or None, person)])."""
    from pilot.models import Person

    for label, rows in (
        (
            "participants of active studies",
            Participant.objects.filter(active=True, study__active=True),
        ),
        ("participants of past studies (no active one)", Participant.objects.all()),
    ):
        seen, out = set(), []
        for p in rows.select_related("person", "study").order_by("pk"):
            if p.person_id not in seen:
                seen.add(p.person_id)
                out.append((p, p.person))
        if out:
            return label, out
    return "people in the CRM (no participant yet)", [
        (None, p) for p in Person.objects.order_by("pk")
    ]


def excludes(restrictions, labels) -> bool:
    """The pilot's rule (``recommender.catalog``): restrictions S exclude a recipe unless its
    labels contain every label of S."""
    return not normalize_labels(restrictions or []) <= normalize_labels(labels or [])


def _blocking_ingredient(recipe: Recipe, label: str) -> str:
    """Why a recipe lacks ``label``: "contains beef", "has an unknown ingredient: x", or ""."""
    from pilot.ingredients.facts import labels_broken
    from pilot.ingredients.lines import parse_lines
    from pilot.ingredients.worklist import current_table

    table = current_table()
    unknown = ""
    for name in parse_lines(recipe.ingredients or []):
        facts = table.facts_of(name)
        if facts is None:
            unknown = unknown or name
        elif label in labels_broken(facts):
            return f"contains {name}"
    if unknown:
        return f"has an ingredient nobody has classified yet ({unknown})"
    return ""


def _restrictions(recipe: Recipe, people) -> tuple[list[dict], int, int, bool]:
    labels = normalize_labels(recipe.diet_labels or [])
    per_label: Counter = Counter()
    needing: Counter = Counter()
    excluded = 0
    for _, person in people:
        wanted = normalize_labels(person.restrictions or [])
        for label in wanted:
            needing[label] += 1
            if label not in labels:
                per_label[label] += 1
        excluded += excludes(person.restrictions, recipe.diet_labels)
    rows = [
        {
            "label": label,
            "people_needing": needing[label],
            "recipe_has_it": label in labels,
            "excluded": per_label[label],
            "why": "" if label in labels else _blocking_ingredient(recipe, label),
        }
        for label in sorted(needing, key=lambda lab: (-needing[lab], lab))
    ]
    participants = bool(people) and people[0][0] is not None
    return rows, excluded, len(people), participants


def pilot_mondays() -> list[date]:
    """The Monday of every week a batch was generated, in any study (sorted, distinct)."""
    weeks = (
        Batch.objects.exclude(status=Batch.Status.SCHEDULED)
        .values_list("iso_year", "iso_week")
        .distinct()
    )
    return sorted({date.fromisocalendar(y, w, 1) for y, w in weeks})


# ------------------------------------------------------------------ versions
def _versions() -> list[tuple[ModelVersion, bool, int]]:
    """Versions serving an arm of an active study (of any study when none is active), with
    the largest K among their arms, then the most recently trained others with an artifact."""
    ks: dict[int, int] = {}
    arms = Arm.objects.filter(study__active=True)
    if not arms.exists():
        arms = Arm.objects.all()  # the pilot has ended: the versions that served it
    for arm in arms:
        ks[arm.model_version_id] = max(ks.get(arm.model_version_id, 0), arm.batch_size)
    serving = list(ModelVersion.objects.filter(pk__in=ks).order_by("name"))
    recent = list(
        ModelVersion.objects.exclude(pk__in=ks)
        .exclude(artifact="")
        .order_by("-trained_at", "-created_at")[:RECENT_VERSIONS]
    )
    return [(v, True, ks[v.pk]) for v in serving] + [(v, False, DEFAULT_K) for v in recent]


def _sample(people, seed: int, size: int):
    if len(people) <= size:
        return list(people)
    chosen = sorted(random.Random(seed).sample(range(len(people)), size))
    return [people[i] for i in chosen]


def _label(participant, person) -> tuple[str, str]:
    if participant is None:
        return "", pseudonym("crm", person.customer_id)
    return participant.study.name, pseudonym(participant.study.key, person.customer_id)


def _version_view(recipe, version, serving, k, catalog, sample, touched, titles) -> VersionView:
    view = VersionView(version, serving, k)
    try:
        model = modeldata.load_model(version)
    except (ValueError, FileNotFoundError, OSError) as error:
        view.error = str(error)
        return view
    found = similar_items(model, recipe.external_id, NEIGHBOURS)
    view.known, view.method, view.neighbours_reason = found.known, found.method, found.reason
    view.neighbours = [
        {"external_id": str(i), "title": titles.get(str(i), str(i)), "similarity": round(s, 4)}
        for i, s in found.items
    ]
    if not sample:
        return view
    users = [person.customer_id for _, person in sample]
    restrictions = {person.customer_id: person.restrictions or [] for _, person in sample}
    segments = {
        person.customer_id: getattr(person, modeldata.SEGMENT_COLUMN)
        for _, person in sample
        if getattr(person, modeldata.SEGMENT_COLUMN)
    }
    lists = model.recommend(
        users,
        len(catalog),
        catalog=catalog,
        restrictions=restrictions,
        segments=segments,
        explain=False,
    ).item_lists()
    target = str(recipe.external_id)
    for (participant, person), items in zip(sample, lists, strict=True):
        ids = [str(i) for i in items]
        rank = ids.index(target) + 1 if target in ids else None
        why = ""
        if rank is None:
            if excludes(person.restrictions, recipe.diet_labels):
                why = "restricted by their diet"
            elif not recipe.active:
                why = "inactive"
            elif not found.known:
                why = "unknown to this version"
            elif person.pk in touched:
                why = "already interacted with it"
            else:
                why = "not scored for them"
        study, name = _label(participant, person)
        view.ranks.append({"participant": name, "study": study, "rank": rank, "why": why})
    ranked = [r["rank"] for r in view.ranks if r["rank"] is not None]
    view.ranked = len(ranked)
    view.median_rank = statistics.median(ranked) if ranked else None
    return view


# ------------------------------------------------------------------ flags
def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


def _flags(recipe, today, interactions, counts, active, recommended_ids, restriction, versions):
    flags = []
    noun = "participants" if restriction[3] else "people"
    if not recipe.active:
        since = timezone.localtime(recipe.updated_at).date().isoformat()
        flags.append(
            Flag(
                "inactive",
                f"inactive since {since}",
                f"The recipe is switched off (last changed {since}); inactive recipes are "
                "never recommended.",
            )
        )
    rows, excluded, population, _ = restriction
    if population and excluded / population >= RESTRICTED_SHARE:
        top = max((r for r in rows if not r["recipe_has_it"]), key=lambda r: r["excluded"])
        label = top["label"].replace("_", "-")
        why = top["why"] or f"it is not labelled {label}"
        share = top["excluded"] / population
        reason = f"need {label} while it {why.removeprefix('it ')}"
        if share >= RESTRICTED_SHARE or excluded == top["excluded"]:
            short = f"{_percent(share)} of {noun} {reason}"
            if excluded > top["excluded"]:
                short += f" ({_percent(excluded / population)} cannot get it by their diet)"
        else:
            short = (
                f"{_percent(excluded / population)} of {noun} cannot get it by their diet "
                f"({_percent(share)} {reason})"
            )
        flags.append(
            Flag(
                "restricted",
                short,
                f"{excluded} of {population} ({_percent(excluded / population)}) cannot get it "
                f"by their restrictions; its labels: "
                f"{', '.join(sorted(recipe.diet_labels or [])) or 'none'}.",
            )
        )
    n = counts.get(recipe.pk, 0)
    catalog_counts = [counts.get(pk, 0) for pk in active] or [0]
    median = statistics.median(catalog_counts)
    recommended_counts = [counts.get(pk, 0) for pk in recommended_ids]
    least = min(recommended_counts) if recommended_counts else None
    if n == 0 or n < COLD_SHARE_OF_MEDIAN * median or (least is not None and n < least):
        words = f"{n} interaction{'s' if n != 1 else ''}"
        flags.append(
            Flag(
                "cold",
                f"cold ({words} against a catalog median of {median:g})",
                f"{words} by {interactions['people']} people (resolved to a person, as training "
                f"sees them); the median over the {len(active)} active recipes is {median:g}"
                + (
                    f"; the least-interacted recipe ever recommended had {least}."
                    if least is not None
                    else "; nothing has been recommended yet."
                ),
            )
        )
    tagged = seasons.seasonal_tags(recipe.tags)
    if tagged:
        windows = "; ".join(
            f"{w['tag']} ({w['from']} to {w['to']})" for w in seasons.table() if w["tag"] in tagged
        )
        now = seasons.status(recipe.tags, today) == "out"
        ran = pilot_mondays()
        always = bool(ran) and all(seasons.status(recipe.tags, m) == "out" for m in ran)
        if now or always:
            when = []
            if always:
                when.append(f"in every week the pilot ran ({ran[0]:%G-W%V} to {ran[-1]:%G-W%V})")
            if now:
                when.append(f"on {today.isoformat()}")
            flags.append(
                Flag(
                    "out_of_season",
                    (
                        "out of season "
                        + ("in every pilot week" if always else "now")
                        + f" ({', '.join(tagged)})"
                    ),
                    f"Outside all its windows {' and '.join(when)}: {windows}.",
                )
            )
    unknown = [v for v in versions if v.known is False]
    if unknown:
        names = ", ".join(v.version.name for v in unknown)
        flags.append(
            Flag(
                "unknown_to_version",
                f"unknown to {names}",
                f"Not in the training data of {names} (no interaction before their cutoff): "
                "those versions cannot rank it.",
            )
        )
    low = [v for v in versions if v.serving and v.median_rank is not None and v.median_rank > v.k]
    if low:
        parts = [f"{v.version.name}: median rank {v.median_rank:g} against K={v.k}" for v in low]
        flags.append(
            Flag(
                "ranked_low",
                "ranked low (" + "; ".join(parts) + ")",
                "Among the sampled participants it can reach, its median would-be rank is "
                "beyond the batch size K: "
                + "; ".join(
                    f"{v.version.name} ranks it for {v.ranked} of {len(v.ranks)}, median "
                    f"{v.median_rank:g}, K={v.k}"
                    for v in low
                )
                + ".",
            )
        )
    return flags


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def summary_sentence(times: int, reached: int, flags: list[Flag]) -> str:
    """ "Never recommended: inactive since 2026-11-02, and 80% of participants need ..."."""
    head = (
        "Never recommended"
        if times == 0
        else f"Recommended {times} time{'s' if times != 1 else ''} to {reached} participant"
        f"{'s' if reached != 1 else ''}"
    )
    if not flags:
        tail = (
            "no flag explains it; see the would-be ranks below"
            if times == 0
            else "nothing holds it back"
        )
        return f"{head}: {tail}."
    return f"{head}{': ' if times == 0 else '; held back by: '}{_join([f.short for f in flags])}."


# ------------------------------------------------------------------ the report
def recipe_report(
    recipe: Recipe, *, today: date | None = None, sample_size: int = SAMPLE_SIZE, seed: int = SEED
) -> RecipeReport:
    """Everything the recipe page shows, computed from the rows (see the module docstring)."""
    today = today or timezone.localdate()
    recs, by_version, ranks = _recommended(recipe)
    reached = len({r.participant_id for r in recs})
    label, people = _population()
    restriction = _restrictions(recipe, people)
    sample = _sample(people, seed, sample_size)
    touched = set(
        Interaction.objects.filter(recipe=recipe, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    catalog = modeldata.catalog()
    titles = dict(Recipe.objects.values_list("external_id", "title"))
    versions = [
        _version_view(recipe, v, serving, k, catalog, sample, touched, titles)
        for v, serving, k in _versions()
    ]
    interactions = _interactions(recipe)
    counts, active = _catalog_counts()
    recommended_ids = set(Recommendation.objects.values_list("recipe_id", flat=True).distinct())
    flags = _flags(
        recipe, today, interactions, counts, active, recommended_ids, restriction, versions
    )
    return RecipeReport(
        recipe=recipe,
        sentence=summary_sentence(len(recs), reached, flags),
        flags=flags,
        times_recommended=len(recs),
        participants_reached=reached,
        by_version=by_version,
        ranks=ranks,
        segments=_segments(recs),
        ratings=_ratings(recipe),
        interactions=interactions,
        versions=versions,
        restriction_rows=restriction[0],
        population=f"{restriction[2]} {label}",
        sample_size=len(sample),
        today=today,
    )
