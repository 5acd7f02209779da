"""Ingest: any supported file -> a :class:`~pipeline.document.Document` with clean text.

``read_document`` checks the file (exists, supported type, size, not empty), hands the bytes to
the reader for its suffix (``READERS``, the one dispatch table), and lays the paragraphs the
reader found out as sections with offsets (:mod:`pipeline.ingest.structure`)::

    from pipeline.ingest import read_document
    doc = read_document("article.pdf")
    doc.meta.title, [s.kind for s in doc.sections]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from pipeline.document import Document, content_id
from pipeline.errors import Errors, IrtagError
from pipeline.ingest import clean, docx, html, pdf, text
from pipeline.ingest.structure import Parsed, assemble

Reader = Callable[..., Parsed]

#: Suffix -> reader(path, data, **options). The only place that knows which reader reads what.
READERS: dict[str, Reader] = {
    ".txt": text.read,
    ".md": text.read,
    ".markdown": text.read,
    ".html": html.read,
    ".htm": html.read,
    ".pdf": pdf.read,
    ".docx": docx.read,
}

__all__ = ["READERS", "read_document"]


#: Defaults of the limits that keep one hostile file from hanging a batch (see read_document).
MAX_CHARS = 2_000_000
MAX_HTML_DEPTH = 1_000
MAX_INFLATED_MB = 200.0
MAX_INFLATE_RATIO = 100.0


def read_document(path: str | os.PathLike, *, max_size_mb: float = 50, pdf_engine: str = "pdfplumber",
                  max_chars: int = MAX_CHARS, max_html_depth: int = MAX_HTML_DEPTH,
                  max_inflated_mb: float = MAX_INFLATED_MB, max_inflate_ratio: float = MAX_INFLATE_RATIO) -> Document:
    """Read one file into a Document (no sentences yet; ``segment`` adds them).

    Raises :class:`IrtagError` naming the file and the reason: E010 missing, E001 unsupported
    suffix, E003 over ``max_size_mb`` (checked before reading), E002 empty, E004/E005 undecodable
    or binary text, E006-E008 unreadable/encrypted/textless PDF, E009 unreadable DOCX,
    E011 unknown ``pdf_engine`` ('pdfplumber' or 'pypdfium2'), E060 HTML nested deeper than
    ``max_html_depth``, E061/E062 a DOCX that would inflate past ``max_inflated_mb`` or more
    than ``max_inflate_ratio`` times (checked before inflating), E063 a DOCX without its
    document part, E064 more than ``max_chars`` characters of text, E066 a folder, E067 a file
    that cannot be read (permissions). Controls, NULs, ANSI
    escapes, lone surrogates and noncharacters are removed, with a W012 warning.
    """
    path = Path(path)
    if not path.exists():
        raise IrtagError(Errors.E010.format(path=path))
    if path.is_dir():
        raise IrtagError(Errors.E066.format(path=path))
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None or not path.is_file():
        raise IrtagError(Errors.E001.format(path=path, suffix=suffix, supported=", ".join(sorted(READERS))))
    size = path.stat().st_size
    if size > max_size_mb * 1024 * 1024:
        raise IrtagError(Errors.E003.format(path=path, size_mb=size / 1024 / 1024, limit_mb=max_size_mb))
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IrtagError(Errors.E067.format(path=path, reason=err.strerror or type(err).__name__)) from None
    if not data.strip():
        raise IrtagError(Errors.E002.format(path=path))
    options: dict[str, Any] = {
        pdf.read: {"engine": pdf_engine},
        text.read: {"max_chars": max_chars},
        html.read: {"max_depth": max_html_depth},
        docx.read: {"max_inflated_mb": max_inflated_mb, "max_ratio": max_inflate_ratio},
    }.get(reader, {})
    parsed = reader(path, data, **options)
    clean.check_length(path, sum(len(block.text) for block in parsed.blocks), max_chars)
    clean.scrub_parsed(parsed, path)
    if not any(block.text.strip() for block in parsed.blocks):
        raise IrtagError((Errors.E008 if reader is pdf.read else Errors.E002).format(path=path))
    return assemble(parsed, doc_id=content_id(data), source=str(path))
