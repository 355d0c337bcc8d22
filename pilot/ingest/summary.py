"""The Data page's aggregates, computed once per change of the data and stored.

Counting interactions per day, per event and per visitor scans every row: seconds at
millions of rows. ``data_summary()`` returns the stored aggregates (``DataSummary``) when
their *fingerprint* still matches the database (cheap queries: the extracts' count, last id
and last finish time, and the highest interaction and identity ids, each read from an
index), and recomputes and stores them otherwise. Imports refresh it when they finish
(``refresh``, in the import job and the command), so the page's own request only reads it.
"""

from __future__ import annotations

import time
from datetime import date

from django.db.models import Count, Max

from pilot.ingest import quality
from pilot.models import DataSummary, Extract, Identity, Interaction

NAME = "data"


def fingerprint() -> str:
    extracts = Extract.objects.aggregate(n=Count("id"), last=Max("id"), done=Max("finished_at"))
    interactions = Interaction.objects.aggregate(last=Max("id"))["last"]
    identities = Identity.objects.aggregate(last=Max("id"))["last"]
    done = extracts["done"].isoformat() if extracts["done"] else ""
    return f"e{extracts['n']}:{extracts['last']}:{done}|i{interactions}|v{identities}"


def compute() -> dict:
    """Every aggregate of the Data page, as JSON values."""
    days = quality.interactions_per_day()
    report = quality.identity_report()
    return {
        "days": [[d.day.isoformat(), d.interactions, d.resolved] for d in days],
        "events": quality.events_by_type(),
        "identities": {
            "interactions": report.interactions,
            "resolved_interactions": report.resolved_interactions,
            "visitors": report.visitors,
            "resolved_visitors": report.resolved_visitors,
            "people_with_several_devices": report.people_with_several_devices,
            "most_devices": report.most_devices,
            "conflicts": [{"external_id": i.external_id, "note": i.note} for i in report.conflicts],
            "conflict_count": report.conflict_count,
            "top_unresolved": report.top_unresolved,
        },
    }


def refresh() -> DataSummary:
    started = time.monotonic()
    mark = fingerprint()
    data = compute()
    summary, _ = DataSummary.objects.update_or_create(
        name=NAME,
        defaults={"fingerprint": mark, "data": data, "seconds": time.monotonic() - started},
    )
    return summary


def data_summary() -> dict:
    """The stored aggregates, recomputed first if the data changed since."""
    stored = DataSummary.objects.filter(name=NAME).first()
    if stored is None or stored.fingerprint != fingerprint():
        stored = refresh()
    return stored.data


def days_of(summary: dict) -> list[quality.DayCount]:
    return [quality.DayCount(date.fromisoformat(d), n, r) for d, n, r in summary["days"]]


def identity_report_of(summary: dict) -> quality.IdentityReport:
    values = dict(summary["identities"])
    values["most_devices"] = [tuple(pair) for pair in values["most_devices"]]
    return quality.IdentityReport(**values)
