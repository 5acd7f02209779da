"""Writers for the outputs of a run.

The rows of the per-sentence table and of ``annotations.jsonl``, and the workbook and Parquet
copies of the table; every file goes through :mod:`pipeline.io` (atomic; the CSV formula-guarded).
The copies are built from the documents, not read back from the CSV, so they hold the raw text:
the workbook stores it as text cells (nothing runs, nothing is prefixed) and Parquet is data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from pipeline.codebook import Codebook, coder_columns, label_groups, load_codebook, scheme_names
from pipeline.compare import meta_cells
from pipeline.document import Document, Sentence
from pipeline.export.workbook import DONE_COLUMN, arrange_columns, write_workbook
from pipeline.io import atomic_open

#: Columns of the sentence table that hold whole numbers (``page`` may be blank).
NUMBER_COLUMNS = ("year", "is_heading", "page", "start", "end", "negated")


#: The bibliographic columns of ``sentences.csv``, after ``title``.
SENTENCE_META = ("year", "authors", "journal", "doi")


def sentence_columns(schemes: Sequence[str] | None = None) -> tuple[str, ...]:
    """Columns of ``sentences.csv``: the document (id, title, year, authors, journal, DOI), the
    sentence, the coder columns beside its text (with ``coder_done``), one column per scheme, evidence."""
    schemes = scheme_names() if schemes is None else tuple(schemes)
    return arrange_columns(("doc_id", "title", *SENTENCE_META, "sent_id", "section_kind", "is_heading", "lang", "page",
                            "start", "end", "text", *schemes, "resource_group", "evidence", "scores", "sources",
                            "negated", "organisations", "actor_types", *coder_columns(schemes)))


def sentence_row(doc: Document, sentence: Sentence) -> dict[str, object]:
    """One row of the coders' table; labels within a cell keep the sentence's (codebook) order."""
    row: dict[str, object] = {
        "doc_id": doc.id,
        "title": doc.meta.title,
        **meta_cells(doc, SENTENCE_META),
        "sent_id": sentence.id,
        "section_kind": sentence.section_kind,
        "is_heading": int(sentence.is_heading),
        "lang": sentence.lang,
        "page": "" if sentence.page is None else sentence.page,
        "start": sentence.start,
        "end": sentence.end,
        "text": sentence.text,
    }
    for scheme in scheme_names():
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
    for column in (*coder_columns(scheme_names()), DONE_COLUMN):
        row[column] = ""
    return row


ANNOTATION_FIELDS = ("doc_id", "sent_id", "scheme", "label", "group", "start", "end", "text", "source",
                     "score", "negated", "evidence", "relations")


def annotation_records(doc: Document) -> Iterator[dict[str, object]]:
    """One record per machine label, with the sentence span it codes, its evidence and the
    relations it makes (source -> target, stance)."""
    from pipeline.document import RELATION_KINDS

    for sentence in doc.coded_sentences():
        for lab in sentence.labels:
            relations = [{"source": r.source_key, "target": r.target_key, "kind": r.kind, "stance": r.stance}
                         for r in sentence.relations if RELATION_KINDS[r.kind] == lab.scheme and r.label == lab.label]
            yield {
                "doc_id": doc.id, "sent_id": sentence.id, "scheme": lab.scheme, "label": lab.label,
                "group": label_groups().get((lab.scheme, lab.label), ""),
                "start": sentence.start, "end": sentence.end, "text": sentence.text, "source": lab.source,
                "score": lab.score, "negated": lab.negated,
                "evidence": [{"term": e.term, "start": e.start, "end": e.end, "concept": e.concept,
                              "negated": e.negated} for e in lab.evidence],
                "relations": relations,
            }


def sentence_rows(docs: Iterable[Document]) -> Iterator[dict[str, object]]:
    """The rows of ``sentences.csv`` (every sentence, coded or not), document by document."""
    for doc in docs:
        for sentence in doc.sentences():
            yield sentence_row(doc, sentence)


def write_sentence_copies(docs: Iterable[Document], out_dir: str | os.PathLike, *,
                          codebook: Codebook | None = None, parquet_batch: int = 10_000) -> list[Path]:
    """``sentences.xlsx`` (the coders' workbook) and ``sentences.parquet``, in one pass over the
    documents; numbers typed as numbers, text exactly as in the documents."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    codebook = codebook or load_codebook()
    columns = sentence_columns(scheme_names(codebook))
    schema = pa.schema([(c, pa.int64() if c in NUMBER_COLUMNS else pa.string()) for c in columns])
    with atomic_open(out / "sentences.parquet", "wb") as handle, pq.ParquetWriter(handle, schema) as parquet:
        batch: list[dict[str, object]] = []

        def flush() -> None:
            parquet.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            batch.clear()

        def rows() -> Iterator[dict[str, object]]:
            for row in sentence_rows(docs):
                batch.append({c: None if c in NUMBER_COLUMNS and row.get(c) == "" else row.get(c)
                              for c in columns})
                if len(batch) >= parquet_batch:
                    flush()
                yield row

        write_workbook(out / "sentences.xlsx", rows(), columns, codebook=codebook)
        if batch:
            flush()
    return [out / "sentences.xlsx", out / "sentences.parquet"]
