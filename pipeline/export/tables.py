"""Writers for the outputs of a run.

The rows of the per-sentence table and of ``annotations.jsonl``, and the workbook and Parquet
copies of the table; every file goes through :mod:`pipeline.io` (atomic, formula-guarded).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, Sequence

from pipeline.codebook import coder_columns, label_groups, scheme_names
from pipeline.document import Document, Sentence
from pipeline.io import atomic_open


def sentence_columns(schemes: Sequence[str] | None = None) -> tuple[str, ...]:
    """Columns of ``sentences.csv``: the sentence, one column per scheme, evidence, coder columns."""
    schemes = scheme_names() if schemes is None else tuple(schemes)
    return ("doc_id", "title", "sent_id", "section_kind", "is_heading", "lang", "page", "start", "end", "text",
            *schemes, "resource_group", "evidence", "scores", "sources", "negated", "organisations",
            "actor_types", *coder_columns(schemes))


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
    for column in coder_columns(scheme_names()):
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


def write_sentence_copies(csv_path: str | os.PathLike, out_dir: str | os.PathLike) -> None:
    """``sentences.xlsx`` and ``sentences.parquet`` from the CSV, cells typed as text."""
    import pandas as pd

    table = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    out = Path(out_dir)
    with atomic_open(out / "sentences.xlsx", "wb") as handle:
        table.to_excel(handle, index=False, sheet_name="sentences", engine="openpyxl")
    with atomic_open(out / "sentences.parquet", "wb") as handle:
        table.to_parquet(handle, index=False)
