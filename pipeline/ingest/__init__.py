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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from pipeline.document import Document, content_id
from pipeline.errors import Errors, IrtagError
from pipeline.ingest import bib, clean, docx, html, pdf, text
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

__all__ = ["READERS", "ReadOptions", "read_document", "read_documents"]


@dataclass(frozen=True)
class ReadOptions:
    """The engine and the limits that keep one hostile file from hanging a batch.

    Each limit has a default and a flag of ``irtag run`` (see "What irtag does with bad input"
    in the README): ``max_size_mb`` (E003, checked before reading), ``max_pages`` (E080, None: no
    limit), ``max_chars`` per document (E064), ``max_html_depth`` (E060), ``max_inflated_mb`` and
    ``max_inflate_ratio`` of a DOCX archive (E061/E062, checked before inflating).
    """

    max_size_mb: float = 50
    pdf_engine: str = "pdfplumber"
    max_pages: int | None = pdf.MAX_PAGES
    max_chars: int = 2_000_000
    max_html_depth: int = 1_000
    max_inflated_mb: float = 200.0
    max_inflate_ratio: float = 100.0

    def for_reader(self, reader: Callable[..., Any]) -> dict[str, Any]:
        """The keyword options ``reader`` takes."""
        return {
            pdf.read: {"engine": self.pdf_engine, "max_pages": self.max_pages},
            text.read: {"max_chars": self.max_chars},
            html.read: {"max_depth": self.max_html_depth},
            docx.read: {"max_inflated_mb": self.max_inflated_mb, "max_ratio": self.max_inflate_ratio},
        }.get(reader, {})


def read_documents(path: str | os.PathLike, *, abstracts_only: bool = False, **options: Any) -> Iterator[Document]:
    """Every document in a file: one for an article, one per record for an export.

    ``options`` are the fields of :class:`ReadOptions`. Errors as :func:`read_document`, plus
    E070 (no well-formed record) and E072 (a .csv or .json that is no known export); a
    malformed record is a W020 warning on the file's first document. A record's attached PDF
    is read for its full text unless ``abstracts_only``.
    """
    limits = ReadOptions(**options)
    path, data = _checked(path, limits)
    if not bib.is_export(path, data):
        yield _article(path, data, limits)
        return
    export = bib.read(path, data)

    def read_attachment(attachment: Path) -> Document:
        return read_document(attachment, **asdict(limits))

    yield from bib.documents(export, path, read_attachment=None if abstracts_only else read_attachment)


def read_document(path: str | os.PathLike, **options: Any) -> Document:
    """Read one article into a Document (no sentences yet; ``segment`` adds them).

    ``options`` are the fields of :class:`ReadOptions`. Raises :class:`IrtagError` naming the
    file and the reason: E010 missing, E066 a folder, E067 unreadable, E001 unsupported suffix,
    E003 over ``max_size_mb``, E002 empty, E004/E005 undecodable or binary text, E006-E008
    unreadable/encrypted/textless PDF, E080 too many pages, E009 unreadable DOCX, E060-E064 over
    a limit, E011 unknown ``pdf_engine`` ('pdfplumber' or 'pypdfium2'), E071 a bibliographic
    export (read those with :func:`read_documents`). Controls, NULs, ANSI escapes, lone
    surrogates and noncharacters are removed, with a W012 warning.
    """
    limits = ReadOptions(**options)
    path, data = _checked(path, limits)
    if bib.is_export(path, data):
        raise IrtagError(Errors.E071.format(path=path))
    return _article(path, data, limits)


def _checked(path: str | os.PathLike, limits: ReadOptions) -> tuple[Path, bytes]:
    """The file's bytes, after the checks every reader needs."""
    path = Path(path)
    if not path.exists():
        raise IrtagError(Errors.E010.format(path=path))
    if path.is_dir():
        raise IrtagError(Errors.E066.format(path=path))
    suffix = path.suffix.lower()
    if suffix not in READERS or not path.is_file():
        raise IrtagError(Errors.E001.format(path=path, suffix=suffix, supported=", ".join(sorted(READERS))))
    size = path.stat().st_size
    if size > limits.max_size_mb * 1024 * 1024:
        raise IrtagError(Errors.E003.format(path=path, size_mb=size / 1024 / 1024, limit_mb=limits.max_size_mb))
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IrtagError(Errors.E067.format(path=path, reason=err.strerror or type(err).__name__)) from None
    if not data.strip():
        raise IrtagError(Errors.E002.format(path=path))
    return path, data


def _article(path: Path, data: bytes, limits: ReadOptions) -> Document:
    reader = READERS[path.suffix.lower()]
    parsed = reader(path, data, **limits.for_reader(reader))
    clean.check_length(path, sum(len(block.text) for block in parsed.blocks), limits.max_chars)
    clean.scrub_parsed(parsed, path)
    if not any(block.text.strip() for block in parsed.blocks):
        raise IrtagError((Errors.E008 if reader is pdf.read else Errors.E002).format(path=path))
    return assemble(parsed, doc_id=content_id(data), source=str(path))
