"""One way of building plotly figures for the whole site (Data page and dashboard).

plotly.js is served from the site's own static files (``static/js/plotly.min.js``, loaded by
the template), so figures are rendered as HTML fragments without the library.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

LAYOUT = dict(
    margin=dict(l=50, r=20, t=50, b=40),
    height=320,
    template="plotly_white",
    font=dict(family="system-ui, sans-serif", size=13),
)
COLOURS = ("#2b6cb0", "#c05621", "#2f855a", "#805ad5", "#b83280", "#2c7a7b")


def to_html(fig: go.Figure) -> str:
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True},
    )


def _num(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _error(points, key):
    up = [_num(p[f"{key}_ci_high"]) for p in points]
    down = [_num(p[f"{key}_ci_low"]) for p in points]
    mid = [_num(p[key]) for p in points]
    return dict(
        type="data",
        symmetric=False,
        array=[None if h is None or m is None else h - m for h, m in zip(up, mid, strict=True)],
        arrayminus=[
            None if lo is None or m is None else m - lo for lo, m in zip(down, mid, strict=True)
        ],
    )


def lines_with_intervals(series: dict[str, list[dict]], x: str, y: str, *, title: str,
                         y_title: str, percent: bool = False) -> go.Figure:  # fmt: skip
    """One line per series (arm), error bars from ``{y}_ci_low`` / ``{y}_ci_high``."""
    fig = go.Figure()
    for i, (name, points) in enumerate(series.items()):
        fig.add_trace(
            go.Scatter(
                x=[p[x] for p in points],
                y=[_num(p[y]) for p in points],
                error_y=_error(points, y),
                mode="lines+markers",
                name=str(name),
                line_color=COLOURS[i % len(COLOURS)],
            )
        )
    axis = dict(title=y_title)
    if percent:
        axis.update(tickformat=".0%", range=[0, 1.02])
    fig.update_layout(title=title, yaxis=axis, **LAYOUT)
    fig.update_xaxes(type="category")
    return fig


def bars(labels: list, values: list, *, title: str, y_title: str = "",
         percent: bool = False) -> go.Figure:  # fmt: skip
    fig = go.Figure(go.Bar(x=[str(v) for v in labels], y=values, marker_color=COLOURS[0]))
    axis = dict(title=y_title)
    if percent:
        axis.update(tickformat=".0%")
    fig.update_layout(title=title, yaxis=axis, **LAYOUT)
    return fig


def scatter(points: list[dict], x: str, y: str, *, title: str, x_title: str, y_title: str,
            label: str | None = None, group: str | None = None) -> go.Figure:  # fmt: skip
    """Points (dicts) as markers; one trace per ``group`` value, ``label`` as hover text."""
    groups: dict = {}
    for p in points:
        groups.setdefault(p[group] if group else "", []).append(p)
    fig = go.Figure()
    for i, (name, pts) in enumerate(groups.items()):
        fig.add_trace(
            go.Scatter(
                x=[_num(p[x]) for p in pts],
                y=[_num(p[y]) for p in pts],
                mode="markers+text" if label and len(points) <= 12 else "markers",
                text=[str(p[label]) for p in pts] if label else None,
                textposition="top center",
                name=str(name),
                marker=dict(size=10 if len(points) <= 50 else 6, color=COLOURS[i % len(COLOURS)]),
            )
        )
    fig.update_layout(
        title=title, xaxis_title=x_title, yaxis_title=y_title, showlegend=bool(group), **LAYOUT
    )
    return fig
