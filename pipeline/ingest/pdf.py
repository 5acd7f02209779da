"""PDF: text per page from an engine, running headers and page numbers removed, lines reflowed.

Engines share one small interface, ``extract_pages(path) -> list[str]``: one string per page,
lines separated by newlines, with two layout hints for the reflow (a leading two-space indent
for an indented line, an empty line before a vertical gap or a change of font size).
pdfplumber is the default; pypdfium2 is about three times faster.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from pipeline.errors import Errors, IrtagError
from pipeline.ingest import clean
from pipeline.ingest.columns import TextLine, Word, reading_order
from pipeline.ingest.layout import PAGE_NUMBER_RE, Line, reflow
from pipeline.ingest.structure import Parsed

#: Lines looked at for running headers / footers at the top and bottom of each page.
EDGE_LINES = 2
#: A gap between two characters over this share of the font size separates two words.
WORD_GAP = 0.15
#: Pages per PDF read by default (``max_pages``); a longer PDF is refused before extraction.
MAX_PAGES = 2000
#: What PDFium reports for a hyphen at a line end.
_PDFIUM_HYPHENS = {"\ufffe": "-", "\x02": "-"}


def pdfplumber_pages(path: Path, max_pages: int | None = None) -> list[str]:
    """Lines per page from pdfplumber's words, in column reading order, with layout hints.

    Words are split where the gap between two characters exceeds 0.15 of their size (the
    default, 3 points, runs the words of tightly set lines together)."""
    import pdfplumber

    pages: list[str] = []
    with pdfplumber.open(path) as pdf:
        _check_pages(path, len(pdf.pages), max_pages)
        for page in pdf.pages:
            words = page.extract_words(x_tolerance_ratio=WORD_GAP, keep_blank_chars=False, extra_attrs=["size"])
            pages.append(_with_hints(reading_order(
                [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["size"]) for w in words])))
            page.close()
    return pages


def pypdfium2_pages(path: Path, max_pages: int | None = None) -> list[str]:
    """Lines per page from PDFium's characters grouped into words, in column reading order."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        _check_pages(path, len(pdf), max_pages)
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(_with_hints(reading_order(_pdfium_words(textpage, page.get_height()))))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def _pdfium_words(textpage, height: float) -> list[Word]:
    """Characters in content order joined into words: a space, a generated character, a jump
    back or down, or a gap over ``WORD_GAP`` of the font size ends a word."""
    import pypdfium2.raw as pdfium_c

    words: list[Word] = []
    current: Word | None = None
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
        char = _PDFIUM_HYPHENS.get(char, char)
        if char.isspace() or not char.isprintable() or pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1:
            current = None
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index) or (top - bottom)
        top, bottom = height - top, height - bottom
        if (current is not None and abs(current.size - size) < 0.01 and left >= current.x1 - 0.3 * size
                and left - current.x1 <= WORD_GAP * size and abs(current.bottom - bottom) < 0.3 * size):
            current.text += char
            current.x1, current.top, current.bottom = right, min(current.top, top), max(current.bottom, bottom)
        else:
            current = Word(char, left, right, top, bottom, size)
            words.append(current)
    return words


