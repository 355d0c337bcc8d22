"""The definition of every number in the report, read from the docs when the report is built.

The definitions are written once, in docs/metrics.md (metrics and statistics) and in
docs/dashboard.md (the pilot's own numbers: response rate, mean stars, liked share, the
pages' tables); this module parses them, so the report can never disagree with the docs.

Two shapes are read:

* a table row, ``| term | definition | example |``: the term is the first cell, the other
  cells are kept with their column headers;
* a bullet that starts with a bold term, ``- **Term** ...`` (with its indented continuation
  paragraphs): every bold phrase of its first paragraph names the bullet, so
  "**Participants** ...; **response rate** = ..." defines both.

A term the report asks for and the docs do not define is an error (:class:`MissingDefinition`),
so renaming a heading or a term in the docs cannot silently drop a definition.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.html import escape

#: The documents read, relative to the project root.
SOURCES = ("docs/metrics.md", "docs/dashboard.md")

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


class MissingDefinition(LookupError):
    """A term the report shows has no definition in the docs."""


@dataclass(frozen=True)
class Definition:
    term: str  # as the docs write it
    source: str  # "docs/metrics.md, Ranking metrics"
    paragraphs: tuple[str, ...]  # markdown source

    def html(self) -> str:
        return "".join(f"<p>{inline(p)}</p>" for p in self.paragraphs)


def normalise(term: str) -> str:
    return re.sub(r"\s+", " ", term.replace("`", "").strip(" .:;,").lower())


def inline(markdown: str) -> str:
    """The inline markdown the docs use, as HTML: escaped text, `code`, **bold**, links as text."""
    text = markdown.replace("\\|", "|")
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links: their text only
    parts = re.split(r"(`[^`]*`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{escape(part[1:-1])}</code>")
        else:
            html = escape(part)
            html = _BOLD.sub(r"<strong>\1</strong>", html)
            out.append(html)
    return "".join(out)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _CELL_SPLIT.split(line.strip().strip("|"))]


def parse(markdown: str, name: str) -> dict[str, Definition]:
    """Every defined term of one document: normalised term -> Definition."""
    found: dict[str, Definition] = {}
    lines = markdown.splitlines()
    heading = ""
    in_code = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            in_code = not in_code
            i += 1
            continue
        if in_code:
            i += 1
            continue
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif (
            line.startswith("|")
            and i + 1 < len(lines)
            and re.match(r"^\|[\s|:-]+\|$", lines[i + 1])
        ):
            headers = _cells(line)
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = _cells(lines[i])
                term = _BOLD.sub(r"\1", cells[0])
                paragraphs = tuple(
                    f"**{h}**: {c}" if j > 1 else c
                    for j, (h, c) in enumerate(zip(headers, cells, strict=False))
                    if j and c
                )
                found.setdefault(
                    normalise(term), Definition(term, f"{name}, {heading}", paragraphs)
                )
                i += 1
            continue
        elif match := re.match(r"^- \*\*(.+?)\*\*", line):
            body = [line[2:].strip()]
            i += 1
            while i < len(lines):
                nxt = lines[i]
                if nxt.startswith("  ") and nxt.strip():
                    body.append(nxt.strip())
                elif not nxt.strip() and i + 1 < len(lines) and lines[i + 1].startswith("  "):
                    body.append("")
                else:
                    break
                i += 1
            paragraphs = tuple(" ".join(p.split("\n")) for p in "\n".join(body).split("\n\n"))
            first = paragraphs[0]
            definition = Definition(match.group(1), f"{name}, {heading}", paragraphs)
            for term in _BOLD.findall(first):
                found.setdefault(normalise(term), definition)
            continue
        i += 1
    return found


@functools.cache
def _all(root: str) -> dict[str, Definition]:
    out: dict[str, Definition] = {}
    for source in SOURCES:
        text = (Path(root) / source).read_text(encoding="utf-8")
        for key, value in parse(text, source).items():
            out.setdefault(key, value)
    return out


def lookup(terms, root: Path | None = None) -> list[Definition]:
    """The definitions of ``terms`` in order, each once (a bullet naming two terms: once)."""
    known = _all(str(root or settings.BASE_DIR))
    out: list[Definition] = []
    for term in terms:
        definition = known.get(normalise(term))
        if definition is None:
            raise MissingDefinition(
                f"The report shows {term!r} but none of {', '.join(SOURCES)} defines it "
                "(a table row or a bullet starting with the bold term)."
            )
        if definition not in out:
            out.append(definition)
    return out
