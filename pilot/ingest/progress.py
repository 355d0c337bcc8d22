"""Progress of a running import, kept in a small JSON file beside the uploads.

Why a file: the import's writes run in one transaction, so progress written to the Extract
row would be invisible until commit (and lost on rollback); a file is seen at once by the
web process polling the status endpoint, whichever process runs the job, on SQLite or
PostgreSQL, with or without Redis. The file is removed when the import ends; the Extract row
then holds the final state.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings


def progress_path(extract_id: int) -> Path:
    return Path(settings.VAR_DIR) / "progress" / f"extract-{extract_id}.json"


def write_progress(extract_id: int, percent: int, message: str = "") -> None:
    """Atomically replace the progress file (readers never see half a file)."""
    path = progress_path(extract_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"percent": int(percent), "message": message, "at": time.time()}))
    os.replace(tmp, path)


def read_progress(extract_id: int) -> dict | None:
    try:
        return json.loads(progress_path(extract_id).read_text())
    except (OSError, ValueError):
        return None


def clear_progress(extract_id: int) -> None:
    progress_path(extract_id).unlink(missing_ok=True)
