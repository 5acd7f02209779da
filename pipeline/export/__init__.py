"""The emit stage: tables for coders, REFI-QDA projects for QDA tools, an HTML report."""

from pipeline.export.tables import (
    SCHEMES, SENTENCE_COLUMNS, CsvTable, atomic_open, neutralise, read_document_jsonl, sentence_row,
    write_document_jsonl,
)

__all__ = [
    "SCHEMES", "SENTENCE_COLUMNS", "CsvTable", "atomic_open", "neutralise", "read_document_jsonl",
    "sentence_row", "write_document_jsonl",
]
