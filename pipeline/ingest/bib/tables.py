"""Exports that are tables: Zotero CSV, Scopus CSV and Web of Science tab-delimited.

Each is recognised by its header row (the columns it always writes), never by guessing from
the rows; the rows are read with the standard ``csv`` module.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Callable

from pipeline.document import Metadata
from pipeline.ingest.bib import wos
from pipeline.ingest.bib.record import Record, attachment_paths, build_meta, pages_of

_SCOPUS_ID_RE = re.compile(r"\s*\(\d+\)")


@dataclass(frozen=True)
class Table:
    """One table export: its name, delimiter, the header columns that identify it, and how a
    row (a dict by column) becomes metadata and attachments."""

    name: str
    delimiter: str
    required: frozenset[str]
    meta_of: Callable[[dict[str, str], int], Metadata]
    attachments_of: Callable[[dict[str, str]], list[str]] = lambda row: []

    def sniff(self, text: str) -> bool:
        return self.required <= set(_header(text, self.delimiter))

    def parse(self, text: str) -> list[Record]:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=self.delimiter)
        header = [column.strip() for column in next(reader, [])]
        records = []
        for number, cells in enumerate((row for row in reader if any(c.strip() for c in row)), 1):
            row = dict(zip(header, (cell.strip() for cell in cells)))
            # one cell more or less is a trailing delimiter; more is a broken row
            problem = f"{len(cells)} cells, the header has {len(header)}" if abs(len(cells) - len(header)) > 1 else ""
            records.append(Record(number, row, self.meta_of(row, number), self.attachments_of(row), problem))
        return records


def _header(text: str, delimiter: str) -> list[str]:
    lines = text.lstrip("\ufeff").splitlines()
    try:
        return [column.strip() for column in next(csv.reader(lines[:1], delimiter=delimiter), [])]
    except csv.Error:  # not a table at all (a stray quote or carriage return): no export header
        return []


def _zotero(row: dict[str, str], number: int) -> Metadata:
    get = row.get
    tags = "; ".join(t for t in (get("Manual Tags"), get("Automatic Tags")) if t)
    return build_meta("zotero_csv", number, title=get("Title"), authors=get("Author"), abstract=get("Abstract Note"),
                      keywords=tags, doi=get("DOI"), journal=get("Publication Title"),
                      year=get("Publication Year") or get("Date"), volume=get("Volume"), issue=get("Issue"),
                      pages=get("Pages"), url=get("Url"), language=get("Language"), database=get("Library Catalog"),
                      db_id=get("Key"), record_type=get("Item Type"))


def _scopus(row: dict[str, str], number: int) -> Metadata:
    get = row.get
    authors = _SCOPUS_ID_RE.sub("", get("Author full names") or "") or get("Authors")
    abstract = "" if (get("Abstract") or "").startswith("[No abstract") else get("Abstract")
    return build_meta("scopus_csv", number, title=get("Title"), authors=authors, abstract=abstract,
                      keywords=get("Author Keywords") or get("Index Keywords"), doi=get("DOI"),
                      journal=get("Source title"), year=get("Year"), volume=get("Volume"), issue=get("Issue"),
                      pages=pages_of(get("Page start"), get("Page end")) or get("Art. No."), url=get("Link"),
                      language=get("Language of Original Document"), database=get("Source") or "Scopus",
                      db_id=get("EID"), record_type=get("Document Type"))


def _wos(row: dict[str, str], number: int) -> Metadata:
    return wos.meta_of(lambda tag: row.get(tag) or "", number, export_format="wos_tab")


ZOTERO = Table("Zotero CSV", ",", frozenset({"Key", "Item Type", "Title", "Author"}), _zotero,
               lambda row: attachment_paths((row.get("File Attachments") or "").split(";")))
SCOPUS = Table("Scopus CSV", ",", frozenset({"Title", "Source title", "Year"}), _scopus)
WOS_TAB = Table("Web of Science tab-delimited", "\t", frozenset({"PT", "TI", "UT"}), _wos)
