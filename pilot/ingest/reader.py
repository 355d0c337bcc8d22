"""Reading an extract file: one cheap pass of checks, then the rows in chunks with pandas.

``scan_file`` reads the bytes once (SHA-256 checksum, UTF-8 check, gzip check, line count,
header row) and refuses a structurally broken file before anything touches the database.
``read_chunks`` then yields the data rows as DataFrames of strings, with the physical line
number of every row so each reject can name its line.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pilot.ingest.formats import Format

BLOCK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
#: Name of the sentinel column that catches a field too many in a row.
EXTRA = "__extra__"
CHUNK_ROWS = 100_000


class ExtractError(Exception):
    """The whole file is refused; the message names the file, the line if any, and the problem."""


@dataclass(frozen=True)
class Scan:
    """What one pass over the bytes learnt about the file."""

    path: Path
    name: str
    checksum: str
    compressed: bool
    size: int
    lines: int
    has_quotes: bool
    header: tuple[str, ...]


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


def scan_file(path: str | Path, name: str | None = None) -> Scan:
    """Checksum and structural checks of the file's (uncompressed) content.

    The checksum is the SHA-256 of the uncompressed bytes, so ``x.csv`` and ``x.csv.gz``
    with the same content are the same extract.

    Raises
    ------
    ExtractError
        Empty file, not gzip although it starts like one, not UTF-8, binary content.
    """
    path = Path(path)
    name = name or path.name
    if not path.exists():
        raise ExtractError(f"{name}: no such file")
    compressed = _is_gzip(path)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = lines = 0
    has_quotes = False
    head = b""
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as f:
            while block := f.read(BLOCK):
                if b"\x00" in block:
                    line = lines + block[: block.index(b"\x00")].count(b"\n") + 1
                    raise ExtractError(
                        f"{name}: line {line}: binary content (a NUL byte): not a CSV text file"
                    )
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as e:
                    line = lines + block[: max(e.start, 0)].count(b"\n") + 1
                    raise ExtractError(
                        f"{name}: line {line}: not UTF-8 text (byte 0x{block[e.start]:02x} "
                        "cannot be decoded); save the file as UTF-8"
                    ) from None
                digest.update(block)
                size += len(block)
                lines += block.count(b"\n")
                has_quotes = has_quotes or b'"' in block
                if b"\n" not in head:  # the whole header row, however long it is
                    head += block
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ExtractError(f"{name}: not UTF-8 text: the file ends inside a character") from None
    except (OSError, EOFError, zlib.error) as e:
        raise ExtractError(f"{name}: not a readable gzip file ({e})") from None
    if size == 0:
        raise ExtractError(f"{name}: empty file (0 bytes)")
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        raise ExtractError(f"{name}: line 1: empty header row; expected column names")
    header = tuple(c.strip().lower() for c in next(csv.reader([first_line])))
    if not text.endswith("\n"):
        lines += 1
    return Scan(path, name, digest.hexdigest(), compressed, size, lines, has_quotes, header)


def check_header(scan: Scan, fmt: Format) -> list[str]:
    """Refuse a header without the required columns; return warnings about the rest."""
    seen = set()
    for column in scan.header:
        if column in seen:
            raise ExtractError(f"{scan.name}: line 1: the header row repeats column '{column}'")
        seen.add(column)
    missing = [c for c in fmt.required if c not in seen]
    if missing:
        hint = ""
        if len(scan.header) == 1 and re.search(r"[;\t]", scan.header[0]):
            hint = " Columns must be separated by commas."
        raise ExtractError(
            f"{scan.name}: line 1: missing required column(s) {', '.join(missing)} for a "
            f"{fmt.kind} extract; the header row has: {', '.join(scan.header) or '(nothing)'}."
            + hint
        )
    unknown = [c for c in scan.header if c not in fmt.names]
    if unknown:
        return [f"ignored unknown column(s): {', '.join(unknown)}"]
    return []


def _parser_error(scan: Scan, error: Exception) -> ExtractError:
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
    if match:
        return ExtractError(
            f"{scan.name}: line {match[2]}: {match[3]} fields but the header row has "
            f"{len(scan.header)} columns; not valid CSV"
        )
    return ExtractError(f"{scan.name}: not valid CSV ({str(error).strip()})")


def read_chunks(
    scan: Scan, chunk_rows: int = CHUNK_ROWS
) -> Iterator[tuple[pd.DataFrame, np.ndarray, float]]:
    """Yield ``(rows, line_numbers, fraction_done)`` for the data rows, ``chunk_rows`` at a time.

    Every cell is a string (missing cells are ``""``). Lines with no value at all are
    skipped. A row with more fields than the header refuses the file (``ExtractError``):
    its columns cannot be told apart. Line numbers are physical lines of the file (a quoted
    value with line breaks spans several).
    """
    names = [*scan.header, EXTRA]
    try:
        reader = pd.read_csv(
            scan.path,
            compression="gzip" if scan.compressed else None,
            encoding="utf-8-sig",
            header=None,
            skiprows=1,
            names=names,
            index_col=False,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            chunksize=chunk_rows,
        )
        next_line = 2
        for chunk in _guard(reader, scan):
            n = len(chunk)
            if scan.has_quotes:
                breaks = np.zeros(n, dtype=np.int64)
                for column in scan.header:
                    breaks += chunk[column].str.count("\n").to_numpy(dtype=np.int64)
                shift = np.concatenate(([0], np.cumsum(breaks)[:-1]))
                lines = next_line + np.arange(n, dtype=np.int64) + shift
                next_line = int(lines[-1] + breaks[-1] + 1) if n else next_line
            else:
                lines = next_line + np.arange(n, dtype=np.int64)
                next_line += n
            extra = chunk[EXTRA].to_numpy() != ""
            if extra.any():
                line = int(lines[np.argmax(extra)])
                raise ExtractError(
                    f"{scan.name}: line {line}: more fields than the header row has columns "
                    f"({len(scan.header)}); not valid CSV"
                )
            chunk = chunk.drop(columns=EXTRA)
            blank = (chunk == "").all(axis=1).to_numpy()
            if blank.any():
                chunk, lines = chunk[~blank], lines[~blank]
            done = min(1.0, (next_line - 1) / max(scan.lines, 1))
            yield chunk.reset_index(drop=True), lines, done
    except pd.errors.ParserError as e:
        raise _parser_error(scan, e) from None


def _guard(reader, scan: Scan):
    with reader:
        try:
            yield from reader
        except pd.errors.EmptyDataError:
            return
        except (UnicodeDecodeError, ValueError) as e:
            if isinstance(e, pd.errors.ParserError):
                raise
            raise ExtractError(f"{scan.name}: not valid CSV ({e})") from None
