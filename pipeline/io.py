"""Shared ground for files: atomic writes, the one table writer, JSON and JSONL, reading tables.

Every file the project writes goes through :func:`atomic_open` (a temporary sibling moved into
place only on success, with the mode the umask gives), so an interrupted run never leaves a
half-written output and a co-coder on a shared server can open what was written; every CSV goes
through :class:`CsvTable`, UTF-8 with a BOM (Excel then shows Chinese), quoted where needed, and
with formula-like text neutralised, so no article can inject a formula into a coder's sheet.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping, Sequence

from pipeline.document import Document
from pipeline.errors import Errors, IrtagError

#: Cells starting with these characters are executed by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs) -> Iterator[IO]:
    """Open a temporary sibling of ``path`` and move it into place only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with open(tmp, mode, **kwargs) as handle:
            yield handle
        os.chmod(tmp, 0o666 & ~process_umask())  # mkstemp makes 0600; a plain open() follows the umask
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@functools.lru_cache(maxsize=1)
def process_umask() -> int:
    """The process's umask, read once: from ``/proc/self/status`` where Linux has it (reading it
    changes nothing), else by setting and restoring it (Python has no other way)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def neutralise(value: object) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: object, guard: bool) -> object:
    """A missing value (None, NaN) is an empty cell; text is neutralised where ``guard``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return neutralise(value) if guard else value


class CsvTable:
    """The one CSV writer: rows written as they come, moved into place on ``close``.

    ``guard=False`` keeps text exactly (data read back by irtag, such as gold corrections);
    every table meant for a spreadsheet keeps the formula guard.
    """

    def __init__(self, path: str | os.PathLike, columns: Sequence[str], *, guard: bool = True):
        self.path = Path(path)
        self.columns = tuple(columns)
        self.guard = guard
        self._context = atomic_open(self.path, "w", encoding="utf-8-sig", newline="")
        self._handle = self._context.__enter__()
        self._writer = csv.DictWriter(self._handle, fieldnames=self.columns, extrasaction="ignore")
        self._writer.writeheader()

    def write_rows(self, rows: Iterable[Mapping[str, object]]) -> None:
        for row in rows:
            self._writer.writerow({k: _cell(v, self.guard) for k, v in row.items()})
        self._handle.flush()

    def close(self) -> None:
        self._context.__exit__(None, None, None)

    def abort(self, exc: BaseException) -> None:
        self._context.__exit__(type(exc), exc, exc.__traceback__)

    def __enter__(self) -> "CsvTable":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc is None:
            self.close()
        else:
            self.abort(exc)


def write_table(path: str | os.PathLike, table: Any, *, guard: bool = True) -> Path:
    """A pandas table as CSV through :class:`CsvTable` (index dropped)."""
    with CsvTable(path, [str(c) for c in table.columns], guard=guard) as out:
        out.write_rows(dict(zip(out.columns, row)) for row in table.itertuples(index=False, name=None))
    return Path(path)


def write_json(path: str | os.PathLike, data: Any, **options: Any) -> Path:
    """JSON, UTF-8 with Chinese kept readable, written atomically."""
    with atomic_open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, **options)
    return Path(path)


def write_document_jsonl(doc: Document, path: str | os.PathLike) -> None:
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(doc.to_json() + "\n")


def read_document_jsonl(path: str | os.PathLike) -> Document:
    with open(path, encoding="utf-8") as handle:
        return Document.from_json(handle.readline())


#: The list of a run's documents, in input order: ``OUT/manifest.json``.
RUN_MANIFEST = "manifest.json"


def iter_documents(out_dir: str | os.PathLike) -> Iterator[Document]:
    """A run's documents in input order (the manifest's), read one at a time."""
    out = Path(out_dir)
    manifest = out / RUN_MANIFEST
    if manifest.exists():
        ids = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
        paths = [out / "docs" / f"{doc_id}.jsonl" for doc_id in ids]
    else:
        paths = sorted((out / "docs").glob("*.jsonl"))
    for path in paths:
        yield read_document_jsonl(path)


#: What :func:`read_table` reads, by suffix (any other suffix is read as CSV: ``.txt`` exports).
TABLE_KINDS = {".csv": "CSV", ".tsv": "CSV", ".txt": "CSV", ".xlsx": "Excel", ".xlsm": "Excel",
               ".parquet": "Parquet"}
#: The delimiters spreadsheet programs write into a "CSV": comma, semicolon (where the decimal
#: mark is a comma), tab ("Unicode text").
CSV_DELIMITERS = (",", ";", "\t")


def read_table(path: str | os.PathLike) -> Any:
    """A coder's or user's table as strings, blanks kept as '' and header names stripped.

    CSV in any encoding :func:`pipeline.ingest.text.decode` detects (UTF-8 with or without BOM,
    UTF-16, GB18030/GBK, Big5, cp1252 …; a legacy one is reported as W001) and with the
    delimiter its header uses (:data:`CSV_DELIMITERS`); XLSX (the first sheet) and Parquet.
    A file that cannot be read is one IrtagError naming it (E114, E115).
    """
    path = Path(path)
    if not path.is_file():
        raise IrtagError(Errors.E010.format(path=path))
    suffix = path.suffix.lower()
    kind = TABLE_KINDS.get(suffix, "CSV")
    if suffix in (".xls", ".ods", ".numbers"):
        raise IrtagError(Errors.E115.format(path=path, suffix=suffix,
                                            supported="CSV, XLSX (Excel 2007 and later) or Parquet"))
    try:
        table = {"Excel": _read_excel, "Parquet": _read_parquet}.get(kind, _read_csv)(path)
    except IrtagError:
        raise
    except Exception as exc:  # noqa: BLE001 - readers raise their own types for a corrupt file
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise IrtagError(Errors.E114.format(path=path, kind=kind, reason=reason)) from exc
    table.columns = [str(column).strip() for column in table.columns]
    return table


def _read_excel(path: Path) -> Any:
    import pandas as pd

    return pd.read_excel(path, dtype=str, engine="openpyxl").fillna("")


def _read_parquet(path: Path) -> Any:
    import pandas as pd

    table = pd.read_parquet(path)
    return table.apply(lambda column: column.map(_text))


def _text(value: object) -> str:
    """A Parquet cell as the text a spreadsheet shows: blanks '', whole floats without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(path: Path) -> Any:
    import warnings

    import pandas as pd

    from pipeline.ingest.text import decode

    decoded = decode(path.read_bytes(), path)
    for warning in decoded.warnings:
        warnings.warn(warning, stacklevel=4)
    return pd.read_csv(io.StringIO(decoded.text), sep=_delimiter(decoded.text, path), dtype=str,
                       keep_default_na=False)


def _delimiter(text: str, path: Path) -> str:
    """Tab for ``.tsv``; else the delimiter the header row holds most of (a one-column table
    holds none, and reads as comma-separated)."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    header = text.partition("\n")[0]
    counts = {d: header.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
