"""Everything ``irtag run`` writes beside the per-document JSONL, from one pass over the documents.

:class:`CorpusOutputs` takes each document (and its sentence rows) as the batch gathers it, in
input order, and writes what can be written then: ``annotations.jsonl``, ``sentences.parquet``
(in row groups), the QDA project (its writer runs beside the pass, fed one document at a time)
and the comparison's tallies. What needs the whole corpus first -- the comparison tables, the
report (corpus tables at the top) -- is written when the pass ends; the report is the only
writer that reads the documents back from ``OUT/docs``, one at a time.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import threading
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from pipeline.compare import CorpusComparison
from pipeline.document import Document
from pipeline.export.report import write_report
from pipeline.export.refi import CodeSpec, write_codebook, write_project, write_taguette_codebook
from pipeline.export.tables import ANNOTATION_FIELDS, annotation_records, sentence_columns, write_sentence_copies
from pipeline.io import RUN_MANIFEST, atomic_open, iter_documents, neutralise, write_json, write_table

#: Sentence rows per Parquet row group.
PARQUET_ROWS = 10_000


def write_manifest(out_dir: str | os.PathLike, doc_ids: Sequence[str]) -> None:
    write_json(Path(out_dir) / RUN_MANIFEST, {"documents": list(doc_ids)}, indent=1)


def write_comparison(comparison: CorpusComparison, out_dir: str | os.PathLike) -> list[Path]:
    out = Path(out_dir)
    tables = {
        "documents.csv": comparison.documents_table(),
        "matrix_labels.csv": comparison.label_matrix().reset_index(),
        "factor_stage.csv": comparison.factor_stage_all(),
        "org_pairs.csv": comparison.pairs_table(),
    }
    return [write_table(out / name, table) for name, table in tables.items()]


def compare_run(out_dir: str | os.PathLike) -> list[Path]:
    """``irtag compare``: the comparison tables of a run, from its documents one at a time."""
    from pipeline.compare import compare

    return write_comparison(compare(iter_documents(out_dir)), out_dir)


class CorpusOutputs:
    """Annotations, profiles and matrices, QDA exports, spreadsheet copies and the report.

    Use as a context manager and call it with each document and its ``sentences.csv`` rows; on
    leaving (after ``OUT/manifest.json`` and ``OUT/sentences.csv`` are written) it finishes the
    outputs; on an exception nothing half-written is left.
    """

    def __init__(self, out_dir: str | os.PathLike, codes: Sequence[CodeSpec]):
        self.out = Path(out_dir)
        self.codes = codes
        self.comparison = CorpusComparison()
        self.written: list[Path] = []
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "CorpusOutputs":
        self._annotations = self._stack.enter_context(
            atomic_open(self.out / "annotations.jsonl", "w", encoding="utf-8", newline="\n"))
        self._parquet = _ParquetRows(self._stack.enter_context(atomic_open(self.out / "sentences.parquet", "wb")))
        self._project = _Feed(lambda docs: write_project(docs, self.codes, self.out / "project.qdpx"))
        return self

    def __call__(self, doc: Document, rows: Sequence[Mapping[str, object]]) -> None:
        self.comparison.add(doc)
        self._annotations.writelines(
            json.dumps({k: record[k] for k in ANNOTATION_FIELDS}, ensure_ascii=False) + "\n"
            for record in annotation_records(doc))
        self._parquet.add(rows)
        self._project.put(doc)

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc is not None:
            self._project.abort()
            self._stack.__exit__(exc_type, exc, tb)
            return
        with self._stack:  # annotations.jsonl and sentences.parquet move into place on leaving
            self._project.close()
            self._parquet.close()
            out = self.out
            self.written += [out / "annotations.jsonl", *write_comparison(self.comparison, out), out / "project.qdpx"]
            write_codebook(self.codes, out / "codebook.qdc")
            write_taguette_codebook(self.codes, out / "codebook.csv")
            write_report(iter_documents(out), self.comparison, out / "report.html")
            self.written += [out / "codebook.qdc", out / "codebook.csv", out / "report.html"]
            if (out / "sentences.csv").exists():
                # The workbook; the Parquet copy this writes is replaced by the streamed one below.
                write_sentence_copies(out / "sentences.csv", out)
                self.written += [out / "sentences.xlsx", out / "sentences.parquet"]


class _ParquetRows:
    """``sentences.parquet`` written in row groups as rows come; every cell text, as in the CSV."""

    def __init__(self, handle):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._columns = sentence_columns()
        self._pa = pa
        self._writer = pq.ParquetWriter(handle, pa.schema([(c, pa.string()) for c in self._columns]))
        self._rows: list[Mapping[str, object]] = []

    def add(self, rows: Iterable[Mapping[str, object]]) -> None:
        self._rows.extend(rows)
        if len(self._rows) >= PARQUET_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            data = {c: ["" if r.get(c) is None else str(neutralise(r.get(c))) for r in self._rows] for c in self._columns}
            self._writer.write_table(self._pa.Table.from_pydict(data))
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


_END, _ABORT = object(), object()


class _Aborted(Exception):
    pass


class _Feed:
    """Runs ``write(documents)`` in a thread, fed the documents of the pass one at a time, so a
    writer that takes an iterable of documents needs no second read of ``OUT/docs``."""

    def __init__(self, write: Callable[[Iterable[Document]], None]):
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(write,), daemon=True)
        self._thread.start()

    def _run(self, write: Callable[[Iterable[Document]], None]) -> None:
        try:
            write(self._documents())
        except _Aborted:
            pass
        except BaseException as exc:  # re-raised in the pass's thread
            self._error = exc

    def _documents(self) -> Iterator[Document]:
        while (item := self._queue.get()) is not _END:
            if item is _ABORT:
                raise _Aborted
            yield item

    def put(self, item: object) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        self.put(_END)
        self._thread.join()
        self._raise()

    def abort(self) -> None:
        with contextlib.suppress(BaseException):
            self.put(_ABORT)
        self._thread.join(timeout=10)
