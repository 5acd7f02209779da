"""Comparison over the literature: label shares and Steffek's factor x stage table per group of
documents — per publication year (or period of N years), journal, language, or any other
metadata key, ``meta.extra`` key or ``documents.csv`` column.

A literature review asks how the labels move over time and between journals, not per article.
Documents are read one at a time; memory grows with groups x labels, not with the corpus.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from pipeline.codebook import scheme_labels
from pipeline.compare import EXAMPLES_PER_CELL, factor_stage_cells, profile
from pipeline.document import Document, Metadata
from pipeline.errors import Errors, IrtagError
from pipeline.io import iter_documents, write_table
from pipeline.norm import fold_width

YEAR = "year"
#: ``Document`` attributes a corpus can be grouped by, besides its metadata.
DOCUMENT_KEYS = ("lang", "source", "format")
_META_FIELDS = tuple(f.name for f in fields(Metadata) if f.name != "extra")


@lru_cache(maxsize=1)
def _profile_columns() -> frozenset[str]:
    return frozenset(profile(Document("", "", "", "", "")))


def key_values(doc: Document, key: str) -> list[str]:
    """The groups a document belongs to under ``key``: one per author or keyword for list
    fields, none where it has no value. Looked up in ``Metadata``, then the document's own
    attributes, then ``meta.extra``, then the ``documents.csv`` columns (``dominant_stage`` …)."""
    if key in _META_FIELDS:
        value = getattr(doc.meta, key)
    elif key in DOCUMENT_KEYS:
        value = getattr(doc, key)
    elif key in doc.meta.extra or key not in _profile_columns():
        value = doc.meta.extra.get(key, "")
    else:
        value = profile(doc)[key]
    items = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def keys_with_values(doc: Document) -> set[str]:
    """Every key :func:`key_values` finds a value for in this document (for the error message)."""
    found = {k for k in _META_FIELDS if getattr(doc.meta, k) not in ("", None, [])}
    return found | {k for k in DOCUMENT_KEYS if getattr(doc, k)} | {k for k, v in doc.meta.extra.items() if v}


def period_of(year: int, period: int) -> tuple[int, str]:
    """Calendar periods of ``period`` years (2015-2019 for 5), the same bins for every corpus."""
    start = year - year % period
    return start, str(start) if period == 1 else f"{start}-{start + period - 1}"


@dataclass
class _Tally:
    """What one group has counted: documents, coded sentences, labels and factor x stage cells."""

    name: str
    documents: int = 0
    sentences: int = 0
    labelled: Counter = field(default_factory=Counter)  # (scheme, label) -> sentences
    documents_with: Counter = field(default_factory=Counter)  # (scheme, label) -> documents
    cells: Counter = field(default_factory=Counter)
    examples: dict[tuple[str, str], list[str]] = field(default_factory=dict)


class GroupedComparison:
    """Label shares and factor x stage cells per value of ``key``; ``period`` (years) applies
    to ``year``, whose gaps are filled with empty groups so that rows are evenly spaced in time."""

    def __init__(self, key: str, period: int = 1):
        self.key = key
        self.period = period
        self.groups: dict[object, _Tally] = {}
        self.found: set[str] = set()

    def add(self, doc: Document) -> None:
        self.found |= keys_with_values(doc)
        coded = list(doc.coded_sentences())
        labelled = Counter((lab.scheme, lab.label) for s in coded for lab in s.labels)
        cells: dict[tuple[str, str], list[str]] = {}
        for sentence in coded:
            for cell in factor_stage_cells(sentence):
                cells.setdefault(cell, []).append(sentence.id)
        for ident, name in self._groups_of(doc):
            tally = self.groups.setdefault(ident, _Tally(name))
            tally.documents += 1
            tally.sentences += len(coded)
            tally.labelled.update(labelled)
            tally.documents_with.update(set(labelled))
            for cell, ids in cells.items():
                tally.cells[cell] += len(ids)
                examples = tally.examples.setdefault(cell, [])
                examples.extend(ids[:EXAMPLES_PER_CELL - len(examples)])

    def _groups_of(self, doc: Document) -> list[tuple[object, str]]:
        """(identity, shown name) of each group of a document; a document without a value is in
        the group ``""``. Names are matched case- and width-blind; the first spelling is shown."""
        values = key_values(doc, self.key)
        if not values:
            return [("", "")]
        if self.key == YEAR:
            return [period_of(int(v), self.period) for v in values]
        return [(re.sub(r"\s+", " ", fold_width(v).casefold()), v) for v in dict.fromkeys(values)]

    @property
    def has_values(self) -> bool:
        return any(ident != "" for ident in self.groups)

    def _ordered(self) -> list[_Tally]:
        """Years in time order with gaps filled; other keys by documents (most first), then name;
        the documents without a value last."""
        named = {ident: tally for ident, tally in self.groups.items() if ident != ""}
        if self.key == YEAR and named:
            starts = range(min(named), max(named) + 1, self.period)
            ordered = [named.get(start) or _Tally(period_of(start, self.period)[1]) for start in starts]
        else:
            ordered = sorted(named.values(), key=lambda t: (-t.documents, t.name.casefold(), t.name))
        return ordered + ([self.groups[""]] if "" in self.groups else [])

    def table(self) -> pd.DataFrame:
        """``by_<key>.csv``: per group, documents and coded sentences, and per label the
        sentences with it (``n_``), their share per 100 coded sentences (``per100_``, empty for
        a group without sentences) and the documents with it (``docs_``)."""
        rows = []
        for tally in self._ordered():
            row: dict[str, object] = {self.key: tally.name, "documents": tally.documents,
                                      "sentences": tally.sentences}
            for scheme, labels in scheme_labels().items():
                for label in labels:
                    n = tally.labelled.get((scheme, label), 0)
                    row[f"n_{scheme}:{label}"] = n
                    row[f"per100_{scheme}:{label}"] = round(100 * n / tally.sentences, 2) if tally.sentences else None
                    row[f"docs_{scheme}:{label}"] = tally.documents_with.get((scheme, label), 0)
            rows.append(row)
        return pd.DataFrame(rows)

    def factor_stage_table(self) -> pd.DataFrame:
        """``factor_stage_by_<key>.csv``: Steffek's table per group, with example sentence ids."""
        rows = [{self.key: tally.name, "factor": factor, "stage": stage, "count": tally.cells.get((factor, stage), 0),
                 "examples": ";".join(tally.examples.get((factor, stage), []))}
                for tally in self._ordered()
                for factor in scheme_labels()["factor"] for stage in scheme_labels()["stage"]]
        return pd.DataFrame(rows, columns=[self.key, "factor", "stage", "count", "examples"])


