"""PDF: text per page from an engine, running headers and page numbers removed, lines reflowed.

Engines share one small interface, ``extract_pages(path) -> list[str]``: one string per page,
lines separated by newlines, with two layout hints for the reflow (a leading two-space indent
for an indented line, an empty line before a vertical gap or a change of font size).
pdfplumber is the default; pypdfium2 is about three times faster.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Callable

from pipeline.errors import Errors, IrtagError
from pipeline.ingest import clean
from pipeline.ingest.layout import PAGE_NUMBER_RE, Line, reflow
from pipeline.ingest.structure import Parsed

#: Lines looked at for running headers / footers at the top and bottom of each page.
EDGE_LINES = 2


def pdfplumber_pages(path: Path) -> list[str]:
    """Lines per page from pdfplumber, with layout hints (see :func:`_with_hints`)."""
    import pdfplumber

    pages: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            lines = page.extract_text_lines(return_chars=False)
            pages.append(_with_hints([(ln["text"], ln["x0"], ln["top"], ln["bottom"]) for ln in lines]))
            page.close()
    return pages


def pypdfium2_pages(path: Path) -> list[str]:
    """Lines per page from pypdfium2: PDFium's text segments grouped into lines, with hints."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        pages = []
        for page in pdf:
            height = page.get_height()
            textpage = page.get_textpage()
            segments = []
            for index in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(index)
                text = textpage.get_text_bounded(left, bottom, right, top)
                text = text.replace("\ufffe", "-").replace("\x02", "-").replace("\r", "").replace("\n", "")
                if text.strip():
                    segments.append((text, left, height - top, height - bottom))
            pages.append(_with_hints(_join_segments(segments), font_changes=False))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def _join_segments(segments: list[tuple[str, float, float, float]]) -> list[tuple[str, float, float, float]]:
    """Text segments that overlap vertically (one line; punctuation boxes sit high or low)
    joined left to right, lines top to bottom."""
    lines: list[list] = []
    for text, x0, top, bottom in sorted(segments, key=lambda s: ((s[2] + s[3]) / 2, s[1])):
        middle = (top + bottom) / 2
        line = next((ln for ln in lines[-3:] if ln[2] <= middle <= ln[3]), None)
        if line is None:
            lines.append([[(x0, text)], x0, top, bottom])
        else:
            line[0].append((x0, text))
            line[1], line[2], line[3] = min(line[1], x0), min(line[2], top), max(line[3], bottom)
    out = []
    for parts, x0, top, bottom in sorted(lines, key=lambda ln: ln[2]):
        text = ""
        for _, part in sorted(parts):
            text += part if not text or clean.is_wide(part[:1]) or clean.is_wide(text[-1:]) or text.endswith(" ") \
                else " " + part
        out.append((text, x0, top, bottom))
    return out


def _with_hints(lines: list[tuple[str, float, float, float]], *, font_changes: bool = True) -> str:
    """Page text with paragraph hints for the reflow: an empty line before a line that follows a
    vertical gap or changes font size (titles, headings, footnotes), '  ' before an indented one.

    A gap is a baseline-to-baseline distance well over the page's median; ``font_changes`` is
    off for engines whose boxes are tight around the glyphs (their heights vary with the script).
    """
    heights = sorted(max(1.0, bottom - top) for _, _, top, bottom in lines)
    height = heights[len(heights) // 2] if heights else 1.0
    pitches = sorted(b2[3] - b1[3] for b1, b2 in zip(lines, lines[1:]) if b2[3] > b1[3])
    pitch = pitches[(len(pitches) - 1) // 3] if pitches else 1.5 * height  # body lines dominate
    left = min((x0 for _, x0, _, _ in lines), default=0)
    out: list[str] = []
    previous = None
    for text, x0, top, bottom in lines:
        size = max(1.0, bottom - top)
        if previous is not None:
            prev_size = max(1.0, previous[1] - previous[0])
            if bottom - previous[1] > 1.4 * pitch or (font_changes and abs(size - prev_size) > 0.15 * prev_size):
                out.append("")
        out.append(("  " if x0 - left > 1.5 * height else "") + text.strip())
        previous = (top, bottom)
    return "\n".join(out)


ENGINES: dict[str, Callable[[Path], list[str]]] = {"pdfplumber": pdfplumber_pages, "pypdfium2": pypdfium2_pages}


def extract_pages(path: Path, engine: str = "pdfplumber") -> list[str]:
    """Page texts with the named engine; engine errors become E006/E007 naming the file."""
    if engine not in ENGINES:
        raise IrtagError(Errors.E011.format(engine=engine, engines=", ".join(ENGINES)))
    try:
        return ENGINES[engine](path)
    except IrtagError:
        raise
    except Exception as err:  # engines raise many types (pdfminer, PdfiumError, struct, zlib…)
        name = type(err).__name__
        message = str(err) or repr(err)
        if re.search(r"password|encrypt", f"{name} {err!r}", re.IGNORECASE):
            raise IrtagError(Errors.E007.format(path=path)) from None
        reason = " ".join(f"{name}: {message}".split())[:200]
        raise IrtagError(Errors.E006.format(path=path, reason=reason)) from None


def read(path: Path, data: bytes, *, engine: str = "pdfplumber") -> Parsed:
    """Check the bytes look like a whole PDF, extract, drop page furniture, reflow."""
    if engine not in ENGINES:
        raise IrtagError(Errors.E011.format(engine=engine, engines=", ".join(ENGINES)))
    if b"%PDF-" not in data[:1024]:
        raise IrtagError(Errors.E006.format(path=path, reason="no %PDF header"))
    if b"%%EOF" not in data[-2048:]:
        raise IrtagError(Errors.E006.format(path=path, reason="truncated: no %%EOF marker at the end"))
    pages = extract_pages(path, engine)
    if not any(page.strip() for page in pages):
        raise IrtagError(Errors.E008.format(path=path))
    lines = page_lines(pages)
    return Parsed(format="pdf", blocks=reflow(lines, wrapped=True, blank_breaks=True))


def page_lines(pages: list[str]) -> list[Line]:
    """All lines with their page; running headers/footers marked, page numbers dropped.

    A header or footer is a line among the first/last ``EDGE_LINES`` of a page that recurs
    (digits ignored) on at least half of the pages, and on two at least. Empty lines (layout
    hints) next to removed or marked page furniture are dropped with it.
    """
    split = [page.split("\n") for page in pages]
    edge_keys: Counter[str] = Counter()
    for lines in split:
        text_lines = [t for t in lines if t.strip()]
        edge_keys.update({_key(t) for t in text_lines[:EDGE_LINES] + text_lines[-EDGE_LINES:]})
    threshold = max(2, (len(pages) + 1) // 2)
    repeated = {key for key, count in edge_keys.items() if count >= threshold and key}
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
