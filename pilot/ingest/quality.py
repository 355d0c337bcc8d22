"""Data-quality numbers for the Data page: coverage by day, resolution, events, identities.

Plain queries returning plain values; figures are built from them in ``pilot.ingest.figures``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncDate

from pilot.models import Identity, Interaction


@dataclass(frozen=True)
class DayCount:
    day: date
    interactions: int
    resolved: int

    @property
    def resolved_share(self) -> float | None:
        return self.resolved / self.interactions if self.interactions else None


def interactions_per_day() -> list[DayCount]:
    """One entry per calendar day (UTC) from the first to the last interaction, gaps as 0."""
    if connection.vendor == "sqlite":
        # Stored as UTC text "YYYY-MM-DD HH:MM:SS": the date is the first ten characters
        # (TruncDate would call a Python function for every row).
        day = Substr("timestamp", 1, 10)
    else:
        day = TruncDate("timestamp", tzinfo=UTC)
    rows = (
        Interaction.objects.annotate(day=day)
        .values("day")
        .annotate(n=Count("id"), resolved=Count("person"))
        .order_by("day")
    )
    found = {date.fromisoformat(str(row["day"])[:10]): (row["n"], row["resolved"]) for row in rows}
    if not found:
        return []
    first, last = min(found), max(found)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        n, resolved = found.get(day, (0, 0))
        days.append(DayCount(day, n, resolved))
    return days


def gaps(days: list[DayCount]) -> list[tuple[date, date]]:
    """Runs of consecutive days without any interaction, as (first day, last day)."""
    runs, start = [], None
    for entry in days:
        if entry.interactions == 0 and start is None:
            start = entry.day
        elif entry.interactions and start is not None:
            runs.append((start, entry.day - timedelta(days=1)))
            start = None
    return runs


def events_by_type() -> dict[str, int]:
    rows = Interaction.objects.values("event").annotate(n=Count("id")).order_by("event")
    return {row["event"]: row["n"] for row in rows}


@dataclass(frozen=True)
class IdentityReport:
    interactions: int
    resolved_interactions: int
    visitors: int
    resolved_visitors: int
    people_with_several_devices: int
    most_devices: list[tuple[str, int]]
    conflicts: list[Identity]
    conflict_count: int
    top_unresolved: list[dict]

    @property
    def resolved_share(self) -> float | None:
        return self.resolved_interactions / self.interactions if self.interactions else None

    @property
    def resolved_percent(self) -> float | None:
        share = self.resolved_share
        return None if share is None else 100 * share


def identity_report(limit: int = 10) -> IdentityReport:
    """Share resolved, people with several devices, conflicts, unresolved visitors by events."""
    totals = Interaction.objects.aggregate(n=Count("id"), resolved=Count("person"))
    web = Identity.objects.filter(source=Identity.Source.WEB)
    visitors = web.aggregate(n=Count("id"), resolved=Count("id", filter=Q(status="resolved")))
    devices = (
        web.filter(status=Identity.Status.RESOLVED)
        .values("person__customer_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "person__customer_id")
    )
    conflicts = web.filter(status=Identity.Status.CONFLICT)
    unresolved = (
        Interaction.objects.filter(person__isnull=True)
        .values("visitor__external_id", "visitor__status")
        .annotate(n=Count("id"))
        .order_by("-n", "visitor__external_id")[:limit]
    )
    return IdentityReport(
        interactions=totals["n"],
        resolved_interactions=totals["resolved"],
        visitors=visitors["n"],
        resolved_visitors=visitors["resolved"],
        people_with_several_devices=devices.count(),
        most_devices=[(row["person__customer_id"], row["n"]) for row in devices[:limit]],
        conflicts=list(conflicts.order_by("external_id")[:limit]),
        conflict_count=conflicts.count(),
        top_unresolved=[
            {"visitor": r["visitor__external_id"], "status": r["visitor__status"], "events": r["n"]}
            for r in unresolved
        ],
    )
