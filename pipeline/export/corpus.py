"""Everything ``irtag run`` writes beside the per-document JSONL, read back one document at a
time from ``OUT/docs`` so that memory does not grow with the corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

from pipeline.compare import CorpusComparison
from pipeline.compare_groups import write_grouped
from pipeline.export.network import network_svg
from pipeline.export.relations import RelationTables, write_relation_outputs
from pipeline.export.report import ReportSection, write_report
from pipeline.export.timechart import time_chart_svg
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
    relations = RelationTables()
    written = [out / "annotations.jsonl", *write_comparison(comparison, out),
               *write_relation_outputs(iter_documents(out), out, relations)]
    written += write_grouped(out)  # by_year.csv, factor_stage_by_year.csv where documents have years
    write_project(iter_documents(out), codes, out / "project.qdpx")
    write_codebook(codes, out / "codebook.qdc")
    write_taguette_codebook(codes, out / "codebook.csv")
    written += [out / "project.qdpx", out / "codebook.qdc", out / "codebook.csv"]
    write_report(iter_documents(out), comparison, out / "report.html", sections=[*_network_sections(relations), *_time_sections(out)])
    written.append(out / "report.html")
    if (out / "sentences.csv").exists():
        written += write_sentence_copies(iter_documents(out), out)
    return written


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
