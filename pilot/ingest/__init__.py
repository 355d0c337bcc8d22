"""Data extracts in: recipes, people, identities and web interactions (docs/data.md).

The one entry point is ``import_extract(kind, path, ...) -> Extract``; the management
command, the staff upload page and the demo all go through it.
"""

from pilot.ingest.formats import FORMATS, KINDS
from pilot.ingest.reader import ExtractError
from pilot.ingest.recovery import recover_interrupted_imports
from pilot.ingest.run import import_extract, import_upload, report_lines

__all__ = [
    "FORMATS",
    "KINDS",
    "ExtractError",
    "import_extract",
    "import_upload",
    "recover_interrupted_imports",
    "report_lines",
]
