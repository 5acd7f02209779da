"""Writers for the outputs of a run.

Every file is written atomically (a temporary file in the same folder, then ``os.replace``),
so an interrupted run never leaves a half-written output behind. Tables for coders are UTF-8
with a BOM (Excel then shows Chinese correctly), fully quoted where needed so embedded newlines,
quotes and commas never break a row, and with formula-like cells neutralised.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from pipeline.codebook import label_groups
from pipeline.document import Document, Sentence

#: Cells starting with these characters are executed by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Schemes in codebook order; the per-sentence table has one column each.
SCHEMES = ("factor", "stage", "resource", "cooperation")


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
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def neutralise(value: object) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_document_jsonl(doc: Document, path: str | os.PathLike) -> None:
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(doc.to_json() + "\n")


def read_document_jsonl(path: str | os.PathLike) -> Document:
    with open(path, encoding="utf-8") as handle:
        return Document.from_json(handle.readline())


CODER_COLUMNS = tuple(f"coder_{scheme}" for scheme in SCHEMES) + ("coder_note",)
SENTENCE_COLUMNS = (
    "doc_id", "title", "sent_id", "section_kind", "is_heading", "lang", "page", "start", "end", "text",
    *SCHEMES, "resource_group", "evidence", "scores", "sources", "negated", "organisations",
    "actor_types", *CODER_COLUMNS,
)


def sentence_row(doc: Document, sentence: Sentence) -> dict[str, object]:
    """One row of the coders' table; labels within a cell keep the sentence's (codebook) order."""
    row: dict[str, object] = {
        "doc_id": doc.id,
        "title": doc.meta.title,
        "sent_id": sentence.id,
        "section_kind": sentence.section_kind,
        "is_heading": int(sentence.is_heading),
        "lang": sentence.lang,
        "page": "" if sentence.page is None else sentence.page,
        "start": sentence.start,
        "end": sentence.end,
        "text": sentence.text,
    }
    for scheme in SCHEMES:
        row[scheme] = ";".join(sentence.labels_for(scheme))
    row["resource_group"] = ";".join(
        dict.fromkeys(label_groups()[("resource", l)] for l in sentence.labels_for("resource")
                      if ("resource", l) in label_groups()))
    row["evidence"] = "; ".join(
        f"{lab.scheme}:{lab.label}=" + "|".join(f"{e.term}@{e.start}-{e.end}" for e in lab.evidence)
        for lab in sentence.labels if lab.evidence)
    row["scores"] = "; ".join(
        f"{lab.scheme}:{lab.label}={lab.score:.3f}" for lab in sentence.labels if lab.score is not None)
    row["sources"] = "; ".join(f"{lab.scheme}:{lab.label}={lab.source}" for lab in sentence.labels)
    row["negated"] = int(any(lab.negated for lab in sentence.labels))
    row["organisations"] = ";".join(dict.fromkeys(a.org_id for a in sentence.actors if a.org_id))
    row["actor_types"] = ";".join(dict.fromkeys(a.org_type for a in sentence.actors))
    for column in CODER_COLUMNS:
        row[column] = ""
    return row


class CsvTable:
    """A CSV written row by row as documents finish, moved into place on ``close``."""

    def __init__(self, path: str | os.PathLike, columns: Sequence[str]):
        self.path = Path(path)
        self.columns = tuple(columns)
        self._context = atomic_open(self.path, "w", encoding="utf-8-sig", newline="")
        self._handle = self._context.__enter__()
        self._writer = csv.DictWriter(self._handle, fieldnames=self.columns, extrasaction="ignore")
        self._writer.writeheader()

    def write_rows(self, rows: Iterable[dict[str, object]]) -> None:
        for row in rows:
            self._writer.writerow({k: neutralise(v) for k, v in row.items()})
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


ANNOTATION_FIELDS = ("doc_id", "sent_id", "scheme", "label", "group", "start", "end", "text", "source",
                     "score", "negated", "evidence")


def annotation_records(doc: Document) -> Iterator[dict[str, object]]:
    """One record per machine label, with the sentence span it codes and its evidence."""
    for sentence in doc.coded_sentences():
        for lab in sentence.labels:
            yield {
                "doc_id": doc.id, "sent_id": sentence.id, "scheme": lab.scheme, "label": lab.label,
                "group": label_groups().get((lab.scheme, lab.label), ""),
                "start": sentence.start, "end": sentence.end, "text": sentence.text, "source": lab.source,
                "score": lab.score, "negated": lab.negated,
                "evidence": [{"term": e.term, "start": e.start, "end": e.end, "concept": e.concept,
                              "negated": e.negated} for e in lab.evidence],
            }


def write_sentence_copies(csv_path: str | os.PathLike, out_dir: str | os.PathLike) -> None:
    """``sentences.xlsx`` and ``sentences.parquet`` from the CSV, cells typed as text."""
    import pandas as pd

    table = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    out = Path(out_dir)
    with atomic_open(out / "sentences.xlsx", "wb") as handle:
        table.to_excel(handle, index=False, sheet_name="sentences", engine="openpyxl")
    with atomic_open(out / "sentences.parquet", "wb") as handle:
        table.to_parquet(handle, index=False)
