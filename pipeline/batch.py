"""Running the stages over many files.

Each document goes through the stages on its own and is written as soon as it is done, so a
worker pool can take the documents and memory does not grow with their number. A file that
fails is recorded (``errors.csv``) and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from pipeline.document import Document
from pipeline.errors import Errors, IrtagError
from pipeline.ingest import READERS

#: What discovery finds: every suffix the ingest dispatch table reads.
SUPPORTED_SUFFIXES = tuple(READERS)

Stage = Callable[[Document], Document]


class Pipeline:
    """Named stages applied in order, like spaCy's ``Language``: each reads and adds to the doc."""

    def __init__(self, stages: Sequence[tuple[str, Stage]], *, max_size_mb: float = 50,
                 pdf_engine: str = "pdfplumber", abstracts_only: bool = False):
        self.stages = list(stages)
        self.max_size_mb = max_size_mb
        self.pdf_engine = pdf_engine
        self.abstracts_only = abstracts_only

    @property
    def stage_names(self) -> list[str]:
        return [name for name, _ in self.stages]

    def __call__(self, doc: Document) -> Document:
        for name, stage in self.stages:
            doc = stage(doc)
            if not isinstance(doc, Document):
                raise TypeError(Errors.E020.format(stage=name, type_name=type(doc).__name__))
        return doc

    def read(self, path: str | os.PathLike) -> Iterator[Document]:
        """The file's documents before the stages: one per article, one per export record."""
        from pipeline.ingest import read_documents

        return read_documents(path, max_size_mb=self.max_size_mb, pdf_engine=self.pdf_engine,
                              abstracts_only=self.abstracts_only)


def discover(inputs: Iterable[str | os.PathLike]) -> list[Path]:
    """Every supported file under the given files and folders, in a stable order, except the
    files that bibliographic exports among them attach to their records (read with them)."""
    from pipeline.ingest.bib import attached_files

    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
            )
        elif path.is_file():
            found.append(path)
        else:
            raise IrtagError(Errors.E010.format(path=path))
    attached = attached_files(found)
    unique: dict[Path, None] = dict.fromkeys(p for p in found if not attached or p.resolve() not in attached)
    return list(unique)


@dataclass
class Outcome:
    """What became of one document of an input file (or of the file, when it could not be read)."""

    path: Path
    doc: Document | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.doc is not None


_worker_pipeline: Pipeline | None = None


def _init_worker(factory: Callable[[], Pipeline]) -> None:
    global _worker_pipeline
    _worker_pipeline = factory()


def _process_in_worker(path: Path) -> list[Outcome]:
    assert _worker_pipeline is not None
    return _process_one(_worker_pipeline, path)


def _process_one(pipeline: Pipeline, path: Path) -> list[Outcome]:
    """One outcome per document of the file; a document that fails does not stop the others."""
    outcomes = []
    try:
        for doc in pipeline.read(path):
            record = doc.meta.extra.get("record")
            try:
                outcomes.append(Outcome(path, doc=pipeline(doc)))
            except Exception as exc:  # a bug or a library failure must not end the batch
                outcomes.append(Outcome(path, error=_message(f"{path} record {record}" if record else path, exc)))
    except Exception as exc:
        outcomes.append(Outcome(path, error=_message(path, exc)))
    return outcomes


def _message(where: object, exc: Exception) -> str:
    return str(exc) if isinstance(exc, IrtagError) else f"{where}: {type(exc).__name__}: {exc}"


def process_many(
    paths: Sequence[Path], factory: Callable[[], Pipeline], *, workers: int = 1
) -> Iterator[Outcome]:
    """Outcomes in input order; ``workers > 1`` spreads documents over processes."""
    if workers <= 1 or len(paths) <= 1:
        pipeline = factory()
        for path in paths:
            yield from _process_one(pipeline, path)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(factory,)) as pool:
        for outcomes in pool.imap(_process_in_worker, paths, chunksize=1):
            yield from outcomes


@dataclass
class RunSummary:
    files: int = 0
    documents: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    #: (source of a skipped duplicate record, id of the document kept in its place)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    sentences_by_doc: dict[str, Counter] = field(default_factory=dict)
    seconds: float = 0.0
    bytes_in: int = 0

    @property
    def sentences(self) -> int:
        return sum(sum(c.values()) for c in self.sentences_by_doc.values())


