"""The dashboard's rated study, reused, and a reader of the report's tables."""

from html.parser import HTMLParser

import pytest

from tests.dashboard.conftest import fresh_cache, rated_study, study, versions, world  # noqa: F401

EVIL = '<script>alert(1)</script> see https://evil.example/x.png <img src=x onerror="alert(2)">'


class Tables(HTMLParser):
    """Every table of the report: (part id, h3 title, headers, rows of cell texts)."""

    def __init__(self):
        super().__init__()
        self.tables, self.part, self.title = [], None, ""
        self._in, self._cell, self._row = None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "part" in (attrs.get("class") or ""):
            self.part = attrs.get("id")
        elif tag == "h3":
            self._in, self.title = "h3", ""
        elif tag == "table":
            self.tables.append((self.part, self.title, [], []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "h3":
            self._in = None
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            _, _, headers, rows = self.tables[-1]
            (rows if headers else headers).extend([self._row] if headers else self._row)
            self._row = None

    def handle_data(self, data):
        if self._in == "h3":
            self.title += data
        if self._cell is not None:
            self._cell += data


def tables(html: str) -> list[dict]:
    """The report's tables as dicts: {"part", "title", "rows": [ {header: cell} ]}."""
    parser = Tables()
    parser.feed(html)
    return [
        {"part": part, "title": title.strip(), "rows": [dict(zip(headers, r, strict=True))
                                                         for r in rows if len(r) == len(headers)]}
        for part, title, headers, rows in parser.tables
    ]  # fmt: skip


def table(html: str, part: str, title_start: str) -> list[dict]:
    found = [t for t in tables(html) if t["part"] == part and t["title"].startswith(title_start)]
    assert found, f"no table {title_start!r} in part {part!r}"
    return found[0]["rows"]


@pytest.fixture
def report_html(rated_study):  # noqa: F811
    from pilot.report import build_report

    return build_report(rated_study)
