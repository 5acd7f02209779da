"""DOCX (Word): python-docx paragraphs and tables in document order.

Paragraph styles carry the structure: 'Title' is the title, 'Heading n' (and the Chinese
'标题 n') are headings. Core properties give title, authors and keywords.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from pipeline.document import Metadata
from pipeline.errors import Errors, IrtagError
from pipeline.ingest import clean, metadata
from pipeline.ingest.layout import Block
from pipeline.ingest.structure import Parsed

_HEADING_STYLE_RE = re.compile(r"^(?:Heading|标题)\s*\d", re.IGNORECASE)


def read(path: Path, data: bytes) -> Parsed:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # zipfile.BadZipFile, KeyError, PackageNotFoundError, lxml errors
        reason = " ".join(f"{type(err).__name__}: {err}".split())[:200]
        raise IrtagError(Errors.E009.format(path=path, reason=reason)) from None
    blocks: list[Block] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = clean.collapse_ws(paragraph.text)
            if text:
                blocks.append(Block(text, _role(paragraph.style.name if paragraph.style is not None else "")))
        elif tag == "tbl":
            for row in Table(element, document).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    text = clean.collapse_ws(cell.text)
                    if text:
                        blocks.append(Block(text, "table"))
    props = document.core_properties
    meta = Metadata(
        title=clean.collapse_ws(props.title or ""),
        authors=metadata.split_authors(props.author) if props.author else [],
        keywords=metadata.split_keywords(props.keywords) if props.keywords else [],
    )
    if meta.title and not any(b.role == "title" for b in blocks):
        for block in blocks[:5]:
            if re.sub(r"\s+", "", block.text) == re.sub(r"\s+", "", meta.title):
                block.role = "title"
                break
    return Parsed(format="docx", blocks=blocks, meta=meta)


def _role(style: str) -> str:
    if style.lower() in ("title", "标题"):
        return "title"
    if _HEADING_STYLE_RE.match(style):
        return "heading"
    return "text"
