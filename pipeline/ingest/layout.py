"""From physical lines to paragraphs ("reflow").

PDF-to-text conversions break every line, sometimes put blank lines between the lines of one
paragraph (seed 001), interrupt paragraphs with page-bottom footnotes, running headers and page
numbers. Paragraph boundaries are therefore decided from the lines themselves: sentence-final
punctuation on a short line, indentation, headings, labels and note lines; blank lines only
count in text whose lines are whole paragraphs already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.ingest import clean, metadata

PAGE_NUMBER_RE = re.compile(r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|第\s*\d{1,4}\s*页|Page \d{1,4}(?: of \d+)?)$",
                            re.IGNORECASE)
HEADING_RES = [
    re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、．.]\s*\S"),
    re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*\S"),
    re.compile(r"^第[一二三四五六七八九十百\d]{1,4}[章节部分篇]"),
    re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3})(?!\d)\.?\s*(?=[\u4e00-\u9fff])"),
    re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3})(?!\d)\.?\s+(?=[A-Z])"),
    re.compile(r"^(?:[IVX]{1,5})\.\s+[A-Z]"),
]
ITEM_RE = re.compile(r"^(?:[（(]\d{1,2}[)）]|\d{1,2}[．.、](?!\d)|第[一二三四五六七八九十\d]{1,3}[，,、]|[a-z][.)]\s)")
CAPTION_RE = re.compile(r"^(?:图|表)\s*\d+|^(?:Figure|Fig\.|Table)\s*\d+|^(?:注|资料来源|数据来源)\s*[:：]"
                        r"|^\[image:[^\]]*\]$", re.IGNORECASE)
NOTE_RE = re.compile(r"^(?:\^?[\u2460-\u2473]|\^\d{1,3}|[*＊](?![*＊]))\s*\S")
ENTRY_RE = re.compile(r"^[\[［]\d{1,3}[\]］]\s*\S")
MARKER_ONLY_RE = re.compile(r"^(?:[*＊]+|" + clean.MARKER_RE.pattern + r")+$")

#: Roles of blocks that may interrupt a paragraph at a page bottom without ending it.
INTERRUPTING = {"note", "furniture", "label", "entry", "caption"}
#: Roles that always start a new paragraph.
STRONG = {"heading", "label", "note", "entry", "caption", "table", "furniture", "author", "affiliation",
          "title"}


@dataclass
class Line:
    """One physical line; ``role`` may be preset by a reader (markdown bold heading, PDF header)."""

    text: str
    page: int | None = None
    role: str = ""
    indent: bool = False


@dataclass
class Block:
    """One paragraph-to-be, with the role that decided its boundaries."""

    text: str
    role: str = "text"
    page: int | None = None
    lines: int = 1


def heading_like(text: str) -> bool:
    """Numbered section headings ('一、', '（二）', '2.1 ', '第三章'), short and not a sentence."""
    if not any(p.match(text) for p in HEADING_RES):
        return False
    if clean.display_width(text) > 100 or re.search(r"[。！？!?]", text.rstrip("。")):
        return False
    if re.match(r"^\d", text) and (re.search(r"[，,；;：]", text) or clean.display_width(text) > 70):
        return False
    return True


def line_role(text: str, *, front: bool = False) -> str:
    """The role of one normalised line or paragraph, before any context is known."""
    if not text:
        return "blank"
    if PAGE_NUMBER_RE.match(text):
        return "pagenum"
    if metadata.FURNITURE_LINE_RE.match(text):
        return "furniture"
    if len(text) <= 40 and metadata.TAIL_RE.search(text):
        return "furniture"
    if MARKER_ONLY_RE.match(text):
        return "marker"
    if metadata.match_label(text):
        return "label"
    if NOTE_RE.match(text):
        return "note"
    if ENTRY_RE.match(text):
        return "entry"
    if CAPTION_RE.match(text):
        return "caption"
    if heading_like(text):
        return "heading"
    if front and metadata.is_author_line(text):
        return "author"
    if front and metadata.AFFILIATION_RE.match(text):
        return "affiliation"
    if ITEM_RE.match(text):
        return "item"
    return "text"


def is_wrapped(lines: list[str]) -> bool:
    """Are paragraphs hard-wrapped (most long lines stop mid-sentence) rather than one per line?"""
    long_lines = [t for t in lines if clean.display_width(t) >= 20]
    if not long_lines:
        return False
    open_ended = sum(1 for t in long_lines if not clean.ends_sentence(t) and not t.endswith(("；", ";", "：")))
    widths = sorted(clean.display_width(t) for t in long_lines)
    return open_ended / len(long_lines) >= 0.6 and widths[len(widths) // 2] < 120


_LATIN_WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def document_words(texts: list[str]) -> set[str]:
    """Lower-case words and hyphenated compounds (their parts too, and each first part as
    'ci-') of whole words in the lines, leaving out the pieces of words hyphenated across a line end: what
    :func:`clean.join_lines` checks a line-end hyphen against."""
    words: set[str] = set()
    previous = ""
    for text in texts:
        tokens = _LATIN_WORD_RE.findall(text)
        if text.endswith("-"):
            tokens = tokens[:-1]
        if previous.endswith("-"):
            tokens = tokens[1:]
        for token in tokens:
            token = token.lower()
            words.add(token)
            if "-" in token:
                words.update(token.split("-"))
                words.add(token.split("-")[0] + "-")
        previous = text or previous
    return words


def _typical_width(lines: list[str]) -> int:
    widths = sorted(clean.display_width(t) for t in lines if t)
    return widths[int(len(widths) * 0.8)] if widths else 80


@dataclass
class _Row:
    text: str  # normalised
    role: str
    indent: bool
    page: int | None


def _mark_page_furniture(rows: list[_Row]) -> None:
    """Page numbers, and the short unpunctuated line just above one (a running header)."""
    for index, row in enumerate(rows):
        if row.role != "pagenum":
            continue
        row.role = "pagebreak"
        prev = index - 1
        while prev >= 0 and rows[prev].role == "blank":
            prev -= 1
        above = rows[prev] if prev >= 1 else None
        if (above is not None and above.role in ("text", "heading") and rows[prev - 1].role == "blank"
                and not clean.ends_sentence(above.text) and not above.text.endswith(("，", ",", "、", "："))
                and clean.display_width(above.text) <= 80):
            above.role = "header"


def reflow(lines: list[Line], *, wrapped: bool | None = None, blank_breaks: bool = False) -> list[Block]:
    """Group lines into paragraphs (see the module docstring for the rules).

    ``wrapped`` None decides from the text itself (:func:`is_wrapped`); readers that know
    (PDF: always wrapped) pass it; ``blank_breaks`` makes an empty line a paragraph boundary
    even in wrapped text (PDF readers emit one only for a gap or a font change). Page-bottom
    notes and furniture that interrupt an unfinished paragraph do not end it: the text after
    them continues the paragraph, and they follow it.
    """
    texts = [clean.normalize_line(line.text) for line in lines]
    if wrapped is None:
        wrapped = is_wrapped(texts)
    typical = _typical_width([t for t, line in zip(texts, lines) if not line.role])
    words = document_words(texts)
    first_heading = next((i for i, t in enumerate(texts) if t and heading_like(t)), len(texts))
    rows: list[_Row] = []
    nonblank = 0
    for index, (text, line) in enumerate(zip(texts, lines)):
        role = line.role or line_role(text, front=nonblank < 30 and index < first_heading)
        if line.role == "heading" and metadata.match_label(text):
            role = "label"
        if role in ("text", "item") and "\t" in line.text.strip():
            role = "table"
        if blank_breaks and role == "note" and not line.role and rows and rows[-1].role in ("text", "item"):
            role = "text"  # a marker at the start of a body line: notes follow a gap or a font change
        nonblank += bool(text)
        indent = line.indent or bool(re.match(r"^[ \t\u3000\u00a0]", line.text))
        rows.append(_Row(text, role, indent, line.page))
    _mark_page_furniture(rows)

    blocks: list[Block] = []
    current: Block | None = None
    last_line = ""
    suspended: Block | None = None  # an unfinished paragraph interrupted by a note or furniture
    deferred: list[Block] = []  # the notes/furniture that interrupted the resumed paragraph
    page_broken = False
    blank_before = False

    def close() -> None:
        nonlocal current, deferred
        if current is not None:
            blocks.append(current)
        current = None
        blocks.extend(deferred)
        deferred = []

    for row in rows:
        text, role, indent, page = row.text, row.role, row.indent, row.page
        if role == "blank":
            blank_before = True
            continue
        if role == "pagebreak":
            page_broken = True
            continue
        if role == "header":
            if _unfinished(current):
                suspended = current
            close()
            blocks.append(Block(text, "header", page))
            page_broken = True
            continue
        if current is not None and current.page is not None and page is not None and page != current.page:
            page_broken = True
        strong = role in STRONG
        if (suspended is not None and not strong and role != "marker"
                and (page_broken or ((not wrapped or blank_breaks) and blank_before))
                and (current is None or current.role in INTERRUPTING)
                and (clean.is_cjk(text[0]) or text[0].islower())):
            # the paragraph that page furniture or notes interrupted goes on here
            close()
            at = next(i for i, b in enumerate(blocks) if b is suspended)
            deferred = blocks[at + 1:]
            del blocks[at:]
            current, suspended = suspended, None
            current.text = clean.join_lines(current.text, text, words)
            current.lines += 1
        elif current is not None and role == "marker":
            current.text += text
        elif (current is None or strong or (blank_breaks and blank_before)
              or _boundary(current, last_line, text, role, indent, blank_before, wrapped, typical)):
            if role not in INTERRUPTING and (current is None or current.role not in INTERRUPTING):
                suspended = None
            elif _unfinished(current):
                suspended = current
            close()
            current = Block(text, "text" if role in ("marker", "item") else role, page)
        else:
            current.text = clean.join_lines(current.text, text, words)
            current.lines += 1
        last_line, blank_before, page_broken = text, False, False
    close()
    return blocks


def _unfinished(block: Block | None) -> bool:
    """A body paragraph cut mid-sentence (by a page bottom), which later text may continue."""
    return (block is not None and block.role == "text" and clean.display_width(block.text[:40]) >= 40
            and not clean.ends_sentence(block.text))


def _boundary(current: Block, last: str, text: str, role: str, indent: bool, blank_before: bool,
              wrapped: bool, typical: int) -> bool:
    """Does ``text`` (a weak line: text / item) start a new paragraph after ``current``?"""
    if current.role == "caption" and wrapped:
        return clean.ends_sentence(last)
    if current.role in ("author", "affiliation", "caption", "table", "title", "furniture"):
        return True
    if current.role == "heading":
        return not (wrapped and current.lines == 1 and clean.display_width(text) <= max(12, typical // 2)
                    and not clean.ends_sentence(text) and clean.display_width(current.text + text) <= 90)
    terminal = clean.ends_sentence(last)
    if _language_switch(current.text, text):
        return True
    if not wrapped:
        return blank_before or terminal or indent or role == "item"
    if role == "item" and current.role == "text" and (terminal or last.endswith(("；", ";", "：", ":"))):
        return True
    short = clean.display_width(last) < 0.85 * typical
    if indent and current.lines == 1 and clean.display_width(last) < 0.6 * typical:
        return True  # a short unpunctuated line before an indented one: a title or heading
    return terminal and (short or indent)


def _language_switch(block: str, text: str) -> bool:
    """A Chinese paragraph followed by an English line (or the reverse): the parallel abstract."""
    block = block[-200:]
    if clean.CJK_RE.search(text):
        return not clean.CJK_RE.search(block) and clean.is_cjk(text[0])
    return clean.cjk_share(block) > 0.5 and re.match(r"[A-Z]", text) is not None and len(text) > 15
