"""DOCX (Word): python-docx paragraphs and tables in document order.

Paragraph styles carry the structure: 'Title' is the title, 'Heading n' (and the Chinese
'标题 n') are headings. Core properties give title, authors and keywords. The archive is
checked first (:func:`check_archive`): a zip bomb is refused before anything is inflated.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from pipeline.document import Metadata
from pipeline.errors import Errors, IrtagError
from pipeline.ingest import clean, metadata
from pipeline.ingest.layout import Block
from pipeline.ingest.structure import Parsed

_HEADING_STYLE_RE = re.compile(r"^(?:Heading|标题)\s*\d", re.IGNORECASE)


#: The main document part python-docx reads (named by _rels/.rels; this name in every Word file).
MAIN_PART = "word/document.xml"


def read(path: Path, data: bytes, *, max_inflated_mb: float = 200, max_ratio: float = 100) -> Parsed:
    """Check the archive (E061-E063) before python-docx inflates anything, then read it."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_archive(path, data, max_inflated_mb=max_inflated_mb, max_ratio=max_ratio)
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


def check_archive(path: Path, data: bytes, *, max_inflated_mb: float, max_ratio: float) -> None:
    """Refuse a zip bomb from the sizes the archive declares, before inflating: the main part and
    all parts together over ``max_inflated_mb`` (E061), or a part over 1 MB inflating more than
    ``max_ratio`` times its compressed size (E062; Word's XML compresses about 5-20 times).
    Python's zipfile never inflates a part past its declared size, so the check holds. A zip
    without ``word/document.xml`` is E063; one that is not a zip is E009.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as err:  # ValueError/OSError: corrupt directory
        raise IrtagError(Errors.E009.format(path=path, reason=" ".join(str(err).split())[:200] or "not a zip")) from None
    limit = max_inflated_mb * 1024 * 1024
    main = next((info for info in infos if info.filename == MAIN_PART), None)
    if main is None:
        raise IrtagError(Errors.E063.format(path=path, part=MAIN_PART))
    total = sum(info.file_size for info in infos)
    for size, what in ((main.file_size, MAIN_PART), (total, f"{len(infos)} parts in all")):
        if size > limit:
            raise IrtagError(Errors.E061.format(path=path, size_mb=size / 1024 / 1024, what=what,
                                                limit_mb=max_inflated_mb))
    for info in infos:
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > 1024 * 1024 and ratio > max_ratio:
            raise IrtagError(Errors.E062.format(path=path, part=info.filename, ratio=ratio, limit=max_ratio))


def _role(style: str) -> str:
    if style.lower() in ("title", "标题"):
        return "title"
    if _HEADING_STYLE_RE.match(style):
        return "heading"
    return "text"