def _with_hints(lines: list[TextLine]) -> str:
    """Page text with paragraph hints for the reflow: an empty line before a line that follows a
    vertical gap or changes font size (titles, headings, footnotes), '  ' before one indented
    from its column's left edge. A gap is a baseline-to-baseline distance well over the page's
    typical one, scaled for type larger than the page's (a jump up to the next column is none)."""
    pitches = sorted(b.bottom - a.bottom for a, b in zip(lines, lines[1:]) if b.bottom > a.bottom)
    sizes = sorted(line.size for line in lines)
    pitch = pitches[(len(pitches) - 1) // 3] if pitches else 1.5 * (sizes[len(sizes) // 2] if sizes else 10)
    size = sizes[len(sizes) // 2] if sizes else 10
    out: list[str] = []
    previous: TextLine | None = None
    for line in lines:
        if previous is not None and (line.bottom - previous.bottom > 1.4 * pitch * max(1.0, line.size / size)
                                     or abs(line.size - previous.size) > 0.15 * previous.size):
            out.append("")
        out.append(("  " if line.x0 - line.left > 1.0 * line.size else "") + line.text.strip())
        previous = line
    return "\n".join(out)


def _check_pages(path: Path, pages: int, max_pages: int | None) -> None:
    if max_pages is not None and pages > max_pages:
        raise IrtagError(Errors.E080.format(path=path, pages=pages, limit=max_pages))


ENGINES: dict[str, Callable[[Path, int | None], list[str]]] = {"pdfplumber": pdfplumber_pages, "pypdfium2": pypdfium2_pages}


def extract_pages(path: Path, engine: str = "pdfplumber", max_pages: int | None = MAX_PAGES) -> list[str]:
    """Page texts with the named engine; engine errors become E006/E007 naming the file, more
    than ``max_pages`` pages E080 (checked before any page is read)."""
    if engine not in ENGINES:
        raise IrtagError(Errors.E011.format(engine=engine, engines=", ".join(ENGINES)))
    try:
        return ENGINES[engine](path, max_pages)
    except IrtagError:
        raise
    except Exception as err:  # engines raise many types (pdfminer, PdfiumError, struct, zlib…)
        name = type(err).__name__
        message = str(err) or repr(err)
        if re.search(r"password|encrypt", f"{name} {err!r}", re.IGNORECASE):
            raise IrtagError(Errors.E007.format(path=path)) from None
        reason = " ".join(f"{name}: {message}".split())[:200]
        raise IrtagError(Errors.E006.format(path=path, reason=reason)) from None


def read(path: Path, data: bytes, *, engine: str = "pdfplumber", max_pages: int | None = MAX_PAGES) -> Parsed:
    """Check the bytes look like a whole PDF, extract, drop page furniture, reflow."""
    if engine not in ENGINES:
        raise IrtagError(Errors.E011.format(engine=engine, engines=", ".join(ENGINES)))
    if b"%PDF-" not in data[:1024]:
        raise IrtagError(Errors.E006.format(path=path, reason="no %PDF header"))
    if b"%%EOF" not in data[-2048:]:
        raise IrtagError(Errors.E006.format(path=path, reason="truncated: no %%EOF marker at the end"))
    pages = extract_pages(path, engine, max_pages)
    if not any(page.strip() for page in pages):
        raise IrtagError(Errors.E008.format(path=path))
    lines = page_lines(pages)
    return Parsed(format="pdf", blocks=reflow(lines, wrapped=True, blank_breaks=True))


def page_lines(pages: list[str]) -> list[Line]:
    """All lines with their page; running headers/footers marked, page numbers dropped.

    Headers and footers are found by :func:`running_lines`. Empty lines (layout hints) next
    to removed or marked page furniture are dropped with it.
    """
    split = [page.split("\n") for page in pages]
    repeated = running_lines(split)
    out: list[Line] = []
    for number, lines in enumerate(split, start=1):
        positions = [i for i, t in enumerate(lines) if t.strip()]
        edges = set(positions[:EDGE_LINES] + positions[-EDGE_LINES:])
        page: list[Line] = []
        for position, raw in enumerate(lines):
            if not raw.strip():
                page.append(Line("", page=number))
                continue
            at_edge = position in edges
            if at_edge and PAGE_NUMBER_RE.match(clean.normalize_line(raw)):
                page.append(Line("", page=number, role="drop"))
                continue
            role = "header" if at_edge and _key(raw) in repeated else ""
            page.append(Line(raw, page=number, role=role, indent=raw.startswith("  ")))
        out.extend(_drop_furniture_gaps(page))
    return out


def running_lines(pages: list[list[str]]) -> set[str]:
    """Keys (:func:`_key`: digits ignored) of running headers and footers.

    A line among the first/last ``EDGE_LINES`` of a page is running furniture when it recurs
    on at least half of the pages (and two), or on two pages of the same parity or more that
    make up half of that parity's pages over the stretch where it occurs: books and journals
    put one header on even pages and another (often the chapter's) on odd ones.
    """
    where: dict[str, list[int]] = {}
    for number, lines in enumerate(pages, start=1):
        text_lines = [t for t in lines if t.strip()]
        for key in {_key(t) for t in text_lines[:EDGE_LINES] + text_lines[-EDGE_LINES:]}:
            if key and clean.display_width(key) <= 120:
                where.setdefault(key, []).append(number)
    repeated = set()
    for key, numbers in where.items():
        if len(numbers) >= max(2, (len(pages) + 1) // 2):
            repeated.add(key)
            continue
        for parity in (0, 1):
            same = [n for n in numbers if n % 2 == parity]
            if len(same) >= 2 and len(same) >= 0.5 * ((same[-1] - same[0]) // 2 + 1):
                repeated.add(key)
    return repeated


def _drop_furniture_gaps(page: list[Line]) -> list[Line]:
    kept: list[Line] = []
    for line in page:
        if line.role == "drop" or (not line.text and (not kept or kept[-1].role == "header")):
            continue
        if line.role == "header" and kept and not kept[-1].text:
            kept.pop()
        kept.append(line)
    while kept and not kept[-1].text:
        kept.pop()
    return kept


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", clean.normalize_line(line))
