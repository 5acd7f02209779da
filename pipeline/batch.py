"""Running the stages over many files.

Each document goes through the stages on its own and is written as soon as it is done, so a
worker pool can take the documents and memory does not grow with their number. A file that
fails is recorded (``errors.csv``) and the batch goes on.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import signal
import threading
import warnings
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from pipeline.config import RunConfig
from pipeline.document import Document
from pipeline.errors import Errors, IrtagError, Warnings
from pipeline.resume import (CACHE_DIR, Cache, Entry, decode, encode, peak_rss_mb, remove_partial_files,
                             run_fingerprint, write_document_line)
from pipeline.stages import Pipeline, load


def discover(inputs: Iterable[str | os.PathLike]) -> list[Path]:
    """Every file under the given files and folders that a reader of the ingest dispatch table
    reads (:data:`pipeline.ingest.READERS`), in a stable order, except the files that
    bibliographic exports among them attach to their records (read with them)."""
    return scan(inputs)[0]


def scan(inputs: Iterable[str | os.PathLike]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files :func:`discover` finds, and ``(path, reason)`` for what a folder holds but is
    not read: hidden files and dot-folders, broken or looping links, links to folders (not
    followed, so a link loop cannot recur)."""
    from pipeline.ingest import READERS
    from pipeline.ingest.bib import attached_files

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
                elif entry.is_file() and entry.suffix.lower() in READERS:
                    found.append(entry)
        elif path.is_file():
            found.append(path)
        else:
            raise IrtagError(Errors.E010.format(path=path))
    attached = attached_files(found)
    unique = dict.fromkeys(p for p in found if not attached or p.resolve() not in attached)
    return list(unique), skipped


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
    """What became of one document of an input file (or of the file, when it could not be read)."""

    path: Path
    doc: Document | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.doc is not None


_worker_pipeline: tuple[Callable[[], Pipeline], Pipeline] | None = None
_worker_lock = threading.Lock()


def _worker(factory: Callable[[], Pipeline]) -> Pipeline:
    """The pipeline of this process, built once per worker (a Dask worker builds it on first use)."""
    global _worker_pipeline
    with _worker_lock:
        if _worker_pipeline is None or _worker_pipeline[0] != factory:
            _worker_pipeline = (factory, factory())
        return _worker_pipeline[1]


_worker_failure: Exception | None = None


def _init_worker(factory: Callable[[], Pipeline]) -> None:
    """Build the worker's pipeline; a failure (no models, say) is raised by the worker's first
    task, in the main process, instead of killing the worker (which the pool would respawn)."""
    global _worker_failure
    try:
        _worker(factory)
    except Exception as exc:
        _worker_failure = exc


def _process_one(pipeline: Pipeline, path: Path) -> list[Outcome]:
    """One outcome per document of the file; a document that fails does not stop the others.
    A file that takes longer than the config's ``time_limit_s`` is stopped and reported (E097)."""
    outcomes = []
    try:
        with _time_limit(getattr(pipeline.config, "time_limit_s", None)):
            for doc in pipeline.read(path):
                record = doc.meta.extra.get("record")
                try:
                    outcomes.append(Outcome(path, doc=pipeline(doc)))
                except Exception as exc:  # a bug or a library failure must not end the batch
                    outcomes.append(Outcome(path, error=_message(f"{path} record {record}" if record else path, exc)))
    except _Overtime:
        outcomes = [Outcome(path, error=Errors.E097.format(path=path, seconds=pipeline.config.time_limit_s))]
    except Exception as exc:
        outcomes.append(Outcome(path, error=_message(path, exc)))
    return outcomes


