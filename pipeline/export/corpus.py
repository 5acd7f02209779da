"""Everything ``irtag run`` writes beside the per-document JSONL, read back one document at a
time from ``OUT/docs`` so that memory does not grow with the corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator, Sequence

from pipeline.compare import CorpusComparison
from pipeline.document import Document
from pipeline.export.report import write_report
from pipeline.export.refi import CodeSpec, write_codebook, write_project, write_taguette_codebook
from pipeline.export.tables import (
    ANNOTATION_FIELDS, CsvTable, annotation_records, atomic_open, read_document_jsonl, write_sentence_copies,
)

MANIFEST = "manifest.json"


def write_manifest(out_dir: str | os.PathLike, doc_ids: Sequence[str]) -> None:
    with atomic_open(Path(out_dir) / MANIFEST, "w", encoding="utf-8") as handle:
        json.dump({"documents": list(doc_ids)}, handle, ensure_ascii=False, indent=1)


def iter_documents(out_dir: str | os.PathLike) -> Iterator[Document]:
    """The run's documents in input order (the manifest's), one at a time."""
    out = Path(out_dir)
    manifest = out / MANIFEST
    if manifest.exists():
        ids = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
        paths = [out / "docs" / f"{doc_id}.jsonl" for doc_id in ids]
    else:
        paths = sorted((out / "docs").glob("*.jsonl"))
    for path in paths:
        yield read_document_jsonl(path)


def write_comparison(comparison: CorpusComparison, out_dir: str | os.PathLike) -> list[Path]:
    out = Path(out_dir)
    tables = {
        "documents.csv": comparison.documents_table(),
        "matrix_labels.csv": comparison.label_matrix().reset_index(),
        "factor_stage.csv": comparison.factor_stage_all(),
        "org_pairs.csv": comparison.pairs_table(),
    }
    written = []
    for name, table in tables.items():
        with atomic_open(out / name, "w", encoding="utf-8-sig", newline="") as handle:
            table.to_csv(handle, index=False)
        written.append(out / name)
    return written


def write_corpus_outputs(out_dir: str | os.PathLike, codes: Sequence[CodeSpec]) -> list[Path]:
    """Annotations, profiles and matrices, QDA exports, spreadsheet copies and the report."""
    out = Path(out_dir)
    comparison = CorpusComparison()
    with atomic_open(out / "annotations.jsonl", "w", encoding="utf-8", newline="\n") as handle:
        for doc in iter_documents(out):
            comparison.add(doc)
            for record in annotation_records(doc):
                handle.write(json.dumps({k: record[k] for k in ANNOTATION_FIELDS}, ensure_ascii=False) + "\n")
    written = [out / "annotations.jsonl", *write_comparison(comparison, out)]
    write_project(iter_documents(out), codes, out / "project.qdpx")
    write_codebook(codes, out / "codebook.qdc")
    write_taguette_codebook(codes, out / "codebook.csv")
    written += [out / "project.qdpx", out / "codebook.qdc", out / "codebook.csv"]
    write_report(iter_documents(out), comparison, out / "report.html")
    written.append(out / "report.html")
    if (out / "sentences.csv").exists():
        write_sentence_copies(out / "sentences.csv", out)
        written += [out / "sentences.xlsx", out / "sentences.parquet"]
    return written
