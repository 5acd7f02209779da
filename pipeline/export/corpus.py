"""Everything ``irtag run`` writes beside the per-document JSONL, read back one document at a
time from ``OUT/docs`` so that memory does not grow with the corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

from pipeline.compare import CorpusComparison
from pipeline.export.relations import write_relation_outputs
from pipeline.export.report import write_report
from pipeline.export.refi import CodeSpec, write_codebook, write_project, write_taguette_codebook
from pipeline.export.tables import ANNOTATION_FIELDS, annotation_records, write_sentence_copies
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


def write_corpus_outputs(out_dir: str | os.PathLike, codes: Sequence[CodeSpec]) -> list[Path]:
    """Annotations, profiles and matrices, QDA exports, spreadsheet copies and the report."""
    out = Path(out_dir)
    comparison = CorpusComparison()
    with atomic_open(out / "annotations.jsonl", "w", encoding="utf-8", newline="\n") as handle:
        for doc in iter_documents(out):
            comparison.add(doc)
            for record in annotation_records(doc):
                handle.write(json.dumps({k: record[k] for k in ANNOTATION_FIELDS}, ensure_ascii=False) + "\n")
    written = [out / "annotations.jsonl", *write_comparison(comparison, out), *write_relation_outputs(iter_documents(out), out)]
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
