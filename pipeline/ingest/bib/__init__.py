"""Bibliographic exports: one file, many records, each record one :class:`Document`.

A format is recognised by its suffix where the suffix says it (.ris, .bib, .json), by its
header row among the table exports (.csv), and by its first tag among the tagged text exports
that CNKI and Web of Science save as .txt; a .txt file that none of them recognises is an
article. ``read`` decodes and parses an export, keeps the well-formed records and turns each
malformed one into a warning naming its number; ``documents`` lays each record out (or reads
its attached PDF) as a Document.

Record ids are a hash of the record's parsed fields (:func:`.record.record_id`): the same
record exported again, alone or in another order, keeps its id.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.document import Document, content_id
from pipeline.errors import Errors, IrtagError, Warnings
from pipeline.ingest import text as plain
from pipeline.ingest.bib import bibtex, cnki, csljson, ris, tables, wos
from pipeline.ingest.bib.layout import record_document
from pipeline.ingest.bib.record import Record, record_id


@dataclass(frozen=True)
class Format:
    """One export format: ``key`` (Document.format, meta.extra['export_format']), the name
    users know, its parser, and how its first lines are recognised (None: by suffix alone)."""

    key: str
    name: str
    parse: Callable[[str], list[Record]]
    sniff: Callable[[str], bool] | None = None


RIS = Format("ris", "RIS", ris.parse)
BIBTEX = Format("bibtex", "BibTeX", bibtex.parse)
CSL_JSON = Format("csljson", "CSL-JSON", csljson.parse)
ZOTERO_CSV = Format("zotero_csv", tables.ZOTERO.name, tables.ZOTERO.parse, tables.ZOTERO.sniff)
SCOPUS_CSV = Format("scopus_csv", tables.SCOPUS.name, tables.SCOPUS.parse, tables.SCOPUS.sniff)
WOS_TAB = Format("wos_tab", tables.WOS_TAB.name, tables.WOS_TAB.parse, tables.WOS_TAB.sniff)
WOS_TEXT = Format("wos", "Web of Science plain text", wos.parse, wos.sniff)
ENDNOTE = Format("endnote", "EndNote tagged (CNKI)", cnki.ENDNOTE.parse, cnki.ENDNOTE.sniff)
REFWORKS = Format("refworks", "RefWorks (CNKI)", cnki.REFWORKS.parse, cnki.REFWORKS.sniff)
NOTEEXPRESS = Format("noteexpress", "NoteExpress (CNKI)", cnki.NOTEEXPRESS.parse, cnki.NOTEEXPRESS.sniff)

#: Suffix -> the formats a file with it may hold, tried in order.
BY_SUFFIX: dict[str, tuple[Format, ...]] = {
    ".ris": (RIS,),
    ".bib": (BIBTEX,),
    ".json": (CSL_JSON,),
    ".csljson": (CSL_JSON,),
    ".csv": (ZOTERO_CSV, SCOPUS_CSV, WOS_TAB),
    ".txt": (WOS_TEXT, WOS_TAB, ENDNOTE, REFWORKS, NOTEEXPRESS),
}
#: Suffixes that are read as exports only when their content is recognised (else: articles).
SNIFFED = (".txt",)


@dataclass
class Export:
    """What ``read`` found: the format, the well-formed records and the file's warnings."""

    format: Format
    records: list[Record]
    warnings: list[str]


def is_export(path: Path, data: bytes) -> bool:
    """Whether the file is a bibliographic export: always for its own suffixes, by its
    first line for .txt (the tags are ASCII, so the file's head is enough)."""
    suffix = path.suffix.lower()
    if suffix not in SNIFFED:
        return suffix in BY_SUFFIX
    return _recognise(suffix, _head(data)) is not None