class _Overtime(BaseException):
    """Raised by the alarm of :func:`_time_limit`; a BaseException, so no stage's ``except
    Exception`` swallows it."""


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Stop the work inside after ``seconds`` (SIGALRM; only where signals work: the main thread
    of a process on Unix — a pool worker or the main process, not a Dask worker's thread)."""
    usable = (seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def alarm(signum, frame):
        raise _Overtime

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _message(where: object, exc: Exception) -> str:
    return str(exc) if isinstance(exc, IrtagError) else f"{where}: {type(exc).__name__}: {exc}"


def process_many(
    paths: Sequence[Path], factory: Callable[[], Pipeline], *, workers: int = 1
) -> Iterator[Outcome]:
    """Outcomes in input order; ``workers > 1`` spreads documents over processes."""
    for _, outcomes in _results(paths, factory, Cache(None, None), RunSummary(), workers=workers,
                                backend="local", scheduler=None):
        yield from (outcome for _, outcome in outcomes)


@dataclass
class RunSummary:
    files: int = 0
    documents: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    #: (source of a skipped duplicate record, id of the document kept in its place)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    #: (path, reason) of what the input folders hold but the batch did not read (see ``scan``)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    sentences_by_doc: dict[str, Counter] = field(default_factory=dict)
    seconds: float = 0.0
    bytes_in: int = 0
    #: files taken from OUT/cache (done before, same bytes and settings), re-processed (their bytes or
    #: the settings changed) and new (never processed into this OUT); see ``pipeline.resume``
    cached: int = 0
    redone: int = 0
    new: int = 0
    workers: int = 1
    peak_rss_mb: float = 0.0

    @property
    def sentences(self) -> int:
        return sum(sum(c.values()) for c in self.sentences_by_doc.values())

    def format(self, out_dir: str | os.PathLike) -> str:
        """The table printed at the end of a run: coded sentences per file and language, totals."""
        langs = sorted({lang for counts in self.sentences_by_doc.values() for lang in counts})
        lines = [f"{'file':<40} " + " ".join(f"{lang:>6}" for lang in langs) + f" {'total':>6}"]
        for name, counts in self.sentences_by_doc.items():
            cells = " ".join(f"{counts.get(lang, 0):>6}" for lang in langs)
            lines.append(f"{name:<40} {cells} {sum(counts.values()):>6}")
        lines.append(f"{self.documents}/{self.files} documents, {self.sentences} coded sentences, "
                     f"{len(self.errors)} errors, {len(self.duplicates)} duplicate records, "
                     f"{len(self.skipped)} skipped (hidden or links), {self.seconds:.1f} s -> {out_dir}")
        seconds = self.seconds or float("nan")
        lines.append(f"files: {self.new} new, {self.redone} redone (changed bytes or settings), {self.cached} "
                     f"already done (from {Path(out_dir) / CACHE_DIR}); {self.workers} worker(s), "
                     f"{self.bytes_in / 1e6 / seconds:.2f} MB/s, {self.documents / seconds:.1f} documents/s, "
                     f"peak memory {self.peak_rss_mb:.0f} MB (largest process)")
        lines += [f"  skipped {path}: {reason}" for path, reason in self.skipped]
        return "\n".join(lines)


@dataclass(frozen=True)
class BuildPipeline:
    """Builds the configured pipeline in whichever process runs it (picklable for workers)."""

    config: RunConfig
    tag: bool = True

    def __call__(self) -> Pipeline:
        return load(self.config, tag=self.tag)


class CorpusSink(Protocol):
    """What takes the documents of a batch as they come (``pipeline.export.corpus.CorpusOutputs``)."""

    def __enter__(self) -> "CorpusSink": ...

    def __exit__(self, exc_type, exc, tb) -> None: ...

    def __call__(self, doc: Document, rows: list[dict]) -> None: ...


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), the default number of workers."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_batch(
    inputs: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike,
    factory: Callable[[], Pipeline],
    *,
    workers: int = 1,
    on_outcome: Callable[[Outcome, RunSummary], None] | None = None,
    config: RunConfig | None = None,
    sink: "CorpusSink | None" = None,
    backend: str = "local",
    scheduler: str | None = None,
) -> RunSummary:
    """Process every file and write ``docs/<id>.jsonl``, ``sentences.csv``, ``errors.csv``,
    ``duplicates.csv`` (export records already read from another export or record, skipped; the
    kept document lists every source in ``meta.extra['sources']``) and ``config.json`` (the
    resolved config, when given). ``sink`` (a context manager, entered once OUT is ready and left
    once the manifest is written) is called with every kept document and its sentence rows, in
    input order, as they come: the corpus outputs are written in the same pass.

    With a ``config``, each file's result is kept in ``OUT/cache`` under its key (bytes, path and
    settings, :func:`pipeline.resume.file_key`), so a rerun takes what is done from there."""
    import time

    from pipeline.export.corpus import write_manifest
    from pipeline.export.tables import sentence_columns
    from pipeline.io import CsvTable, write_json

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise IrtagError(Errors.E094.format(path=out))
    (out / "docs").mkdir(parents=True, exist_ok=True)
    remove_partial_files(out)
    if config is not None:
        write_json(out / "config.json", config.to_dict(), indent=1, sort_keys=True)
    paths, skipped = scan(inputs)
    summary = RunSummary(files=len(paths), skipped=skipped)
    keyed = isinstance(factory, BuildPipeline)  # a pipeline built from a config: results can be keyed
    cache = Cache(out / CACHE_DIR, run_fingerprint(factory.config, factory.tag) if keyed else None)
    started = time.perf_counter()
    with contextlib.ExitStack() as outputs:  # the sink finishes once the manifest is written
        if sink is not None:
            outputs.enter_context(sink)
        with CsvTable(out / "sentences.csv", sentence_columns()) as sentences, \
                CsvTable(out / "errors.csv", ("path", "error")) as errors, \
                CsvTable(out / "duplicates.csv", ("source", "title", "kept_id", "kept_source")) as duplicates:
            gather = _Gather(out, summary, sentences, errors, duplicates, sink)
            for path, outcomes in _results(paths, factory, cache, summary, workers=workers, backend=backend,
                                           scheduler=scheduler):
                summary.bytes_in += path.stat().st_size if path.exists() else 0
                for doc_json, outcome in outcomes:
                    outcome = gather(doc_json, outcome)
                    summary.seconds = time.perf_counter() - started
                    if on_outcome is not None:
                        on_outcome(outcome, summary)
        doc_ids = list(dict.fromkeys(gather.doc_ids))
        write_manifest(out, doc_ids)
        cache.keep_only_used()
        for stale in set((out / "docs").glob("*.jsonl")) - {out / "docs" / f"{i}.jsonl" for i in doc_ids}:
            stale.unlink()  # a document of an earlier run whose file is gone or changed
    summary.peak_rss_mb = peak_rss_mb()
    return summary


