"""RIS (.ris), as Zotero, EndNote, Mendeley, Scopus and Web of Science write it, read with
``rispy``. The text is cut at its 'ER' lines first and each piece parsed on its own: rispy
silently drops a record without its 'TY' line, and a malformed record must be reported by
its number while the others are read."""

from __future__ import annotations

import re

from pipeline.ingest.bib.record import Record, attachment_paths, build_meta, pages_of

_END_RE = re.compile(r"^ER  -.*$", re.MULTILINE)


def parse(text: str) -> list[Record]:
    import rispy

    records = []
    for number, piece in enumerate((p for p in _END_RE.split(text) if p.strip()), 1):
        parsed = rispy.loads(piece + "\nER  - \n")
        if not parsed:
            records.append(Record(number, piece, problem="no 'TY  -' line"))
            continue
        entry = parsed[0]
        meta = build_meta(
            "ris", number, title=entry.get("title") or entry.get("primary_title"),
            authors=entry.get("authors", []) + entry.get("first_authors", []),
            abstract=entry.get("abstract") or entry.get("notes_abstract"), keywords=entry.get("keywords", []),
            doi=entry.get("doi"), journal=entry.get("secondary_title") or entry.get("journal_name")
            or entry.get("alternate_title3") or entry.get("alternate_title1"),
            year=entry.get("year") or entry.get("publication_year") or entry.get("date"),
            volume=entry.get("volume"), issue=entry.get("number"),
            pages=pages_of(entry.get("start_page"), entry.get("end_page")), url=entry.get("urls", []),
            language=entry.get("language"), database=entry.get("name_of_database") or entry.get("database_provider"),
            db_id=entry.get("accession_number"), record_type=entry.get("type_of_reference"),
        )
        records.append(Record(number, entry, meta, attachment_paths([entry.get("file_attachments1")])))
    return records
