"""From paragraphs to a :class:`Document`: zones, sections, notes, metadata and offsets.

Every reader produces :class:`Parsed` (paragraph blocks with a role each). :func:`classify`
walks the blocks once, in reading order, deciding the section kind of each (title, abstract,
body, references, notes, furniture) and collecting metadata; footnote markers are removed from
coded text and paired with their note text on the way. :func:`assemble` then lays the text
out: title, abstracts and body in reading order, followed by references, notes and furniture,
so the coded text is continuous and nothing that was in the file is lost.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field

from pipeline.document import Document, Metadata, Note, Paragraph, Section
from pipeline.errors import Warnings
from pipeline.ingest import clean, metadata
from pipeline.ingest.layout import Block, heading_like, line_role

#: Section order in Document.text (reading order within each kind).
KIND_ORDER = ("title", "abstract", "body", "references", "notes", "furniture")
_TITLE_LABEL_RE = re.compile(r"^\s*【([^】]{1,12})】\s*")
_LEADING_PAGE_RE = re.compile(r"^\d{1,4}\s+(?=[A-Z])")
_TRAILING_STAR_RE = re.compile(r"\s*([*＊]+)\s*$")
#: A journal's citation line on an article's first page ('Journal of X, Vol. 12, No. 3 (2024),
#: pp. 45-67', '国际展望 2024年第3期'): furniture, never the title.
_JOURNAL_LINE_RE = re.compile(r"\b(?:Vol\.|Volume\s+\d|No\.\s*\d|pp\.\s*\d|ISSN)|\d{4}\s*年\s*第\s*\d{1,2}\s*期")
#: A note opening with a raised number, as the PDF reader writes it ('^3 See …').
_RAISED_MARKER_RE = re.compile(r"^\^(\d{1,3})\s*")
#: An English affiliation line of the front matter ('Department of X, Y University').
_AFFILIATION_EN_RE = re.compile(r"\b(?:University|Institute|Department|School|College|Centre|Center|Faculty)\b")
#: Body paragraphs an article has before a title block followed by its own abstract is taken
#: for the next article's.
_ARTICLE_MIN_BODY = 3
#: Furniture is "in bulk" (a warning) from this many characters or this share of the text on.
_BULK_CHARS = 1000
_BULK_SHARE = 0.2
#: The number of a reference entry: '[12] …', '［12］…', '12. …', '12．…'.
_ENTRY_NUMBER_RE = re.compile(r"^\s*(?:[\[［](\d{1,3})[\]］]|(\d{1,3})[.．、](?!\d))\s*")


@dataclass
class Parsed:
    """What a reader hands over: paragraph blocks in reading order plus metadata it found."""

    format: str
    blocks: list[Block]
    meta: Metadata = field(default_factory=Metadata)
    warnings: list[str] = field(default_factory=list)


@dataclass
class NoteRef:
    marker: str
    offset: int | None  # in the item's text until assembly, then in Document.text
    text: str = ""


@dataclass
class Item:
    """One classified paragraph."""

    text: str
    kind: str
    group: str = ""  # paragraphs of one section share a group
    heading: bool = False
    page: int | None = None
    notes: list[NoteRef] = field(default_factory=list)


class _Classifier:
    """One pass over the blocks; see the module docstring. State lives on the instance."""

    def __init__(self, parsed: Parsed):
        self.blocks = _merge_number_headings(parsed.blocks)
        self.meta = parsed.meta
        self.items: list[Item] = []
        self.pending: dict[str, deque[NoteRef]] = defaultdict(deque)
        self.orphans: list[NoteRef] = []
        self.zone = "front"
        self.tail = False
        self.open_label = ""  # "abstract_zh" / "abstract_en" / "furniture" while a bare label is open
        self.refs_kind = "references"
        self.last = ""  # what the previous block was: "title", "author", ...
        self.body_group = 0
        self.titles: set[str] = set()
        self.abstracts: set[str] = set()
        self.authors_en: list[str] = []
        self.authors_found: list[str] = []
        self.keywords_en: list[str] = []
        self.header = ""  # the first running header: the short title when it occurs once
        self.headers = 0
        self.body_paragraphs = 0
        self.cut: tuple[int, str, str] | None = None  # (item index, line, reason) where the tail began
        fm_title = self.meta.title
        label = _TITLE_LABEL_RE.match(fm_title)
        if label:
            self.meta.extra["column"] = label.group(1)
            self.meta.title = fm_title[label.end():].strip()
        self.fm_title = re.sub(r"\s+", "", self.meta.title)

    # -- helpers -------------------------------------------------------------------------
    def add(self, text: str, kind: str, block: Block, *, group: str = "", heading: bool = False) -> Item:
        item = Item(clean.fix_english_punct(text.strip()), kind, group or kind, heading, block.page)
        if kind in ("title", "abstract", "body"):
            item.text, markers = clean.strip_markers(item.text)
            item.notes = [NoteRef(m, offset) for m, offset in markers]
            star = _TRAILING_STAR_RE.search(item.text) if kind == "title" else None
            if star:
                item.text = item.text[:star.start()]
                item.notes.append(NoteRef("*", len(item.text)))
            for ref in item.notes:
                self.pending[clean.marker_key(ref.marker)].append(ref)
        if item.text:
            self.items.append(item)
        return item

    def note(self, text: str, block: Block, kind: str = "notes") -> None:
        marker, body = clean.split_leading_marker(text)
        raised = _RAISED_MARKER_RE.match(text) if not marker else None
        if raised:  # '^3 See …': a PDF's raised note number
            marker, body = raised.group(1), text[raised.end():]
        self.add(text, kind, block)
        if kind != "notes" or not marker:
            return
        queue = self.pending.get(clean.marker_key(marker))
        if queue:
            queue.popleft().text = body.strip()
        else:
            self.orphans.append(NoteRef(marker, None, body.strip()))

    def furniture(self, text: str, block: Block) -> None:
        self.add(text, "furniture", block)

    def lookahead_abstract_en(self, index: int) -> bool:
        for block in self.blocks[index + 1:index + 4]:
            label = metadata.match_label(block.text)
            if label and label.kind == "abstract_en":
                return True
        return False

    # -- the pass ------------------------------------------------------------------------
    def run(self) -> None:
        for index, block in enumerate(self.blocks):
            text = block.text.strip()
            if text:
                self.classify(index, block, text)
        self.finish()

    def classify(self, index: int, block: Block, text: str) -> None:
        role = block.role
        if role == "text":
            role = line_role(text, front=self.zone == "front" or self.last in ("title", "author"))
        if self.tail:
            return self.furniture(text, block)
        if role == "header":
            self.header = self.header or text
            self.headers += 1
            return self.furniture(text, block)
        if role == "furniture":
            # WeChat's tipping/QR block or an image file name (OCR of figures) ends the article
            if (len(text) <= 40 and metadata.TAIL_RE.search(text)) or re.search(r"\.(png|jpe?g|gif)$", text, re.I):
                self.start_tail(text, "the end of the article (web page furniture)")
            return self.furniture(text, block)
        label = metadata.match_label(text)
        if label is not None and role != "title":
            return self.labelled(label, text, block)
        if role == "note":
            return self.note(text, block)
        if role == "entry" or (self.zone == "refs" and role != "title"):
            return self.note(text, block, self.refs_kind if self.zone == "refs" else "notes")
        if role == "caption" or (self.zone == "front" and clean.display_width(text) <= 160
                                 and not clean.ends_sentence(text) and not self.abstracts
                                 and (_JOURNAL_LINE_RE.search(text) or (
                                     self.last == "author" and _AFFILIATION_EN_RE.search(text)))):
            return self.furniture(text, block)
        if self.is_title(index, text, role):
            return
        if role in ("author", "affiliation") or (self.last in ("title", "author") and metadata.is_author_line(text)):
            if role == "affiliation" or metadata.AFFILIATION_RE.match(text):
                return self.furniture(text, block)
            names = metadata.split_authors(text)
            if clean.CJK_RE.search(text):
                self.authors_found.extend(names)
            else:
                self.authors_en.extend(names)
            self.last = "author"
            return self.furniture(text, block)
        if self.open_label and role not in ("heading", "title"):
            if self.open_label == "furniture":
                return self.furniture(text, block)
            self.last = "abstract"
            self.add(text, "abstract", block, group=self.open_label)
            return None
        self.open_label = ""
        self.last = "body"
        self.zone = "body"
        self.body_paragraphs += 1
        if role == "heading":
            self.body_group += 1
            self.add(text, "body", block, group=f"body{self.body_group}", heading=True)
        else:
            self.add(text, "body", block, group=f"body{self.body_group}")
        return None

    def is_title(self, index: int, text: str, role: str) -> bool:
        """Title lines: preset by the reader, matching the front-matter title, or the first
        short unpunctuated line of the front matter; English titles of the parallel abstract."""
        block = self.blocks[index]
        has_cjk = bool(clean.CJK_RE.search(text))
        candidate = ((role in ("text", "heading", "title") or (role == "author" and not self.titles))
                     and not heading_like(text) and not clean.ends_sentence(text))
        short = clean.display_width(text) <= (120 if has_cjk else 300)
        if role == "title" or (self.fm_title and self.zone == "front" and len(text) >= 4
                               and re.sub(r"\s+", "", text.rstrip("*＊")) in self.fm_title):
            lang = clean.lang_of(text)
        elif self.zone == "front" and candidate and short and (not self.titles or not has_cjk) and not self.fm_title:
            lang = clean.lang_of(text)
            if lang in self.titles:
                return False
        elif (self.zone == "body" and candidate and not has_cjk and short
              and self.lookahead_abstract_en(index)):
            if "en" in self.titles:
                if not self.next_article():
                    return False
                self.start_tail(text, "the title of the next article")  # the rest is not ours
                self.furniture(text, block)
                return True
            text = _LEADING_PAGE_RE.sub("", text)
            lang = "en"
        else:
            return False
        self.titles.add(lang)
        self.open_label = ""
        self.last = "title"
        self.add(text, "title", block, group=f"title_{lang}")
        return True

    def next_article(self) -> bool:
        """Is an English title block followed by an abstract, met in the body, another
        article's (a journal issue's table of parallel abstracts, seed 002)? Only once this
        article has had its own English abstract and a body: an ordinary paper has one of each."""
        return "abstract_en" in self.abstracts and self.body_paragraphs >= _ARTICLE_MIN_BODY

    def start_tail(self, text: str, reason: str) -> None:
        self.tail = True
        self.cut = (len(self.items), text, reason)

    def labelled(self, label: metadata.Label, text: str, block: Block) -> None:
        kind = label.kind
        self.last = "label"
        if kind == "references":
            self.zone = "refs"
            self.open_label = ""
            self.refs_kind = "notes" if label.name.lower() in ("注释", "notes") else "references"
            self.add(text, self.refs_kind, block, heading=True)
        elif kind in ("abstract_zh", "abstract_en"):
            lang = clean.lang_of(label.rest) if label.rest else kind[-2:]
            group = f"abstract_{lang}"
            if group in self.abstracts:
                return self.furniture(text, block)
            self.abstracts.add(group)
            self.add(label.name, "abstract", block, group=group, heading=True)
            if label.rest:
                self.add(label.rest, "abstract", block, group=group)
                self.open_label = ""
            else:
                self.open_label = group
        elif kind == "keywords":
            words = metadata.split_keywords(label.rest)
            if clean.CJK_RE.search(label.rest):
                self.meta.keywords = self.meta.keywords or words
            else:
                self.keywords_en = self.keywords_en or words
            self.furniture(text, block)
        else:
            self.open_label = "furniture" if kind == "furniture_open" else ""
            if kind == "doi" or (not self.meta.doi and "doi" in text.lower()):
                self.meta.doi = self.meta.doi or metadata.find_doi(text)
            if label.name in ("来源", "Source"):
                self.meta.journal = self.meta.journal or metadata.find_journal(text)
                self.meta.extra.setdefault("source", label.rest)
            self.furniture(text, block)
        return None

    def finish(self) -> None:
        meta = self.meta
        if not any(item.kind == "title" for item in self.items) and self.header and self.headers == 1:
            for item in self.items:
                if item.kind == "furniture" and item.text == self.header:
                    item.kind, item.group = "title", "title_" + clean.lang_of(item.text)
                    break
        titles = [item for item in self.items if item.kind == "title"]
        zh_titles = [item.text for item in titles if clean.lang_of(item.text) == "zh"]
        en_titles = [item.text for item in titles if clean.lang_of(item.text) == "en"]
        if not meta.title:
            meta.title = "".join(zh_titles) if zh_titles else " ".join(en_titles)
        if en_titles and zh_titles:
            meta.extra["title_en"] = " ".join(en_titles)
        if self.authors_found or self.authors_en:
            if meta.authors:
                meta.extra["front_matter_author"] = ", ".join(meta.authors)
            meta.authors = self.authors_found or self.authors_en
        if self.authors_en and self.authors_found:
            meta.extra["authors_en"] = ", ".join(self.authors_en)
        if self.keywords_en:
            if meta.keywords:
                meta.extra["keywords_en"] = "; ".join(self.keywords_en)
            else:
                meta.keywords = self.keywords_en
        abstracts = {lang: "\n".join(item.text for item in self.items
                                     if item.group == f"abstract_{lang}" and not item.heading)
                     for lang in ("zh", "en")}
        meta.abstract = meta.abstract or abstracts["zh"] or abstracts["en"]
        if abstracts["zh"] and abstracts["en"]:
            meta.extra["abstract_en"] = abstracts["en"]
        if meta.year is None:
            for item in self.items:
                if item.kind in ("furniture", "notes"):
                    meta.year = metadata.find_year(item.text)
                    if meta.year:
                        break
        if not meta.doi:
            for item in self.items:
                if item.kind in ("furniture", "notes") and re.search(r"doi", item.text, re.I):
                    meta.doi = metadata.find_doi(item.text)
                    if meta.doi:
                        break


def _merge_number_headings(blocks: list[Block]) -> list[Block]:
    """'01' + '政策周期' (WeChat numbered headings on two lines) -> '01 政策周期'."""
    merged: list[Block] = []
    for block in blocks:
        if (merged and merged[-1].role == "heading" and re.fullmatch(r"\d{1,2}", merged[-1].text.strip())
                and block.role == "heading"):
            merged[-1] = Block(f"{merged[-1].text.strip()} {block.text}", "heading", merged[-1].page)
        else:
            merged.append(block)
    return merged


def classify(parsed: Parsed, source: str = "") -> tuple[list[Item], list[NoteRef], Metadata]:
    """Section kind of every block, metadata, and notes paired with their markers; a W030
    naming ``source`` is added to ``parsed.warnings`` when the tail went to furniture in bulk."""
    state = _Classifier(parsed)
    state.run()
    parsed.warnings.extend(_cut_warning(state, source))
    numbered = {}
    for item in state.items:
        match = _ENTRY_NUMBER_RE.match(item.text) if item.kind == "references" else None
        if match:
            numbered[match.group(1) or match.group(2)] = item.text[match.end():]
    for queue in state.pending.values():
        for ref in queue:
            number = re.fullmatch(r"[\[［](\d{1,3})[\]］]", ref.marker)
            if number and number.group(1) in numbered:
                ref.text = numbered[number.group(1)]
    return state.items, state.orphans, state.meta


def assemble(parsed: Parsed, *, doc_id: str, source: str) -> Document:
    """Lay out the classified paragraphs as one text with sections, paragraphs and notes."""
    items, orphans, meta = classify(parsed, source)
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    ordered = sorted(groups.values(), key=lambda g: KIND_ORDER.index(g[0].kind))

    pieces: list[str] = []
    cursor = 0
    sections: list[Section] = []
    notes: list[Note] = []
    pages: dict[int, int] = {}
    n_par = 0
    for group in ordered:
        if pieces:
            pieces.append("\n\n")
            cursor += 2
        kind = group[0].kind
        heading = next((i.text for i in group if i.heading), "") if kind != "body" else (
            group[0].text if group[0].heading else "")
        section = Section(id=f"sec{len(sections) + 1:02d}", kind=kind, heading=heading, start=cursor, end=cursor)
        for position, item in enumerate(group):
            if position:
                pieces.append("\n")
                cursor += 1
            n_par += 1
            section.paragraphs.append(Paragraph(id=f"p{n_par:04d}", start=cursor, end=cursor + len(item.text),
                                                is_heading=item.heading, page=item.page))
            for ref in item.notes:
                notes.append(Note(ref.marker, ref.text, cursor + (ref.offset or 0)))
            if item.page is not None and kind == "body":
                pages.setdefault(item.page, cursor)
            pieces.append(item.text)
            cursor += len(item.text)
        section.end = cursor
        section.lang = clean.lang_of("".join(i.text for i in group))
        sections.append(section)
    text = "".join(pieces)
    notes.extend(Note(ref.marker, ref.text, None) for ref in orphans)
    body = "".join(text[s.start:s.end] for s in sections if s.kind == "body")
    furniture = sum(s.end - s.start for s in sections if s.kind == "furniture")
    if len(text) >= _BULK_CHARS and furniture > 0.5 * len(text):
        parsed.warnings.append(Warnings.W031.format(path=source, share=furniture / len(text)))
    coded = "".join(text[s.start:s.end] for s in sections if s.kind in ("title", "abstract", "body"))
    return Document(
        id=doc_id, source=source, format=parsed.format, lang=clean.lang_of(body or coded or text),
        text=text, meta=meta, sections=sections, notes=notes,
        references=[_ENTRY_NUMBER_RE.sub("", i.text) for i in items if i.kind == "references" and not i.heading],
        warnings=list(parsed.warnings), page_starts=_page_starts(pages, parsed, cursor),
    )


def _cut_warning(state: _Classifier, source: str) -> list[str]:
    """W030 when the end of a document went to furniture: always for a guessed next article,
    for end-of-page furniture when it is in bulk (see ``_BULK_*``)."""
    if state.cut is None:
        return []
    at, line, reason = state.cut
    cut = state.items[at:]
    chars = sum(len(item.text) for item in cut)
    total = sum(len(item.text) for item in state.items) or 1
    if "next article" not in reason and chars < min(_BULK_CHARS, _BULK_SHARE * total):
        return []
    return [Warnings.W030.format(path=source, paragraphs=len(cut), chars=chars, line=line[:60], reason=reason)]


def _page_starts(first_offset: dict[int, int], parsed: Parsed, end: int) -> list[int]:
    """Start of each page in the body (title and abstracts precede it; references, notes and
    furniture follow it, so ``page_of`` is only meant for coded text: use ``paragraph.page``
    there); a page without body text starts where the next one does."""
    n_pages = max((b.page or 0 for b in parsed.blocks), default=0)
    if not n_pages:
        return []
    starts: list[int] = []
    for page in range(n_pages, 0, -1):
        following = starts[0] if starts else end
        starts.insert(0, min(first_offset.get(page, following), following))
    starts[0] = 0
    return starts