#: Files handed out ahead of the one being written, per worker: enough to keep every worker busy,
#: few enough that finished results never pile up in memory.
WINDOW_PER_WORKER = 4


def _results(paths: Sequence[Path], factory: Callable[[], Pipeline], cache: Cache, summary: RunSummary, *,
             workers: int, backend: str, scheduler: str | None) -> Iterator[tuple[Path, list[tuple[str, Outcome]]]]:
    """Each file's outcomes in input order, each with its document's JSON line: from the cache
    where the file is done, else from the workers, whichever finishes first."""
    plan = [cache.entry(path) for path in paths]
    for status in ("cached", "redone", "new"):
        setattr(summary, status, sum(entry.status == status for entry in plan))
    todo = len(plan) - summary.cached
    summary.workers = max(1, min(available_cores() if workers <= 0 else workers, todo))
    with _executor(factory, summary.workers if todo > 1 else 1, backend, scheduler) as (submit, parallel):
        summary.workers = parallel
        pending: deque = deque()
        for entry in plan:
            pending.append((entry.path, entry.read if entry.done else submit(entry)))
            if len(pending) > WINDOW_PER_WORKER * parallel:
                yield _decoded(*pending.popleft())
        while pending:
            yield _decoded(*pending.popleft())


def _decoded(path: Path, result: Callable[[], list]) -> tuple[Path, list[tuple[str, Outcome]]]:
    """``(document JSON, outcome)`` pairs of a file: as made in this process, or from the lines a
    worker or the cache gave (each document parsed once)."""
    outcomes = []
    for item in result():
        if isinstance(item, tuple):
            outcomes.append(item)
            continue
        doc_json, error = decode(item)
        doc = Document.from_json(doc_json) if doc_json is not None else None
        outcomes.append((doc_json or "", Outcome(path, doc=doc, error=error)))
    return path, outcomes


def _work(pipeline: Pipeline, entry: Entry) -> list[tuple[str, Outcome]]:
    """Process one file where the pipeline lives; its result goes to the cache at once."""
    done = [(o.doc.to_json() if o.doc is not None else "", o) for o in _process_one(pipeline, entry.path)]
    entry.write(_lines(done))
    return done


def _lines(done: list[tuple[str, Outcome]]) -> list[str]:
    """What a worker sends back: the lines (strings travel faster than documents)."""
    return [encode(doc_json) if o.doc is not None else encode(None, o.error) for doc_json, o in done]


def _work_in_worker(entry: Entry) -> list[str]:
    if _worker_failure is not None:
        raise _worker_failure
    assert _worker_pipeline is not None
    return _lines(_work(_worker_pipeline[1], entry))


def work_on_dask_worker(factory: Callable[[], Pipeline], entry: Entry) -> list[str]:
    """The task a Dask worker runs: its pipeline is built on its first file and kept."""
    return _lines(_work(_worker(factory), entry))


@contextlib.contextmanager
def _executor(factory: Callable[[], Pipeline], workers: int, backend: str, scheduler: str | None):
    """``(submit, parallel)``: ``submit(entry)`` gives a function that waits for the entry's
    result; ``parallel`` is how many files run at once. Models load once per worker."""
    if backend == "dask":
        from pipeline.distributed import dask_client, dask_threads

        with dask_client(scheduler, workers) as client:
            yield (lambda entry: client.submit(work_on_dask_worker, factory, entry, pure=False).result,
                   dask_threads(client) or workers)
    elif backend != "local":
        raise IrtagError(Errors.E130.format(backend=backend))
    elif workers <= 1:
        pipeline = functools.cache(factory)
        yield (lambda entry: functools.partial(_work_lazily, pipeline, entry)), 1
    else:
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_init_worker, initargs=(factory,)) as pool:
            yield (lambda entry: pool.apply_async(_work_in_worker, (entry,)).get), workers


