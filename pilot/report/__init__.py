"""The report for the client: one self-contained HTML file about a study.

``build_report(study)`` returns the file's text; ``write_report(study, path)`` writes it
atomically (a temporary file in the same folder, then a rename). The file holds everything
it needs: plotly.js once, inline (``static/js/plotly.min.js``, with its network addresses
neutralised, see :func:`offline_plotly`), the figures as JSON drawn by the site's own
``static/js/charts.js`` (inline too), the site's plotly stylesheet and ``static/css/report.css``.
No ``src``, ``href`` or ``url()`` in it points anywhere but inside the file, and its own
Content-Security-Policy (``default-src 'none'``, the inline scripts and style allowed by their
SHA-256 hashes) makes any fetch fail even if one were attempted, so it opens offline from a
disk, a USB stick or an e-mail attachment. What is in it: docs/report.md.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from pilot.jobs import job
from pilot.report import definitions
from pilot.report.sections import PARTS, Context

#: XML namespace names plotly.js passes to ``createElementNS``/``setAttributeNS``: identifiers
#: that are never fetched (and that SVG needs verbatim). Every other ``http(s)://`` in the bundle
#: (map tiles and styles, fonts of maps, topojson, Chart Studio, comments) is neutralised.
NAMESPACES = (
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/XML/1998/namespace",
)
#: What an address other than a namespace becomes: not a URL any browser can fetch.
NEUTRALISED = "offline-removed:"
_URL = re.compile(r"https?://", re.IGNORECASE)
STATIC = Path(settings.BASE_DIR) / "static"


class ReportError(Exception):
    """The report cannot be built or written (named what and where)."""


def offline_plotly(source: str) -> str:
    """plotly.js with every ``http://``/``https://`` that is not an XML namespace rewritten.

    Those addresses serve maps (tiles, styles, glyphs), geo outlines (topojson from the CDN),
    the "edit in Chart Studio" link and comments (licences, issue links); the report draws
    none of these, and offline they could not work anyway. Also refuses a bundle that would
    end the inline ``<script>`` early.
    """

    def swap(match: re.Match) -> str:
        if source.startswith(NAMESPACES, match.start()):
            return match.group(0)
        return NEUTRALISED

    out = _URL.sub(swap, source)
    out = re.sub(r"^\s*//[#@] sourceMappingURL=.*$", "", out, flags=re.MULTILINE)
    for bad in ("</script", "<!--"):
        if bad in out.lower():
            raise ReportError(f"{STATIC / 'js' / 'plotly.min.js'} contains {bad!r}: it cannot "
                              "be inlined in a <script> element as it is")  # fmt: skip
    return out


def _read(relative: str) -> str:
    path = STATIC / relative
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReportError(f"cannot read {path}: {error.strerror or error}") from error


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


#: plotly.js bundles maplibre, which injects its own stylesheet unless an element has this id
#: (the same trick as templates/_plotly_head.html).
MAPLIBRE_CSS_ID = "9f215cf04c5486422605d13261cb87401f4e7763b6296af81e98efbc0130da53"


@functools.lru_cache(maxsize=2)
def _assets(stamp: tuple) -> tuple[str, str, str]:
    plotly = offline_plotly(_read("js/plotly.min.js"))
    charts = _read("js/charts.js")
    style = _read("css/plotly.css") + "\n" + _read("css/report.css")
    return plotly, charts, style


def assets() -> tuple[str, str, str]:
    """(plotly.js made offline, charts.js, the stylesheet), read again when a file changes."""
    files = ("js/plotly.min.js", "js/charts.js", "css/plotly.css", "css/report.css")
    return _assets(tuple((STATIC / f).stat().st_mtime_ns if (STATIC / f).exists() else 0
                         for f in files))  # fmt: skip


def document(title: str, body: str) -> str:
    """The whole file around ``body``: head with the inline style, scripts at the end."""
    plotly, charts, style = assets()
    policy = (
        f"default-src 'none'; script-src {_hash(plotly)} {_hash(charts)}; "
        f"style-src {_hash(style)}; img-src data:; font-src data:; base-uri 'none'; "
        "form-action 'none'"
    )
    # The one place the product writes inline <script>/<style>: this file is not served under
    # the site's CSP (the site sends it as an attachment); its own policy above allows these
    # three by hash and nothing else.
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="plotly-maplibre-css" id="{MAPLIBRE_CSS_ID}" content="not needed: no maps">\n'
        f'<style id="plotly.js-style-global" class="no-inline-styles">{style}</style>\n'
        f"</head>\n<body>\n{body}\n"
        f"<script>{plotly}</script>\n<script>{charts}</script>\n</body>\n</html>\n"
    )


def build_parts(study) -> tuple[list, list]:
    """The study's parts (in PARTS order) and the definitions of every term they show."""
    ctx = Context(type(study).objects.get(pk=study.pk))  # fresh from the database
    parts = [part(ctx) for part in PARTS]
    terms = [t for p in parts for t in p.terms]
    return parts, definitions.lookup(terms)


def build_report(study) -> str:
    parts, defined = build_parts(study)
    body = render_to_string(
        "report/report.html",
        {
            "study": study,
            "parts": parts,
            "definitions": defined,
            "generated": timezone.now(),
        },
    )
    return document(f"{study.name}: pilot report", body)


def write_report(study, path) -> Path:
    """Build the report and write it to ``path`` atomically; return the resolved path."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ReportError(f"{target} is a folder: give a file name, e.g. {target / 'report.html'}")
    if not folder.is_dir():
        raise ReportError(f"cannot write {target}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ReportError(f"cannot write {target}: the folder {folder} is not writable")
    text = build_report(study)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:  # e.g. a read-only file system, where even root cannot write
        raise ReportError(f"cannot write {target}: {error.strerror or error}") from error
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ReportError(f"cannot write {target}: {error.strerror or error}") from error
    return target.resolve()


def filename(study) -> str:
    return f"{study.key}-report-{timezone.localdate():%Y-%m-%d}.html"


#: Reports built for the download button, kept per study (older files are deleted).
KEEP_PER_STUDY = 3


def reports_dir() -> Path:
    return Path(settings.VAR_DIR) / "reports"


@job("other")
def report_job(study_id: int) -> dict:
    """The dashboard's download: build the report into ``VAR_DIR/reports/`` (a job: 1.5-2.4 s
    at the benchmark's full size, more for larger studies; docs/report.md, "Speed")."""
    from pilot.jobs import current_job_id, progress
    from pilot.models import Study

    study = Study.objects.get(pk=study_id)
    folder = reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    progress(5, f"building the report of {study.key}")
    path = write_report(study, folder / f"{study.key}-{current_job_id() or 0}.html")
    older = sorted(folder.glob(f"{study.key}-*.html"), key=lambda p: p.stat().st_mtime)
    for stale in older[:-KEEP_PER_STUDY]:
        stale.unlink(missing_ok=True)
    return {"study": study.key, "path": str(path), "filename": filename(study)}