def build_pipeline(*, models_dir: str | None = None, tag: bool = True, max_size_mb: float = 50,
                   segmenter_engine: str = "jieba", pdf_engine: str = "pdfplumber",
                   abstracts_only: bool = False) -> Pipeline:
    """The default stages: ingest (in ``process_file``) -> segment -> annotate."""
    from pipeline.lexicon import Lexicon
    from pipeline.segment import Segmenter

    lexicon = Lexicon.load()
    segmenter = Segmenter(extra_words=lexicon.zh_terms(), engine=segmenter_engine)
    stages: list[tuple[str, Stage]] = [("segment", segmenter)]
    if tag:
        from pipeline.annotate import Annotator
        from pipeline.classify import ensure_models

        stages.append(("annotate", Annotator(lexicon, ensure_models(models_dir, segmenter, lexicon), segmenter)))
    return Pipeline(stages, max_size_mb=max_size_mb, pdf_engine=pdf_engine, abstracts_only=abstracts_only)


def run_batch(
    inputs: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike,
    factory: Callable[[], Pipeline],
    *,
    workers: int = 1,
    on_outcome: Callable[[Outcome, RunSummary], None] | None = None,
) -> RunSummary:
    """Process every file and write ``docs/<id>.jsonl``, ``sentences.csv``, ``errors.csv`` and
    ``duplicates.csv`` (export records already read from another export or record, skipped; the
    kept document lists every source in ``meta.extra['sources']``)."""
    import time

    from pipeline.export import SENTENCE_COLUMNS, CsvTable, sentence_row, write_document_jsonl
    from pipeline.export.corpus import write_manifest
    from pipeline.ingest.dedupe import DuplicateIndex

    out = Path(out_dir)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    paths = discover(inputs)
    summary = RunSummary(files=len(paths))
    doc_ids: list[str] = []
    seen = DuplicateIndex()
    sized: set[Path] = set()
    started = time.perf_counter()
    with CsvTable(out / "sentences.csv", SENTENCE_COLUMNS) as sentences, \
            CsvTable(out / "errors.csv", ("path", "error")) as errors, \
            CsvTable(out / "duplicates.csv", ("source", "title", "kept_id", "kept_source")) as duplicates:
        for outcome in process_many(paths, factory, workers=workers):
            if outcome.path not in sized:  # a file of several records is counted once
                sized.add(outcome.path)
                summary.bytes_in += outcome.path.stat().st_size if outcome.path.exists() else 0
            if outcome.doc is None:
                summary.errors.append((str(outcome.path), outcome.error))
                errors.write_rows([{"path": str(outcome.path), "error": outcome.error}])
            elif (kept := _duplicate_of(outcome.doc, seen)) is not None:
                _record_duplicate(outcome.doc, kept, out, summary, duplicates)
            else:
                doc = outcome.doc
                write_document_jsonl(doc, out / "docs" / f"{doc.id}.jsonl")
                doc_ids.append(doc.id)
                sentences.write_rows(sentence_row(doc, s) for s in doc.sentences())
                summary.documents += 1
                record = doc.meta.extra.get("record")
                summary.sentences_by_doc[f"{outcome.path.name}#{record}" if record else outcome.path.name] = Counter(
                    s.lang for s in doc.coded_sentences()
                )
            summary.seconds = time.perf_counter() - started
            if on_outcome is not None:
                on_outcome(outcome, summary)
    write_manifest(out, list(dict.fromkeys(doc_ids)))
    return summary


def _duplicate_of(doc: Document, seen) -> str | None:
    """The id of the document an export record repeats; articles are never merged (their
    DOI may be one found in their notes)."""
    return seen.add(doc.id, doc.meta) if "export_format" in doc.meta.extra else None


def _record_duplicate(doc: Document, kept_id: str, out: Path, summary: RunSummary, table) -> None:
    """Skip a duplicate record: list it, and add its source to the kept document's sources."""
    from pipeline.export import read_document_jsonl, write_document_jsonl

    kept_path = out / "docs" / f"{kept_id}.jsonl"
    kept = read_document_jsonl(kept_path)
    source = doc.meta.extra.get("sources", doc.source)
    kept.meta.extra["sources"] = "; ".join([kept.meta.extra.get("sources", kept.source), source])
    write_document_jsonl(kept, kept_path)
    summary.duplicates.append((source, kept_id))
    table.write_rows([{"source": source, "title": doc.meta.title, "kept_id": kept_id,
                       "kept_source": kept.meta.extra.get("sources", kept.source).split("; ")[0]}])