def read(path: Path, data: bytes) -> Export:
    """Decode and parse an export. E072 when the content is not the export its suffix
    promises, E070 when no record is well formed; each malformed record is a W020 warning."""
    decoded = plain.decode(data, path)
    text = decoded.text
    suffix = path.suffix.lower()
    fmt = _recognise(suffix, text)
    if fmt is None:
        raise IrtagError(Errors.E072.format(path=path, reason="header not recognised",
                                            supported=", ".join(f.name for f in BY_SUFFIX.get(suffix, ()))))
    try:
        records = fmt.parse(text)
    except csljson.NotCsl as err:
        raise IrtagError(Errors.E072.format(path=path, reason=err, supported=fmt.name)) from None
    warnings = list(decoded.warnings)
    good = []
    for record in records:
        problem = record.problem or ("" if record.meta.title else "no title")
        if problem:
            warnings.append(Warnings.W020.format(path=path, number=record.number, reason=problem))
        else:
            good.append(record)
    if not good:
        reason = f"all {len(records)} records malformed" if records else "no records found"
        raise IrtagError(Errors.E070.format(path=path, format=fmt.name, reason=reason))
    return Export(fmt, good, warnings)


def documents(export: Export, path: Path, *,
              read_attachment: Callable[[Path], Document] | None = None) -> Iterator[Document]:
    """One Document per record, in file order. A record whose attached PDF exists is read
    with ``read_attachment`` (its full text, the record's metadata); the file's warnings go
    with the first document."""
    used: set[str] = set()
    for index, record in enumerate(export.records):
        doc_id = record_id(record)
        if doc_id in used:  # the same record twice in one file
            doc_id = content_id(f"{doc_id}#{record.number}".encode())
        used.add(doc_id)
        meta = record.meta
        meta.extra["sources"] = f"{path}#{record.number}"
        warnings = list(export.warnings) if index == 0 else []
        attachment = _attachment(record, path) if read_attachment else None
        if attachment is not None:
            try:
                doc = read_attachment(attachment)
            except IrtagError as err:
                warnings.append(Warnings.W021.format(path=path, number=record.number, attachment=attachment,
                                                     reason=str(err)))
            else:
                meta.extra["fulltext"] = str(attachment)
                doc.id, doc.source, doc.meta, doc.warnings = doc_id, str(path), meta, warnings + doc.warnings
                yield doc
                continue
        yield record_document(meta, doc_id=doc_id, source=str(path), format=export.format.key, warnings=warnings)


def attached_files(paths: Iterable[Path]) -> set[Path]:
    """The files (resolved) that the exports among ``paths`` attach to their records: they are
    read with their record, not again as articles of their own. An export that cannot be read
    attaches nothing here; its error is reported when it is read."""
    found: set[Path] = set()
    for path in paths:
        if path.suffix.lower() not in BY_SUFFIX:
            continue
        try:
            with open(path, "rb") as handle:
                if path.suffix.lower() in SNIFFED and not is_export(path, handle.read(4096)):
                    continue
            export = read(path, path.read_bytes())
        except (IrtagError, OSError):
            continue
        for record in export.records:
            found.update(candidate.resolve() for candidate in _candidates(record, path) if candidate.is_file())
    return found


def _recognise(suffix: str, text: str) -> Format | None:
    candidates = BY_SUFFIX.get(suffix, ())
    if len(candidates) == 1 and candidates[0].sniff is None:
        return candidates[0]
    return next((fmt for fmt in candidates if fmt.sniff is not None and fmt.sniff(text)), None)


def _head(data: bytes, size: int = 4096) -> str:
    head = data[:size]
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(name, errors="ignore")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff").replace("\r\n", "\n")


def _attachment(record: Record, export_path: Path) -> Path | None:
    """The first attached PDF that exists."""
    return next((c for c in _candidates(record, export_path) if c.suffix.lower() == ".pdf" and c.is_file()), None)


def _candidates(record: Record, export_path: Path) -> list[Path]:
    """The record's attachments as paths; a relative path is relative to the export."""
    return [Path(name) if Path(name).is_absolute() else export_path.parent / name for name in record.attachments]