def _work_lazily(pipeline: Callable[[], Pipeline], entry: Entry) -> list[tuple[str, Outcome]]:
    return _work(pipeline(), entry)


class _Gather:
    """What the batch does with each outcome, in input order: errors and duplicates listed, each
    kept document written to ``docs/``, ``sentences.csv`` and the sink."""

    def __init__(self, out: Path, summary: RunSummary, sentences, errors, duplicates, sink: CorpusSink | None):
        from pipeline.ingest.dedupe import DuplicateIndex

        self.out, self.summary, self.sink = out, summary, sink
        self.sentences, self.errors, self.duplicates = sentences, errors, duplicates
        self.doc_ids: list[str] = []
        self.first_with: dict[str, Path] = {}  # doc id -> the file that gave it: same bytes, same id
        self.seen = DuplicateIndex()

    def __call__(self, doc_json: str, outcome: Outcome) -> Outcome:
        from pipeline.export.tables import sentence_row

        summary = self.summary
        if outcome.doc is not None and outcome.doc.id in self.first_with:
            duplicate = IrtagError(Errors.E065.format(path=outcome.path, first=self.first_with[outcome.doc.id],
                                                      doc_id=outcome.doc.id))
            outcome = Outcome(outcome.path, error=str(duplicate))  # one line, as every error
        if outcome.doc is None:
            summary.errors.append((str(outcome.path), outcome.error))
            self.errors.write_rows([{"path": str(outcome.path), "error": outcome.error}])
        elif (kept := _duplicate_of(outcome.doc, self.seen)) is not None:
            _record_duplicate(outcome.doc, kept, self.out, summary, self.duplicates)
        else:
            doc = outcome.doc
            self.first_with[doc.id] = outcome.path
            write_document_line(doc_json, self.out / "docs" / f"{doc.id}.jsonl")
            self.doc_ids.append(doc.id)
            rows = [sentence_row(doc, s) for s in doc.sentences()]
            self.sentences.write_rows(rows)
            if self.sink is not None:
                self.sink(doc, rows)
            summary.documents += 1
            record = doc.meta.extra.get("record")
            name = f"{outcome.path.name}#{record}" if record else outcome.path.name
            summary.sentences_by_doc[name] = Counter(s.lang for s in doc.coded_sentences())
        return outcome


def _duplicate_of(doc: Document, seen) -> str | None:
    """The id of the document an export record repeats; articles are never merged (their
    DOI may be one found in their notes)."""
    return seen.add(doc.id, doc.meta) if "export_format" in doc.meta.extra else None


def _record_duplicate(doc: Document, kept_id: str, out: Path, summary: RunSummary, table) -> None:
    """Skip a duplicate record: list it, and add its source to the kept document's sources."""
    from pipeline.io import read_document_jsonl, write_document_jsonl

    kept_path = out / "docs" / f"{kept_id}.jsonl"
    kept = read_document_jsonl(kept_path)
    source = doc.meta.extra.get("sources", doc.source)
    kept.meta.extra["sources"] = "; ".join([kept.meta.extra.get("sources", kept.source), source])
    write_document_jsonl(kept, kept_path)
    summary.duplicates.append((source, kept_id))
    table.write_rows([{"source": source, "title": doc.meta.title, "kept_id": kept_id,
                       "kept_source": kept.meta.extra.get("sources", kept.source).split("; ")[0]}])


def run_corpus(inputs: Iterable[str | os.PathLike], out_dir: str | os.PathLike, config: RunConfig, *,
               tag: bool = True, on_outcome: Callable[[Outcome, RunSummary], None] | None = None) -> RunSummary:
    """``irtag run``: every document through the pipeline and (when tagging) into the corpus
    outputs in the same pass; the outputs are finished once the last document is in."""
    from pipeline.codebook import load_codebook
    from pipeline.export.corpus import CorpusOutputs
    from pipeline.export.refi import codes_from_codebook

    if config.scheduler and config.backend != "dask":
        warnings.warn(Warnings.W070.format(scheduler=config.scheduler, backend=config.backend), stacklevel=2)
    sink = CorpusOutputs(out_dir, codes_from_codebook(load_codebook(config.lexicons))) if tag else None
    summary = run_batch(inputs, out_dir, BuildPipeline(config, tag), workers=config.workers, on_outcome=on_outcome,
                        config=config, sink=sink, backend=config.backend, scheduler=config.scheduler)
    summary.peak_rss_mb = peak_rss_mb()
    if summary.files and not summary.documents and summary.errors:
        raise IrtagError(Errors.E095.format(files=summary.files, errors=Path(out_dir) / "errors.csv"))
    return summary
