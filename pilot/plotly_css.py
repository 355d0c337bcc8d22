"""Write static/css/plotly.css: the style rules plotly.js would inject into the page itself.

plotly.js adds its stylesheet at run time through a ``<style>`` element, which the site's
Content-Security-Policy (``style-src 'self'``) blocks. It skips that when the page already
has an element ``#plotly.js-style-global.no-inline-styles``: the Data page links this file
with that id and class. Run ``python -m pilot.plotly_css`` after replacing
static/js/plotly.min.js (tests/test_security.py checks that the two match).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
BUNDLE = STATIC / "js" / "plotly.min.js"
CSS = STATIC / "css" / "plotly.css"

_STRING = r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'"
_PAIR = re.compile(rf"({_STRING})\s*:\s*({_STRING})")
_MAP = re.compile(r"(\w+)=(\{\"X,X div\".*?\});for\(\w+ in \1\)", re.S)


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def rules(bundle: str) -> dict[str, str]:
    """Selector -> declarations, as plotly.js's ``addStyleRule`` calls would add them."""
    found = _MAP.search(bundle)
    if found is None:
        raise ValueError(f"{BUNDLE.name}: plotly.js's style rule map was not found")
    out = {}
    for key, value in _PAIR.findall(found.group(2)):
        selector = (
            re.sub("^,", " ,", _unquote(key))
            .replace("X", ".js-plotly-plot .plotly")
            .replace("Y", ".plotly-notifier")
        )
        out[selector] = _unquote(value)
    return out


def stylesheet(bundle: str) -> str:
    version = re.search(r"plotly\.js (v[\d.]+)", bundle)
    head = (
        f"/* plotly.js {version.group(1) if version else ''} style rules, written by "
        "`python -m pilot.plotly_css` from static/js/plotly.min.js. Do not edit. */\n"
    )
    # plotly.js inserts each rule at the top of its sheet, so the last one comes first.
    body = "".join(f"{sel}{{{decl}}}\n" for sel, decl in reversed(list(rules(bundle).items())))
    return head + body


if __name__ == "__main__":
    CSS.write_text(stylesheet(BUNDLE.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"wrote {CSS}\n")
