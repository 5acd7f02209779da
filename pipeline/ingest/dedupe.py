"""Duplicates across bibliographic exports: the same article from CNKI and Web of Science, or
twice in one library.

Two records are the same when their DOIs are equal; when either has no DOI, when their
normalised titles, years and first authors' names agree (records with two different DOIs are
never merged). The first record seen is kept; the later ones name it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from pipeline.document import Metadata

_NOT_WORD_RE = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """Case, width, accents, punctuation and spaces folded: 'The Café: a study' == 'the cafe a study'."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_WORD_RE.sub("", text)


def name_keys(author: str) -> set[str]:
    """Parts of a name that may be its family name, folded: 'Smith, Anna' -> {smith};
    'Anna Smith' -> {anna, smith}; 'Smith A.' -> {smith}; '王明' -> {王明}. Two spellings of
    one first author share one."""
    family = author.split(",", 1)[0] if "," in author else author
    parts = [normalise_title(p) for p in family.split()]
    return {p for p in parts if len(p) > 1 or (p and not p.isascii())}


class DuplicateIndex:
    """Records seen so far, by DOI and by title + year + first author; ``add`` says whether a
    record repeats one of them. Feeding records in input order keeps the first of each group."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.by_doi: dict[str, str] = {}
        self.by_title: dict[str, tuple[str, bool]] = {}  # key -> (kept id, whether it has a DOI)

    def add(self, record_id: str, meta: Metadata) -> str | None:
        """The id of the earlier record this one duplicates, or None (and it is remembered)."""
        if record_id in self.ids:  # the very same record in two exports
            return record_id
        doi = meta.doi.strip().lower()
        keys = _title_keys(meta)
        if doi and doi in self.by_doi:
            return self.by_doi[doi]
        for key in keys:
            kept, kept_has_doi = self.by_title.get(key, ("", False))
            if kept and not (doi and kept_has_doi):
                return kept
        self.ids.add(record_id)
        if doi:
            self.by_doi[doi] = record_id
        for key in keys:
            self.by_title.setdefault(key, (record_id, bool(doi)))
        return None


def find_duplicates(records: Iterable[tuple[str, Metadata]]) -> dict[str, str]:
    """Duplicate record id -> the id of the record kept in its place (the first seen)."""
    index = DuplicateIndex()
    found = {}
    for record_id, meta in records:
        kept = index.add(record_id, meta)
        if kept is not None:
            found[record_id] = kept
    return found


def _title_keys(meta: Metadata) -> list[str]:
    title = normalise_title(meta.title)
    if not (title and meta.year and meta.authors):
        return []
    return [f"{title}|{meta.year}|{name}" for name in sorted(name_keys(meta.authors[0]))]
