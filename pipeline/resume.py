"""What makes a run resumable and incremental: each input file's result kept under a key.

A file's key is a hash of its bytes, its path (a document records where it came from) and the
run's fingerprint (the resolved config without the batch section, the lexicon and gold files the
models depend on, the models' manifest, irtag's version). The result -- every document as its
JSON line, every error -- is written to ``OUT/cache/<key>.jsonl`` by whichever process made it,
atomically, as soon as the file is done. A rerun with the same OUT takes each file whose key is
there from the cache and processes the rest; the corpus outputs are always rebuilt from all of
them, in input order, so a resumed run writes the same bytes as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.io import atomic_open

CACHE_DIR = "cache"
_DOC, _ERROR = "D\t", "E\t"


def run_fingerprint(config: Any, tag: bool) -> str:
    """sha256 of everything besides a file's bytes that its result depends on."""
    from importlib.metadata import PackageNotFoundError, version

    from pipeline.training import MANIFEST, model_meta, training_fingerprint

    try:
        models: Any = model_meta(config)
    except OSError:  # no gold files here: the lexicons alone
        models = {"lexicons": training_fingerprint([], config.lexicons)}
    manifest = Path(config.models) / MANIFEST
    trained = hashlib.sha256(manifest.read_bytes()).hexdigest() if tag and manifest.is_file() else ""
    try:
        irtag = version("irtag")
    except PackageNotFoundError:
        irtag = ""
    settings = {k: v for k, v in config.to_dict().items() if k != "batch"}
    record = {"config": settings, "tag": tag, "models": models, "trained": trained, "irtag": irtag}
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def file_key(path: Path, fingerprint: str) -> str:
    digest = hashlib.sha256(f"{fingerprint}\0{path}\0".encode("utf-8"))
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """One input file's place in the cache; ``file`` is None when the run keeps no cache."""

    path: Path
    file: Path | None
    status: str  # "cached", "redone" or "new"

    @property
    def done(self) -> bool:
        return self.status == "cached"

    def read(self) -> list[str]:
        assert self.file is not None
        with open(self.file, encoding="utf-8") as handle:
            return [line.rstrip("\n") for line in handle][1:]

    def write(self, lines: list[str]) -> None:
        if self.file is None:
            return
        with atomic_open(self.file, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(json.dumps({"path": str(self.path)}, ensure_ascii=False) + "\n")
            handle.writelines(line + "\n" for line in lines)


class Cache:
    """The results of earlier runs into the same OUT, and the record of which this run used."""

    def __init__(self, folder: Path | None, fingerprint: str | None):
        """No ``folder`` or no ``fingerprint``: nothing is kept (every file is new)."""
        self.folder = folder.resolve() if folder is not None else None
        self.fingerprint = fingerprint if folder is not None else None
        self.used: set[Path] = set()
        self.known_paths: set[str] = set()
        if self.folder is not None and self.fingerprint is not None and self.folder.is_dir():
            for file in self.folder.glob("*.jsonl"):
                with open(file, encoding="utf-8") as handle:
                    self.known_paths.add(json.loads(handle.readline() or "{}").get("path", ""))

    def entry(self, path: Path) -> Entry:
        if self.folder is None or self.fingerprint is None or not path.is_file():
            return Entry(path, None, "new")
        file = self.folder / f"{file_key(path, self.fingerprint)}.jsonl"
        self.used.add(file)
        status = "cached" if file.is_file() else "redone" if str(path) in self.known_paths else "new"
        return Entry(path, file, status)

    def keep_only_used(self) -> None:
        """Drop the results no input of this run has any more (changed files, older settings)."""
        if self.folder is not None and self.fingerprint is not None and self.folder.is_dir():
            for file in set(self.folder.glob("*.jsonl")) - self.used:
                file.unlink()


def encode(doc_json: str | None, error: str = "") -> str:
    """A cache line: a document's JSON, or an error message."""
    return _DOC + doc_json if doc_json is not None else _ERROR + json.dumps(error, ensure_ascii=False)


def decode(line: str) -> tuple[str | None, str]:
    """``(document JSON, "")`` or ``(None, error)`` of a cache line."""
    if line.startswith(_DOC):
        return line[len(_DOC):], ""
    return None, json.loads(line[len(_ERROR):])


def write_document_line(doc_json: str, path: Path) -> None:
    """``docs/<id>.jsonl`` from the JSON line the worker made (no second serialisation)."""
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(doc_json + "\n")


def remove_partial_files(out: Path) -> None:
    """Temporary files a killed run left (``atomic_open`` moves a file into place only when done)."""
    for folder in (out, out / "docs", out / CACHE_DIR):
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink()


def peak_rss_mb() -> float:
    """The largest peak resident memory of this process and of its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024