def compare_groups(docs: Iterable[Document], keys: Sequence[str], period: int = 1) -> list[GroupedComparison]:
    """One pass over the documents for every key."""
    if not isinstance(period, int) or period < 1:
        raise IrtagError(Errors.E151.format(period=period))
    if period != 1 and YEAR not in keys:
        raise IrtagError(Errors.E152.format(period=period, keys=", ".join(keys)))
    comparisons = [GroupedComparison(key, period if key == YEAR else 1) for key in dict.fromkeys(keys)]
    for doc in docs:
        for comparison in comparisons:
            comparison.add(doc)
    return comparisons


def file_stem(key: str) -> str:
    """``Publication Year`` -> ``publication_year``: a key as part of a file name."""
    return re.sub(r"\W+", "_", key.casefold()).strip("_") or "key"


def write_grouped(out_dir: str | os.PathLike, keys: Sequence[str] = (), period: int = 1) -> list[Path]:
    """``by_<key>.csv`` and ``factor_stage_by_<key>.csv`` for a run's documents, read one at a
    time. Without ``keys``: by year, and only where some document has a year (what ``irtag
    run`` writes); a key asked for that no document has is an error listing the keys found."""
    out = Path(out_dir)
    written: list[Path] = []
    for comparison in compare_groups(iter_documents(out), list(keys) or [YEAR], period):
        if not comparison.has_values:
            if not keys:
                continue
            raise IrtagError(Errors.E150.format(path=out, key=comparison.key,
                                                found=", ".join(sorted(comparison.found)) or "none"))
        stem = file_stem(comparison.key)
        written.append(write_table(out / f"by_{stem}.csv", comparison.table()))
        written.append(write_table(out / f"factor_stage_by_{stem}.csv", comparison.factor_stage_table()))
    return written
