"""``import_extract``: one file in, one Extract out, all-or-nothing.

Steps:

1. ``scan_file`` checks the bytes (gzip, UTF-8, not empty) and computes the checksum. A file
   with the same kind and checksum as an imported Extract changes nothing: that Extract is
   returned (with ``already_imported = True``) and no row is written.
2. The Extract row is created (or the given one is used) and marked ``running``, committed
   on its own, *outside* the data transaction, so it survives a rollback.
3. The rows are read in chunks, validated and written inside one ``transaction.atomic()``.
   If the file turns out structurally broken half-way, or the share of rejected rows exceeds
   ``settings.IMPORT_MAX_REJECT_SHARE``, the transaction is rolled back: no row of the file
   stays. The Extract's final status (imported) is written inside the same transaction as the
   data, so "imported" and the data commit together.
4. After a rollback the Extract is marked ``rejected`` (the file's fault) or ``failed`` (an
   unexpected error), with its report and rejects, outside the data transaction.

Progress goes to a file (``pilot.ingest.progress``), never to the database, during step 3.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pilot.ingest.common import Context
from pilot.ingest.formats import FORMATS
from pilot.ingest.identities import IdentityImporter
from pilot.ingest.interactions import InteractionImporter
from pilot.ingest.people import PersonImporter
from pilot.ingest.progress import clear_progress, write_progress
from pilot.ingest.reader import ExtractError, check_header, read_chunks, scan_file
from pilot.ingest.recipes import RecipeImporter
from pilot.ingest.recovery import hold_lock, recover_interrupted_imports, release_lock, undo_import
from pilot.ingest.summary import refresh as refresh_summary
from pilot.ingest.validate import Check, Rejects, check_common, format_reject
from pilot.jobs import progress as job_progress
from pilot.models import Extract

logger = logging.getLogger(__name__)

IMPORTERS = {
    "recipes": RecipeImporter,
    "people": PersonImporter,
    "identities": IdentityImporter,
    "interactions": InteractionImporter,
}


class _Refused(Exception):
    """Roll the data transaction back; the file is rejected."""


class _DryRun(Exception):
    """Roll the data transaction back after a complete dry run."""


def import_extract(
    kind: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    user=None,
    extract: Extract | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int | None = None,
    max_reject_share: float | None = None,
) -> Extract:
    """Import one extract file of ``kind`` (recipes, people, identities, interactions).

    Parameters
    ----------
    kind : str
        One of ``pilot.ingest.formats.KINDS``.
    path : str or Path
        A CSV file, optionally gzip-compressed.
    dry_run : bool
        Validate and count everything, then roll back: the database is unchanged and the
        returned Extract is not saved (``pk`` is None).
    user : User, optional
        Recorded as ``uploaded_by``.
    extract : Extract, optional
        An Extract row created beforehand (by the upload page) to fill in.
    progress : callable, optional
        Called with the percentage done (0-100) after every chunk (the upload page's
        progress file is written anyway when the Extract is saved).
    chunk_rows : int, optional
        Rows per chunk (default ``reader.CHUNK_ROWS``, 100,000); tests use small chunks.
    max_reject_share : float, optional
        Share of rejected rows (0-1) above which nothing is imported; default
        ``settings.IMPORT_MAX_REJECT_SHARE`` (0.05).

    Returns
    -------
    Extract
        Status ``imported``, ``rejected`` (structural problem, or too many rejected rows:
        nothing imported) or ``failed`` (unexpected error, logged). ``report`` holds the
        quality report, ``rejects`` the rejected rows (line, column, reason, value).
    """
    if kind not in FORMATS:
        raise ValueError(f"unknown extract kind {kind!r}; expected one of {', '.join(FORMATS)}")
    path = Path(path)
    if extract is None:
        extract = Extract(kind=kind, name=path.name, uploaded_by=user)
    extract.kind = kind
    started = timezone.now()

    def report_progress(percent: int, message: str = "") -> None:
        if extract.pk and not dry_run:
            write_progress(extract.pk, percent, message)
        if progress:
            progress(percent)
        job_progress(percent, message)

    try:
        scan = scan_file(path, extract.name)
        warnings = check_header(scan, FORMATS[kind])
    except ExtractError as e:
        return _finish_refused(extract, str(e), {"kind": kind}, [], dry_run, started)

    extract.checksum = scan.checksum
    previous = previous_import(kind, scan.checksum)
    if previous is not None:
        if extract.pk and not dry_run:
            # An upload page's pending row: the file changes nothing, so neither does the
            # row (the page then shows the earlier extract, as the command names it).
            Extract.objects.filter(pk=extract.pk, status=Extract.Status.PENDING).delete()
        previous.already_imported = True
        return previous

    sqlite = connection.vendor == "sqlite"
    lock = None
    held = None
    if not dry_run:
        recover_interrupted_imports()
        if extract.pk is None:  # a row to lock before it is marked running
            extract.save()
        lock, held = hold_lock(extract.pk), extract.pk
        extract.status = Extract.Status.RUNNING
        extract.progress = 0
        extract.report = {"kind": kind, "started_at": started.isoformat()}
        extract.save()
    report_progress(0, "reading")

    rejects = Rejects()
    report: dict = {"kind": kind, "file": extract.name, "dry_run": dry_run}
    threshold = settings.IMPORT_MAX_REJECT_SHARE if max_reject_share is None else max_reject_share
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"max_reject_share must be between 0 and 1, got {threshold}")
    ctx = Context(extract=extract, scan=scan, now=started, warnings=warnings)
    steps = _Steps(extract, scan, ctx, rejects, report, threshold, report_progress, chunk_rows)
    try:
        if sqlite:
            steps.run_sqlite(dry_run)
        else:
            with transaction.atomic():
                steps.run_in_one_transaction(dry_run)
    except _DryRun:
        extract.pk = None
        extract.id = None
        return extract
    except _Refused as e:
        extract.rows_imported = 0
        return _finish_refused(extract, str(e), report, None, dry_run, started)
    except ExtractError as e:
        extract.rows_imported = 0
        return _finish_refused(extract, str(e), report, [], dry_run, started)
    except Exception as e:
        if _is_repeat_import(e):
            message = f"{extract.name}: the same file was imported at the same time by another job"
            return _finish_refused(extract, message, report, [], dry_run, started)
        logger.exception("Import of %s (%s) failed", extract.name, kind)
        if dry_run:
            extract.pk = extract.id = None
        extract.status = Extract.Status.FAILED
        extract.error = f"{extract.name}: unexpected error: {e.__class__.__name__}: {e}"
        extract.rows_imported = 0
        extract.progress = 100
        extract.finished_at = timezone.now()
        if extract.pk:
            extract.save()
        return extract
    finally:
        if extract.pk and not dry_run:
            clear_progress(extract.pk)
        if held is not None:
            release_lock(lock, held)
    return extract


class _Steps:
    """The steps of one import after the file was scanned: read, validate, write, conclude."""

    def __init__(self, extract, scan, ctx, rejects, report, threshold, report_progress, chunk_rows):
        self.extract, self.scan, self.ctx = extract, scan, ctx
        self.rejects, self.report, self.threshold = rejects, report, threshold
        self.report_progress, self.chunk_rows = report_progress, chunk_rows
        self.importer = None  # made inside the transaction (PostgreSQL: its temporary tables)

    def read(self, share_of_progress: float) -> int:
        """Every chunk through the common checks and the importer; return rows read."""
        fmt = FORMATS[self.extract.kind]
        rows_read = 0
        options = {"chunk_rows": self.chunk_rows} if self.chunk_rows else {}
        for rows, lines, done in read_chunks(self.scan, **options):
            check = Check(rows, lines)
            check_common(check, fmt)
            self.importer.process(check)
            self.rejects.add(check)
            rows_read += len(rows)
            percent = min(99, int(done * 100 * share_of_progress))
            self.report_progress(percent, f"{rows_read:,} rows read")
        if rows_read == 0:
            raise ExtractError(f"{self.extract.name}: empty file: a header row but no data rows")
        self.rows_read = rows_read
        return rows_read

    def conclude(self, extra: dict) -> None:
        """Fill the report; refuse the file (``_Refused``) when too many rows were rejected."""
        extract, rejects, report = self.extract, self.rejects, self.report
        duplicates = extra.pop("duplicates", [])
        rejects.add_entries(duplicates, rows=len(duplicates))
        share = rejects.rows / self.rows_read
        report.update(extra)
        report.update(
            rows_read=self.rows_read,
            rows_rejected=rejects.rows,
            reject_share=round(share, 6),
            max_reject_share=self.threshold,
            rejects_by_reason=dict(rejects.by_reason.most_common()),
            rejects_kept=len(rejects.entries),
            warnings=self.ctx.warnings,
        )
        _fill(extract, report, rejects)
        if share > self.threshold:
            raise _Refused(
                f"{extract.name}: {rejects.rows:,} of {self.rows_read:,} rows rejected "
                f"({share:.1%}), more than the allowed {self.threshold * 100:g}%: nothing imported"
            )

    def mark_imported(self, dry_run: bool, *, save: bool = True) -> None:
        extract = self.extract
        extract.rows_imported = self.rows_read - self.rejects.rows
        extract.status = Extract.Status.IMPORTED
        extract.progress = 100
        extract.finished_at = timezone.now()
        self.report["seconds"] = round((extract.finished_at - self.ctx.now).total_seconds(), 3)
        if save:
            extract.save()
        if dry_run:
            raise _DryRun

    def run_in_one_transaction(self, dry_run: bool) -> None:
        """PostgreSQL: everything in the caller's transaction (other writers are not held up:
        rows of an uncommitted transaction lock nothing that the site writes)."""
        if dry_run:
            self.extract.save()  # rolled back with everything else
        self.importer = IMPORTERS[self.extract.kind](self.ctx)
        with ExitStack() as cleanup:
            if hasattr(self.importer, "close"):  # e.g. a background INSERT still running
                cleanup.callback(self.importer.close)
            self.read(1.0)
            extra = self.importer.finish()
        self.conclude(extra)
        self.mark_imported(dry_run)

    def run_sqlite(self, dry_run: bool) -> None:
        """SQLite: read and validate with no write lock held; then write in short transactions.

        Interactions are staged and merged in batches (``sql.SqliteStage``); if the import
        fails or is killed during the merge, its rows are removed (here, or by
        ``recover_interrupted_imports`` on the next run). The other kinds, small by nature,
        are written in one transaction after the whole file was read.
        """
        importer = self.importer = IMPORTERS[self.extract.kind](self.ctx)
        with ExitStack() as cleanup:
            if hasattr(importer, "close"):
                cleanup.callback(importer.close)
            if getattr(importer, "stage", None) is None:
                self.read(0.9)
                with transaction.atomic():
                    if dry_run:
                        self.extract.save()
                    self.conclude(importer.finish())
                    self.mark_imported(dry_run)
                return
            self.read(0.6)
            self.conclude(importer.finish())
            if dry_run:
                self.report.update(importer.merge(dry_run=True))
                self.mark_imported(dry_run, save=False)
            try:
                written = importer.merge(
                    lambda share: self.report_progress(60 + int(39 * share), "writing")
                )
                self.report.update(written)
                with transaction.atomic():
                    self.mark_imported(dry_run)
            except BaseException:
                undo_import(self.extract)
                raise


def import_upload(extract_id: int, path: str | Path, *, keep_file: bool = False) -> int:
    """Import an uploaded file into its pending Extract; return the id of the Extract that
    holds the result (an earlier one when the same file was already imported).

    The uploaded file is deleted afterwards (the Extract keeps its checksum and report)
    unless ``keep_file``.
    """
    extract = Extract.objects.filter(pk=extract_id).first()
    try:
        if extract is None or extract.status != Extract.Status.PENDING:
            logger.info("Extract %s is not pending; not importing it again", extract_id)
            return extract_id
        result = import_extract(extract.kind, path, user=extract.uploaded_by, extract=extract)
    finally:
        if not keep_file:
            Path(path).unlink(missing_ok=True)
    if result.status == Extract.Status.IMPORTED and not getattr(result, "already_imported", False):
        refresh_summary()
    if keep_file and result.pk == extract_id:
        Extract.objects.filter(pk=extract_id).update(
            report={**result.report, "kept_file": str(path)}
        )
    return result.pk


def previous_import(kind: str, checksum: str) -> Extract | None:
    """The imported Extract of the same kind with this checksum, if any."""
    return Extract.objects.filter(
        kind=kind, checksum=checksum, status=Extract.Status.IMPORTED
    ).first()


def _is_repeat_import(error: Exception) -> bool:
    """The unique constraint on imported (kind, checksum) fired: a concurrent twin won."""
    text = str(error)
    return isinstance(error, IntegrityError) and (
        "extract_imported_once" in text or "pilot_extract.kind, pilot_extract.checksum" in text
    )


def _fill(extract: Extract, report: dict, rejects: Rejects) -> None:
    extract.rows_read = report["rows_read"]
    extract.rows_rejected = report["rows_rejected"]
    extract.rejects = rejects.sorted_entries()
    extract.report = report


def _finish_refused(extract, message, report, rejects, dry_run, started) -> Extract:
    """Record a refused file: status rejected, the message, the report, nothing imported."""
    extract.status = Extract.Status.REJECTED
    extract.error = message
    extract.progress = 100
    extract.rows_imported = 0
    extract.finished_at = timezone.now()
    report = {**report, "error": message}
    report["seconds"] = round((extract.finished_at - started).total_seconds(), 3)
    extract.report = report
    if rejects is not None:
        extract.rejects = rejects
    if dry_run:
        extract.pk = extract.id = None
    else:
        extract.save()
    return extract


def report_lines(extract: Extract, *, max_rejects: int = 20) -> list[str]:
    """The import report as text lines: what the command prints and the page shows."""
    report = extract.report or {}
    lines = []
    if getattr(extract, "already_imported", False):
        return [
            f"{extract.name}: already imported as extract #{extract.pk} on "
            f"{extract.finished_at:%Y-%m-%d %H:%M}; nothing changed (that extract's report: "
            f"/staff/data/extracts/{extract.pk}/)"
        ]
    head = "DRY RUN: nothing written. " if report.get("dry_run") else ""
    lines.append(
        f"{head}{extract.kind} extract {extract.name}: {extract.status.upper()} - "
        f"{extract.rows_read:,} rows read, {extract.rows_imported:,} imported, "
        f"{extract.rows_rejected:,} rejected"
    )
    if extract.error:
        lines.append(f"Error: {extract.error}")
    if extract.date_min:
        lines.append(
            f"Dates: {extract.date_min:%Y-%m-%d %H:%M} to {extract.date_max:%Y-%m-%d %H:%M} UTC"
        )
    counts = report.get("counts") or {}
    if extract.status != Extract.Status.IMPORTED and counts:
        lines.append("  (nothing was written; the counts below are what would have been)")
    for name, value in counts.items():
        lines.append(f"  {name}: {value:,}")
    if report.get("events"):
        lines.append(
            "  events: " + ", ".join(f"{k} {v:,}" for k, v in sorted(report["events"].items()))
        )
    if report.get("interactions_reattributed"):
        lines.append(
            f"  interactions re-attributed (late links, conflicts): {report['interactions_reattributed']:,}"
        )
    for conflict in report.get("conflicts", [])[:10]:
        lines.append(
            f"  conflict: visitor {conflict['visitor_id']} linked to {', '.join(conflict['customers'])}"
        )
    if "unknown_ingredients_total" in report:
        lines.append(
            f"  unknown ingredients (each breaks every label): {report['unknown_ingredients_in_file']:,}"
            f" in this file, {report['unknown_ingredients_total']:,} on the worklist"
            " (/staff/ingredients/); the top by impact:"
        )
        for name, recipes, participants in report.get("unknown_ingredients_top", []):
            lines.append(
                f"    {name}: {recipes:,} recipes, {participants:,} restricted participants blocked"
            )
    for text in report.get("label_contradictions", [])[:10]:
        lines.append(f"  warning: {text}")
    for text in report.get("warnings", []):
        lines.append(f"  warning: {text}")
    if report.get("rejects_by_reason"):
        lines.append("Rejected rows by reason:")
        for reason, count in report["rejects_by_reason"].items():
            lines.append(f"  {count:,} x {reason}")
        for entry in (extract.rejects or [])[:max_rejects]:
            lines.append("  " + format_reject(extract.name, entry))
        more = extract.rows_rejected - min(max_rejects, len(extract.rejects or []))
        if max_rejects and more > 0:  # max_rejects=0: the caller shows the rows itself
            lines.append("  ... and more: download the rejects CSV for all kept rows")
    return lines
