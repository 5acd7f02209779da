"""Reading order from word positions: rows, columns and the bands between full-width lines.

Engines give positioned words (:class:`Word`); this module turns one page of them into lines
in reading order (:class:`TextLine`). A column gutter is an x position that almost no row
crosses while many rows lie wholly to each side of it (the x-gap shared by most lines of the
page). Rows that cross a gutter (title, abstract, a wide footnote) are read as full-width
bands; between them each column is read top to bottom, one column after the other. The first
and last rows of a page, when a gap sets them apart (running headers, page numbers), and
small-type rows below a column's text (footnotes) are bands of their own, so they stay at the
page's edges. Raised small digits (footnote markers) become ``^n``, as in markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from pipeline.ingest import clean

#: A gutter is crossed by at most this share of a page's rows...
MAX_CROSSING = 0.2
#: ... and at least this share of them (and 4 rows) have words on each side of it.
MIN_SIDE = 0.2
#: Raised digits at most this size relative to the row's text are a note marker.
MARKER_SIZE = 0.8


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page
    bottom: float
    size: float  # font size


@dataclass
class TextLine:
    """One line in reading order; ``left`` is its column's left edge (indents are measured from it)."""

    text: str
    x0: float
    top: float
    bottom: float
    size: float
    left: float


class _Row:
    def __init__(self, word: Word):
        self.words = [word]
        self.top, self.bottom = word.top, word.bottom

    def fits(self, word: Word) -> bool:
        """Does the word overlap the row by half its height (or the row's, if smaller)?"""
        overlap = min(self.bottom, word.bottom) - max(self.top, word.top)
        return overlap >= 0.5 * min(self.bottom - self.top, word.bottom - word.top)

    def add(self, word: Word) -> None:
        self.words.append(word)
        self.top, self.bottom = min(self.top, word.top), max(self.bottom, word.bottom)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)


def rows_of(words: list[Word]) -> list[_Row]:
    """Words that share a baseline band, top to bottom (across the whole page width)."""
    rows: list[_Row] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        row = next((r for r in reversed(rows[-4:]) if r.fits(word)), None)
        if row is None:
            rows.append(_Row(word))
        else:
            row.add(word)
    return sorted(rows, key=lambda r: r.top)


def gutters(rows: list[_Row]) -> list[float]:
    """x positions of the column gutters of a page (none for one column)."""
    if len(rows) < 8:
        return []
    left, right = min(r.x0 for r in rows), max(r.x1 for r in rows)
    size = median(r.size for r in rows)
    spans = [[(w.x0, w.x1) for w in r.words] for r in rows]
    found: list[tuple[float, float]] = []
    run: list[float] = []
    x = left + 0.15 * (right - left)
    while x <= left + 0.85 * (right - left):
        crossing = sum(1 for s in spans if any(a - 1 <= x <= b + 1 for a, b in s))
        lefts = sum(1 for s in spans if any(b < x for _, b in s))
        rights = sum(1 for s in spans if any(a > x for a, _ in s))
        side = max(4, MIN_SIDE * len(rows))
        if crossing <= MAX_CROSSING * len(rows) and lefts >= side and rights >= side:
            run.append(x)
        elif run:
            found.append((run[0], run[-1]))
            run = []
        x += 1.0
    if run:
        found.append((run[0], run[-1]))
    return [(a + b) / 2 for a, b in found if b - a >= 0.5 * size]


def _line(words: list[Word], left: float) -> TextLine:
    """Words of one line joined left to right: a space between Latin words, none next to CJK,
    raised small digits as a ``^n`` marker."""
    words = sorted(words, key=lambda w: w.x0)
    largest = max(w.size for w in words)
    small = [w for w in words if re.fullmatch(r"\d{1,3}", w.text) and w.size <= MARKER_SIZE * largest]
    body = [w for w in words if w not in small] or words
    size = median(w.size for w in body)
    baseline = max(w.bottom for w in body)
    text = ""
    for word in words:
        if word in small and word.bottom < baseline - 0.1 * size:
            text += f"^{word.text}" + ("" if text else " ")
        elif not text or text.endswith(" ") or clean.is_wide(word.text[:1]) or clean.is_wide(text[-1:]):
            text += word.text
        else:
            text += " " + word.text
    return TextLine(text.strip(), words[0].x0, min(w.top for w in words), max(w.bottom for w in words), size, left)


def reading_order(words: list[Word]) -> list[TextLine]:
    """One page's words as lines in reading order (see the module docstring)."""
    rows = rows_of([w for w in words if w.text.strip()])
    if not rows:
        return []
    cuts = gutters(rows)
    page_left = min(r.x0 for r in rows)
    bounds = [page_left - 1] + cuts + [max(r.x1 for r in rows) + 1]
    lefts = [min((w.x0 for r in rows for w in r.words if lo < w.x0 < hi), default=lo)
             for lo, hi in zip(bounds, bounds[1:])]
    pitch = _pitch(rows)
    head, tail = _edges(rows, pitch)
    bands: list[list[_Row] | _Row] = [row for row in rows[:head]]
    current: list[_Row] = []
    for row in rows[head:len(rows) - tail]:
        if any(w.x0 < c - 1 < w.x1 or w.x0 < c + 1 < w.x1 for c in cuts for w in row.words):
            if current:
                bands.append(current)
                current = []
            bands.append(row)
        else:
            current.append(row)
    if current:
        bands.append(current)
    bands.extend(rows[len(rows) - tail:])
    out: list[TextLine] = []
    for band in bands:
        if isinstance(band, _Row):
            out.append(_line(band.words, page_left))
            continue
        notes: list[TextLine] = []
        for index, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
            column = [_line(ws, lefts[index]) for r in band
                      if (ws := [w for w in r.words if lo <= (w.x0 + w.x1) / 2 < hi])]
            body = _body_end(column)
            out.extend(column[:body])
            notes.extend(column[body:])
        out.extend(notes)
    return out


def _pitch(rows: list[_Row]) -> float:
    steps = sorted(b.bottom - a.bottom for a, b in zip(rows, rows[1:]) if b.bottom - a.bottom > 0.5)
    return steps[len(steps) // 3] if steps else 12.0


def _edges(rows: list[_Row], pitch: float) -> tuple[int, int]:
    """How many rows at the top and bottom of the page a gap sets apart (at most 2 each)."""
    head = 0
    while head < min(2, len(rows) - 1) and rows[head + 1].top - rows[head].bottom > 1.2 * pitch:
        head += 1
    tail = 0
    while (tail < min(2, len(rows) - head - 1)
           and rows[-1 - tail].top - rows[-2 - tail].bottom > 1.2 * pitch):
        tail += 1
    return head, tail


def _body_end(column: list[TextLine]) -> int:
    """Where a column's small-type rows at its foot (footnotes) begin; they are read after
    every column of the band, so a paragraph running on into the next column is not cut."""
    if len(column) < 4:
        return len(column)
    size = median(line.size for line in column)
    end = len(column)
    while end > 1 and column[end - 1].size < 0.9 * size:
        end -= 1
    return end
