"""CNKI (中国知网) exports as text: EndNote tagged, RefWorks and NoteExpress.

CNKI writes these as .txt in UTF-8 or GB18030; each is a tagged line format with its own
tags, read with the grammar in :mod:`.tagged`. Author and keyword lists arrive joined with
';' / '；' / '，' (or one per line) and are split by :mod:`.record`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.ingest.bib.record import Record, build_meta
from pipeline.ingest.bib.tagged import Tagged, first_tag, split_records


@dataclass(frozen=True)
class Grammar:
    """How one tagged export spells its fields: the tag pattern, the start tag, and the
    tags of each metadata field (the first present wins)."""

    name: str
    tag_re: re.Pattern[str]
    start: str
    fields: dict[str, tuple[str, ...]]

    def sniff(self, text: str) -> bool:
        return first_tag(text, self.tag_re) == self.start

    def parse(self, text: str) -> list[Record]:
        return [Record(number, tagged.pairs, self.meta_of(tagged, number), problem=tagged.problem)
                for number, tagged in enumerate(split_records(text, self.tag_re, start=self.start), 1)]

    def meta_of(self, tagged: Tagged, number: int):
        values = {name: tagged.get(*tags, joiner=";" if name in ("authors", "keywords") else "\n")
                  for name, tags in self.fields.items()}
        return build_meta(self.name, number, **values)


ENDNOTE = Grammar("endnote", re.compile(r"^(%[0-9A-Z@+#$^&*!~<>?=\]\[()]) ?(.*)$"), "%0", {
    "title": ("%T",), "authors": ("%A",), "journal": ("%J", "%B"), "year": ("%D",), "volume": ("%V",),
    "issue": ("%N",), "pages": ("%P",), "keywords": ("%K",), "abstract": ("%X",), "doi": ("%R",),
    "url": ("%U",), "language": ("%G",), "database": ("%W",), "db_id": ("%M",), "record_type": ("%0",),
})
REFWORKS = Grammar("refworks", re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$"), "RT", {
    "title": ("T1",), "authors": ("A1", "AU"), "journal": ("JF", "JO", "T2"), "year": ("YR",), "volume": ("VO",),
    "issue": ("IS",), "pages": ("SP",), "keywords": ("K1",), "abstract": ("AB",), "doi": ("DO",),
    "url": ("LK", "UL"), "language": ("LA",), "database": ("DS",), "db_id": ("AN",), "record_type": ("RT",),
})
NOTEEXPRESS = Grammar("noteexpress", re.compile(r"^\{([^{}\n]+)\}: ?(.*)$"), "Reference Type", {
    "title": ("Title",), "authors": ("Author",), "journal": ("Journal", "Secondary Title"), "year": ("Year",),
    "volume": ("Volume",), "issue": ("Issue",), "pages": ("Pages",), "keywords": ("Keywords",),
    "abstract": ("Abstract",), "doi": ("DOI",), "url": ("URL",), "language": ("Language",),
    "database": ("Database Provider",), "db_id": ("Accession Number",), "record_type": ("Reference Type",),
})
