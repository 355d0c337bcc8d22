"""Plotly figures of the Data page, rendered as HTML fragments (plotly.js is served locally)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import plotly.graph_objects as go

from pilot.dashboard.figures import LAYOUT, to_html  # noqa: F401 (the site's one way)
from pilot.ingest.quality import DayCount, gaps

MAX_SHADED_GAPS = 60


def per_day_figure(days: list[DayCount]) -> go.Figure:
    """Interactions per day over the true date range; days without data are shaded red."""
    fig = go.Figure(
        go.Bar(
            x=[d.day for d in days],
            y=[d.interactions for d in days],
            name="interactions",
            marker_color="#2b6cb0",
            hovertemplate="%{x|%a %Y-%m-%d}: %{y:,} interactions<extra></extra>",
        )
    )
    runs = gaps(days)
    half_day = timedelta(hours=12)  # a day's bar is centred on its midnight
    for first, last in runs[:MAX_SHADED_GAPS]:
        fig.add_vrect(
            x0=datetime.combine(first, time()) - half_day,
            x1=datetime.combine(last, time()) + half_day,
            fillcolor="#e53e3e",
            opacity=0.18,
            line_width=0,
        )
    missing = sum((last - first).days + 1 for first, last in runs)
    title = (
        f"Interactions per day: {days[0].day} to {days[-1].day} "
        f"({len(days)} days, {missing} without data, shaded)"
    )
    fig.update_layout(title=title, yaxis_title="interactions", bargap=0.05, **LAYOUT)
    fig.update_xaxes(**_day_axis(days))
    return fig


def _day_axis(days: list[DayCount]) -> dict:
    """Dates, never hours, on the x axis; one tick a day for short ranges."""
    axis = {"tickformat": "%Y-%m-%d"}
    if len(days) <= 14:
        axis["dtick"] = 86_400_000
    return axis


def resolved_share_figure(days: list[DayCount]) -> go.Figure:
    """Share of each day's interactions attributed to a person (days with data only)."""
    shown = [d for d in days if d.interactions]
    fig = go.Figure(
        go.Scatter(
            x=[d.day for d in shown],
            y=[d.resolved_share for d in shown],
            mode="lines+markers",
            marker_size=4,
            line_color="#2f855a",
            hovertemplate="%{x|%Y-%m-%d}: %{y:.1%} resolved<extra></extra>",
        )
    )
    fig.update_layout(
        title="Share of interactions resolved to a person, per day",
        yaxis=dict(tickformat=".0%", range=[0, 1.02]),
        **LAYOUT,
    )
    fig.update_xaxes(**_day_axis(days))
    return fig


def events_figure(events: dict[str, int]) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=list(events),
            y=list(events.values()),
            marker_color="#805ad5",
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    )
    fig.update_layout(title="Interactions by event type", **LAYOUT)
    return fig
