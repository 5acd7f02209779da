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

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")  # = ingest.READERS

Stage = Callable[[Document], Document]


class Pipeline:
    """Named stages applied in order, like spaCy's ``Language``: each reads and adds to the doc."""

    def __init__(self, stages: Sequence[tuple[str, Stage]], *, max_size_mb: float = 50,
                 pdf_engine: str = "pdfplumber"):
        self.stages = list(stages)
        self.max_size_mb = max_size_mb
        self.pdf_engine = pdf_engine

    @property
    def stage_names(self) -> list[str]:
        return [name for name, _ in self.stages]

    def __call__(self, doc: Document) -> Document:
        for name, stage in self.stages:
            doc = stage(doc)
            if not isinstance(doc, Document):
                raise TypeError(Errors.E020.format(stage=name, type_name=type(doc).__name__))
        return doc

    def process_file(self, path: str | os.PathLike) -> Document:
        from pipeline.ingest import read_document

        return self(read_document(path, max_size_mb=self.max_size_mb, pdf_engine=self.pdf_engine))


def discover(inputs: Iterable[str | os.PathLike]) -> list[Path]:
    """Every supported file under the given files and folders, in a stable order."""
    return scan(inputs)[0]


def scan(inputs: Iterable[str | os.PathLike]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files :func:`discover` finds, and ``(path, reason)`` for what a folder holds but is
    not read: hidden files and dot-folders, broken or looping links, links to folders (not
    followed, so a link loop cannot recur)."""
    found: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for entry in sorted(path.rglob("*")):
                parts = entry.relative_to(path).parts
                if any(part.startswith(".") for part in parts[:-1]):
                    continue  # inside a dot-folder: the folder itself is listed once
                reason = _skip_reason(entry)
                if reason:
                    skipped.append((str(entry), reason))
                elif entry.is_file() and entry.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append(entry)
        elif path.is_file():
            found.append(path)
        else:
            raise IrtagError(Errors.E010.format(path=path))
    return list(dict.fromkeys(found)), skipped


def _skip_reason(entry: Path) -> str:
    if entry.name.startswith("."):
        return "hidden folder" if entry.is_dir() and not entry.is_symlink() else "hidden file"
    if entry.is_symlink() and not entry.exists():
        return "broken or looping link"
    if entry.is_symlink() and entry.is_dir():
        return "link to a folder (not followed)"
    return ""


@dataclass
class Outcome:
    """What became of one input file."""

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


def _process_in_worker(path: Path) -> Outcome:
    assert _worker_pipeline is not None
    return _process_one(_worker_pipeline, path)


def _process_one(pipeline: Pipeline, path: Path) -> Outcome:
    try:
        return Outcome(path, doc=pipeline.process_file(path))
    except IrtagError as exc:
        return Outcome(path, error=str(exc))
    except Exception as exc:  # a bug or a library failure must not end the batch
        return Outcome(path, error=f"{path}: {type(exc).__name__}: {exc}")


def process_many(
    paths: Sequence[Path], factory: Callable[[], Pipeline], *, workers: int = 1
) -> Iterator[Outcome]:
    """Outcomes in input order; ``workers > 1`` spreads documents over processes."""
    if workers <= 1 or len(paths) <= 1:
        pipeline = factory()
        for path in paths:
            yield _process_one(pipeline, path)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(factory,)) as pool:
        yield from pool.imap(_process_in_worker, paths, chunksize=1)


@dataclass
class RunSummary:
    files: int = 0
    documents: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    #: (path, reason) of what the input folders hold but the batch did not read (see ``scan``)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    sentences_by_doc: dict[str, Counter] = field(default_factory=dict)
    seconds: float = 0.0
    bytes_in: int = 0

    @property
    def sentences(self) -> int:
        return sum(sum(c.values()) for c in self.sentences_by_doc.values())


def build_pipeline(*, models_dir: str | None = None, tag: bool = True, max_size_mb: float = 50,
                   segmenter_engine: str = "jieba", pdf_engine: str = "pdfplumber") -> Pipeline:
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
    return Pipeline(stages, max_size_mb=max_size_mb, pdf_engine=pdf_engine)


def run_batch(
    inputs: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike,
    factory: Callable[[], Pipeline],
    *,
    workers: int = 1,
    on_outcome: Callable[[Outcome, RunSummary], None] | None = None,
) -> RunSummary:
    """Process every file and write ``docs/<id>.jsonl``, ``sentences.csv`` and ``errors.csv``."""
    import time

    from pipeline.export import SENTENCE_COLUMNS, CsvTable, sentence_row, write_document_jsonl
    from pipeline.export.corpus import write_manifest

    out = Path(out_dir)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    paths, skipped = scan(inputs)
    summary = RunSummary(files=len(paths), skipped=skipped)
    doc_ids: list[str] = []
    first_with: dict[str, Path] = {}  # doc id -> the file that gave it: same bytes, same id
    started = time.perf_counter()
    with CsvTable(out / "sentences.csv", SENTENCE_COLUMNS) as sentences, \
            CsvTable(out / "errors.csv", ("path", "error")) as errors:
        for outcome in process_many(paths, factory, workers=workers):
            summary.bytes_in += outcome.path.stat().st_size if outcome.path.exists() else 0
            if outcome.doc is not None and outcome.doc.id in first_with:
                duplicate = IrtagError(Errors.E065.format(path=outcome.path, first=first_with[outcome.doc.id],
                                                          doc_id=outcome.doc.id))
                outcome = Outcome(outcome.path, error=str(duplicate))  # one line, as every error
            if outcome.doc is None:
                summary.errors.append((str(outcome.path), outcome.error))
                errors.write_rows([{"path": str(outcome.path), "error": outcome.error}])
            else:
                doc = outcome.doc
                first_with[doc.id] = outcome.path
                write_document_jsonl(doc, out / "docs" / f"{doc.id}.jsonl")
                doc_ids.append(doc.id)
                sentences.write_rows(sentence_row(doc, s) for s in doc.sentences())
                summary.documents += 1
                summary.sentences_by_doc[f"{outcome.path.name}"] = Counter(
                    s.lang for s in doc.coded_sentences()
                )
            summary.seconds = time.perf_counter() - started
            if on_outcome is not None:
                on_outcome(outcome, summary)
    write_manifest(out, list(dict.fromkeys(doc_ids)))
    return summary
