"""One way of building plotly figures for the whole site (Data page and dashboard).

plotly.js is served from the site's own static files (``static/js/plotly.min.js``, loaded by
the template), so figures are rendered as HTML fragments without the library.
"""

from __future__ import annotations

import copy
import functools
import json
import math

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.html import format_html

LAYOUT = dict(
    margin=dict(l=50, r=20, t=50, b=40),
    height=320,
    template="plotly_white",
    font=dict(family="system-ui, sans-serif", size=13),
)
COLOURS = ("#2b6cb0", "#c05621", "#2f855a", "#805ad5", "#b83280", "#2c7a7b")


#: No mode bar: plotly.js styles it with a per-chart <style> element, which the CSP blocks.
CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}


def to_html(fig: go.Figure | dict) -> str:
    """A ``<figure>``: the title as its caption, and a ``<div>`` holding the figure as JSON
    that static/js/charts.js draws with plotly.js (the one way the site shows a chart).

    ``fig`` is a ``go.Figure`` or a plain ``{"data": [...], "layout": {...}}`` dict (the
    dashboard's builders return dicts: validating graph objects cost ~60 ms a figure). The
    title is HTML, not plotly's: it wraps on a phone, where plotly's would be cut off. No
    inline script: the page's Content-Security-Policy allows scripts from this site only.
    """
    figure = json.loads(pio.to_json(fig, validate=False)) if isinstance(fig, dict) else (
        json.loads(fig.to_json())
    )  # fmt: skip
    layout_ = figure.setdefault("layout", {})
    title = layout_.pop("title", None) or ""
    if isinstance(title, dict):
        title = title.get("text", "") or ""
    layout_["margin"] = {**layout_.get("margin", {}), "t": 10}
    figure["config"] = CONFIG
    return format_html(
        '<figure class="chart"><figcaption>{}</figcaption>'
        '<div class="chart-plot" data-plotly-figure="{}"></div></figure>',
        title,
        json.dumps(figure),
    )


@functools.cache
def _template() -> dict:
    return pio.templates[LAYOUT["template"]].to_plotly_json()


def layout(**extra) -> dict:
    """LAYOUT for a dict figure, with the named template spelled out for plotly.js."""
    out = copy.deepcopy({**LAYOUT, "template": _template()})
    out.update(extra)
    return out


def figure(traces: list[dict], **layout_extra) -> dict:
    return {"data": traces, "layout": layout(**layout_extra)}


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
                         y_title: str, percent: bool = False) -> dict:  # fmt: skip
    """One line per series (arm), error bars from ``{y}_ci_low`` / ``{y}_ci_high``."""
    traces = [
        {
            "type": "scatter",
            "x": [str(p[x]) for p in points],
            "y": [_num(p[y]) for p in points],
            "error_y": _error(points, y),
            "mode": "lines+markers",
            "name": str(name),
            "line": {"color": COLOURS[i % len(COLOURS)]},
        }
        for i, (name, points) in enumerate(series.items())
    ]
    axis = {"title": {"text": y_title}}
    if percent:
        axis.update(tickformat=".0%", range=[0, 1.02])
    return figure(traces, title={"text": title}, yaxis=axis, xaxis={"type": "category"})


def bars(labels: list, values: list, *, title: str, y_title: str = "",
         percent: bool = False) -> dict:  # fmt: skip
    trace = {"type": "bar", "x": [str(v) for v in labels], "y": [_num(v) for v in values],
             "marker": {"color": COLOURS[0]}}  # fmt: skip
    axis = {"title": {"text": y_title}}
    if percent:
        axis.update(tickformat=".0%")
    return figure([trace], title={"text": title}, yaxis=axis, xaxis={"type": "category"})


def scatter(points: list[dict], x: str, y: str, *, title: str, x_title: str, y_title: str,
            label: str | None = None, group: str | None = None) -> dict:  # fmt: skip
    """Points (dicts) as markers; one trace per ``group`` value, ``label`` as hover text."""
    groups: dict = {}
    for p in points:
        groups.setdefault(p[group] if group else "", []).append(p)
    traces = [
        {
            "type": "scatter",
            "x": [_num(p[x]) for p in pts],
            "y": [_num(p[y]) for p in pts],
            "mode": "markers+text" if label and len(points) <= 12 else "markers",
            "text": [str(p[label]) for p in pts] if label else None,
            "textposition": "top center",
            "name": str(name),
            "marker": {"size": 10 if len(points) <= 50 else 6, "color": COLOURS[i % len(COLOURS)]},
        }
        for i, (name, pts) in enumerate(groups.items())
    ]
    return figure(traces, title={"text": title}, xaxis={"title": {"text": x_title}},
                  yaxis={"title": {"text": y_title}}, showlegend=bool(group))  # fmt: skip
