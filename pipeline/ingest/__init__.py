"""Ingest: any supported file -> :class:`~pipeline.document.Document` objects with clean text.

``read_documents`` checks the file (exists, supported type, size, not empty) and hands the
bytes to the reader for its suffix (``READERS``, the one dispatch table). An article gives one
Document, its paragraphs laid out as sections with offsets (:mod:`pipeline.ingest.structure`);
a bibliographic export (RIS, BibTeX, CSL-JSON, Zotero/Scopus CSV, Web of Science, CNKI; see
:mod:`pipeline.ingest.bib`) gives one Document per record. ``read_document`` reads one
article::

    from pipeline.ingest import read_document, read_documents
    doc = read_document("article.pdf")
    doc.meta.title, [s.kind for s in doc.sections]
    for record in read_documents("zotero.ris"):
        record.meta.authors, record.meta.year
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator

from pipeline.document import Document, content_id
from pipeline.errors import Errors, IrtagError
from pipeline.ingest import bib, docx, html, pdf, text
from pipeline.ingest.structure import Parsed, assemble

Reader = Callable[..., Parsed]

#: Suffix -> reader(path, data, **options). The only place that knows which reader reads what;
#: ``bib.read`` reads bibliographic exports, and a .txt whose first tags are an export's
#: (CNKI, Web of Science) is read by it too.
READERS: dict[str, Callable[..., Any]] = {
    ".txt": text.read,
    ".md": text.read,
    ".markdown": text.read,
    ".html": html.read,
    ".htm": html.read,
    ".pdf": pdf.read,
    ".docx": docx.read,
    **{suffix: bib.read for suffix in bib.BY_SUFFIX if suffix not in bib.SNIFFED},
}

__all__ = ["READERS", "read_document", "read_documents"]


def read_documents(path: str | os.PathLike, *, max_size_mb: float = 50, pdf_engine: str = "pdfplumber",
                   max_pages: int | None = pdf.MAX_PAGES, abstracts_only: bool = False) -> Iterator[Document]:
    """Every document in a file: one for an article, one per record for an export.

    Errors as :func:`read_document`, plus E070 (no well-formed record) and E072 (a .csv or
    .json that is no known export); a malformed record is a W020 warning on the file's
    first document. A record's attached PDF is read for its full text unless
    ``abstracts_only``.
    """
    path, data = _checked(path, max_size_mb)
    if not bib.is_export(path, data):
        yield _article(path, data, pdf_engine, max_pages)
        return
    export = bib.read(path, data)

    def read_attachment(attachment: Path) -> Document:
        return read_document(attachment, max_size_mb=max_size_mb, pdf_engine=pdf_engine, max_pages=max_pages)

    yield from bib.documents(export, path, read_attachment=None if abstracts_only else read_attachment)


def read_document(path: str | os.PathLike, *, max_size_mb: float = 50, pdf_engine: str = "pdfplumber",
                  max_pages: int | None = pdf.MAX_PAGES) -> Document:
    """Read one article into a Document (no sentences yet; ``segment`` adds them).

    Raises :class:`IrtagError` naming the file and the reason: E010 missing, E001 unsupported
    suffix, E003 over ``max_size_mb`` (checked before reading), E002 empty, E004/E005 undecodable
    or binary text, E006-E008 unreadable/encrypted/textless PDF, E009 unreadable DOCX,
    E011 unknown ``pdf_engine`` ('pdfplumber' or 'pypdfium2'), E080 a PDF of more than
    ``max_pages`` pages (None: no limit), E071 a bibliographic export (read those with
    :func:`read_documents`).
    """
    path, data = _checked(path, max_size_mb)
    if bib.is_export(path, data):
        raise IrtagError(Errors.E071.format(path=path))
    return _article(path, data, pdf_engine, max_pages)


def _checked(path: str | os.PathLike, max_size_mb: float) -> tuple[Path, bytes]:
    path = Path(path)
    if not path.exists():
        raise IrtagError(Errors.E010.format(path=path))
    suffix = path.suffix.lower()
    if suffix not in READERS or not path.is_file():
        raise IrtagError(Errors.E001.format(path=path, suffix=suffix, supported=", ".join(sorted(READERS))))
    size = path.stat().st_size
    if size > max_size_mb * 1024 * 1024:
        raise IrtagError(Errors.E003.format(path=path, size_mb=size / 1024 / 1024, limit_mb=max_size_mb))
    data = path.read_bytes()
    if not data.strip():
        raise IrtagError(Errors.E002.format(path=path))
    return path, data


def _article(path: Path, data: bytes, pdf_engine: str, max_pages: int | None) -> Document:
    reader = READERS[path.suffix.lower()]
    options: dict[str, Any] = {"engine": pdf_engine, "max_pages": max_pages} if reader is pdf.read else {}
    parsed = reader(path, data, **options)
    if not any(block.text.strip() for block in parsed.blocks):
        raise IrtagError((Errors.E008 if reader is pdf.read else Errors.E002).format(path=path))
    return assemble(parsed, doc_id=content_id(data), source=str(path))
