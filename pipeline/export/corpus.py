"""Everything ``irtag run`` writes beside the per-document JSONL, from one pass over the documents.

:class:`CorpusOutputs` takes each document (and its sentence rows) as the batch gathers it, in
input order, and writes what can be written then: ``annotations.jsonl``, ``sentences.parquet``
(in row groups, with the workbook), the QDA project and the relation tables (their writers run
beside the pass, fed one document at a time) and the comparison's tallies. What needs the whole
corpus first -- the comparison tables, the by-year tables, the report (corpus tables at the top)
-- is written when the pass ends; those two read the documents back from ``OUT/docs``, one at a
time.
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
from pipeline.compare_groups import write_grouped
from pipeline.document import Document
from pipeline.export.network import network_svg
from pipeline.export.refi import CodeSpec, write_codebook, write_project, write_taguette_codebook
from pipeline.export.relations import RelationTables, write_relation_outputs
from pipeline.export.report import ReportSection, write_report
from pipeline.export.tables import ANNOTATION_FIELDS, annotation_records, write_sentence_copies
from pipeline.export.timechart import time_chart_svg
from pipeline.io import RUN_MANIFEST, atomic_open, iter_documents, write_json, write_table


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
    """Annotations, profiles and matrices, relations, QDA exports, the workbook and Parquet
    copies, the by-year tables and the report.

    Use as a context manager and call it with each document and its ``sentences.csv`` rows; on
    leaving (after ``OUT/manifest.json`` and ``OUT/sentences.csv`` are written) it finishes the
    outputs; on an exception nothing half-written is left. The writers that take a stream of
    documents (QDA project, relations, workbook and Parquet) run beside the pass, fed each
    document once.
    """

    def __init__(self, out_dir: str | os.PathLike, codes: Sequence[CodeSpec]):
        self.out = Path(out_dir)
        self.codes = codes
        self.comparison = CorpusComparison()
        self.relations = RelationTables()
        self.written: list[Path] = []
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "CorpusOutputs":
        self._annotations = self._stack.enter_context(
            atomic_open(self.out / "annotations.jsonl", "w", encoding="utf-8", newline="\n"))
        self._feeds = [
            _Feed(lambda docs: write_project(docs, self.codes, self.out / "project.qdpx")),
            _Feed(lambda docs: self.written.extend(write_relation_outputs(docs, self.out, self.relations))),
            _Feed(lambda docs: self.written.extend(write_sentence_copies(docs, self.out))),
        ]
        return self

    def __call__(self, doc: Document, rows: Sequence[Mapping[str, object]]) -> None:
        self.comparison.add(doc)
        self._annotations.writelines(
            json.dumps({k: record[k] for k in ANNOTATION_FIELDS}, ensure_ascii=False) + "\n"
            for record in annotation_records(doc))
        for feed in self._feeds:
            feed.put(doc)

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc is not None:
            for feed in self._feeds:
                feed.abort()
            self._stack.__exit__(exc_type, exc, tb)
            return
        with self._stack:  # annotations.jsonl moves into place on leaving
            for feed in self._feeds:
                feed.close()
            out = self.out
            self.written += [out / "annotations.jsonl", *write_comparison(self.comparison, out), out / "project.qdpx"]
            self.written += write_grouped(out)  # by_year.csv, factor_stage_by_year.csv where documents have years
            write_codebook(self.codes, out / "codebook.qdc")
            write_taguette_codebook(self.codes, out / "codebook.csv")
            write_report(iter_documents(out), self.comparison, out / "report.html",
                         sections=[*_network_sections(self.relations), *_time_sections(out)])
            self.written += [out / "codebook.qdc", out / "codebook.csv", out / "report.html"]


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


def _network_sections(relations: RelationTables) -> list[ReportSection]:
    """The report's network of who seeks whom, who gives what to whom, who cooperates."""
    svg = network_svg(relations.summary())
    return [ReportSection("network", "Relations between organisations", svg)] if svg else []


def _time_sections(out: Path) -> list[ReportSection]:
    """The report's chart of label shares per year, where the run wrote ``by_year.csv``."""
    from pipeline.io import read_table

    if not (out / "by_year.csv").is_file():
        return []
    svg = time_chart_svg(read_table(out / "by_year.csv"))
    return [ReportSection("over-time", "Labels over the years", svg)] if svg else []
