"""Generated academic PDFs whose body text is known: the measuring set for PDF body detection.

Each generator lays out a paper with reportlab's canvas the way journals do (title block,
authors, abstract, keywords, numbered headings, justified paragraphs, footnotes with
superscript markers, a references list, running headers that differ on odd and even pages,
page numbers; one or two columns) and returns the expected parts, so a test or a benchmark can
check which section each word landed in. The wording is made up from small word pools written
for this file; nothing is copied from real papers.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN_X, TOP, BOTTOM = 60.0, 770.0, 70.0
GUTTER = 20.0

_EN_SUBJECTS = ["The regional organization", "Member states", "The secretariat", "Donor governments",
                "The security council", "Peacekeeping missions", "Small states", "The alliance",
                "International courts", "Civil society groups", "The trade regime", "Great powers"]
_EN_VERBS = ["coordinates", "negotiates", "delegates", "contests", "finances", "monitors", "legitimates",
             "postpones", "institutionalizes", "reinterprets", "strengthens", "undermines"]
_EN_OBJECTS = ["the mandate of the mission", "humanitarian assistance", "sanctions against the regime",
               "regional security arrangements", "the enforcement of human rights norms",
               "interorganizational cooperation", "the allocation of scarce resources",
               "multilateral commitments", "the governance of fisheries", "development finance",
               "border disputes", "the implementation of agreements"]
_EN_TAILS = ["because resources are unevenly distributed", "when domestic coalitions change",
             "although the evidence remains contested", "under conditions of uncertainty",
             "in the absence of a hegemon", "after the financial crisis", "despite persistent opposition",
             "through informal consultations", "within overlapping institutions", "for reasons of reputation"]
_ZH_SUBJECTS = ["区域组织", "成员国", "秘书处", "捐助国政府", "安理会", "维和行动", "小国", "同盟体系", "国际法院",
                "公民社会团体", "贸易体制", "大国"]
_ZH_VERBS = ["协调", "谈判", "授权", "质疑", "资助", "监督", "赋予合法性", "推迟", "制度化", "重新解释", "加强", "削弱"]
_ZH_OBJECTS = ["维和任务的授权", "人道主义援助", "对该政权的制裁", "区域安全安排", "人权规范的执行", "组织间合作",
               "稀缺资源的分配", "多边承诺", "渔业治理", "发展融资", "边界争端", "协议的落实"]
_ZH_TAILS = ["因为资源分布不均", "当国内联盟发生变化时", "尽管相关证据仍有争议", "在不确定的条件下", "在缺少霸权国的情况下",
             "在金融危机之后", "尽管存在持续的反对", "通过非正式磋商", "在相互重叠的制度之中", "出于声誉方面的考虑"]
_NAMES = ["Keller", "Osei", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Novak", "Ferreira", "Okafor", "Brandt"]


@dataclass
class Paper:
    """What a generated PDF holds, part by part (body: headings and paragraphs in order)."""

    name: str
    lang: str
    columns: int
    title: str = ""
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    pages: int = 0


def _sentence(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return (rng.choice(_ZH_SUBJECTS) + rng.choice(_ZH_VERBS) + rng.choice(_ZH_OBJECTS) + "，"
                + rng.choice(_ZH_TAILS) + "。")
    return f"{rng.choice(_EN_SUBJECTS)} {rng.choice(_EN_VERBS)} {rng.choice(_EN_OBJECTS)} {rng.choice(_EN_TAILS)}."


def _paragraph(rng: random.Random, lang: str, n: int) -> str:
    return ("" if lang == "zh" else " ").join(_sentence(rng, lang) for _ in range(n))


class _Layout:
    """A text cursor over pages and columns: lines go down a column, then to the next column or
    page; footnotes are collected per page and drawn at its bottom; headers and numbers on
    every page after the first (odd and even pages differ)."""

    def __init__(self, path: Path, paper: Paper, font: str, bold: str, *, headers: tuple[str, str],
                 first_page_line: str, tex_spacing: bool):
        from reportlab.pdfgen import canvas

        if font == "STSong-Light":
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        self.c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
        self.paper, self.font, self.bold = paper, font, bold
        self.headers, self.tex_spacing = headers, tex_spacing
        self.page, self.column, self.y = 1, 0, TOP
        self.footnotes: list[tuple[str, str]] = []
        self.reserve = 0.0
        self.column_top = TOP
        self._edge(first_page_line)

    @property
    def width(self) -> float:
        full = PAGE_W - 2 * MARGIN_X
        return full if self.paper.columns == 1 else (full - GUTTER) / 2

    def x(self) -> float:
        return MARGIN_X + self.column * (self.width + GUTTER)

    def _edge(self, first_page_line: str = "") -> None:
        c = self.c
        c.setFont(self.font, 8)
        if self.page == 1:
            c.drawString(MARGIN_X, 800, first_page_line)
        elif self.page % 2 == 0:
            c.drawString(MARGIN_X, 800, f"{self.page} {self.headers[0]}")
        else:
            c.drawRightString(PAGE_W - MARGIN_X, 800, f"{self.headers[1]} {self.page}")
        c.drawCentredString(PAGE_W / 2, 40, str(self.page))

    def _finish_page(self, last: bool = False) -> None:
        c = self.c
        if self.footnotes:
            y = BOTTOM + self.reserve - 6
            c.line(MARGIN_X, y + 4, MARGIN_X + 120, y + 4)
            for marker, line in self.footnotes:
                y -= 10
                if marker and self.paper.lang != "zh":
                    c.setFont(self.font, 5)
                    c.drawString(MARGIN_X, y + 3, marker)
                c.setFont(self.font, 8)
                c.drawString(MARGIN_X + (0 if self.paper.lang == "zh" else 6), y, line)
        c.showPage()
        if last:
            return
        self.page += 1
        self.column, self.y, self.column_top = 0, TOP, TOP
        self.footnotes, self.reserve = [], 0.0
        self._edge()

    def advance(self, lead: float) -> None:
        """Room for one line of ``lead`` points, breaking the column or the page when needed."""
        if self.y - lead >= BOTTOM + self.reserve:
            self.y -= lead
            return
        if self.column + 1 < self.paper.columns:
            self.column += 1
            self.y = self.column_top - lead
        else:
            self._finish_page()
            self.y -= lead

    def full_width_gap(self, points: float) -> None:
        self.y -= points
        self.column_top = self.y

    def draw_words(self, words: list[str], size: float, *, font: str = "", indent: float = 0.0,
                   justify: bool = False, full: bool = False, lead: float = 0.0,
                   superscripts: dict[int, str] | None = None) -> None:
        """One line of words at the cursor (each word placed on its own, as TeX does, when
        ``tex_spacing``); ``superscripts`` maps a word index to the marker raised after it."""
        font = font or self.font
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self.advance(lead or size * 1.25)
        x0 = MARGIN_X if full else self.x() + indent
        width = (PAGE_W - 2 * MARGIN_X if full else self.width) - indent
        joiner = "" if self.paper.lang == "zh" else " "
        c = self.c
        superscripts = superscripts or {}
        if self.paper.lang == "zh" or not (self.tex_spacing or superscripts):
            c.setFont(font, size)
            c.drawString(x0, self.y, joiner.join(words))
            x = x0 + stringWidth(joiner.join(words), font, size)
            for marker in superscripts.values():
                c.setFont(font, size * 0.6)
                c.drawString(x, self.y + size * 0.4, marker)
            return
        natural = sum(stringWidth(w, font, size) for w in words)
        space = stringWidth(" ", font, size)
        gap = (width - natural) / (len(words) - 1) if justify and len(words) > 1 else space
        x = x0
        for index, word in enumerate(words):
            c.setFont(font, size)
            c.drawString(x, self.y, word)
            x += stringWidth(word, font, size)
            if index in superscripts:
                c.setFont(font, size * 0.6)
                c.drawString(x, self.y + size * 0.4, superscripts[index])
                x += stringWidth(superscripts[index], font, size * 0.6)
            x += gap

    def paragraph(self, text: str, size: float, *, indent: float = 12.0, font: str = "", full: bool = False,
                  hyphenate: bool = False, notes: dict[int, str] | None = None, lead: float = 0.0) -> None:
        """Wrap and draw a paragraph; ``notes`` maps a word index to a footnote's text."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        font = font or self.font
        width = (PAGE_W - 2 * MARGIN_X if full else self.width)
        if self.paper.lang == "zh":
            chars, line, first = re.findall(r"[A-Za-z0-9.-]+|.", text), "", True  # numbers are not split
            for char in chars:
                limit = width - (2 * size if first else 0)
                if stringWidth(line + char, font, size) > limit:
                    self.draw_words([line], size, font=font, indent=2 * size if first else 0, full=full, lead=lead)
                    line, first = "", False
                line += char
            self.draw_words([line], size, font=font, indent=2 * size if first else 0, full=full, lead=lead)
            return
        words = text.split()
        notes = notes or {}
        line: list[str] = []
        marks: dict[int, str] = {}
        first = True
        index = 0
        while index < len(words):
            word = words[index]
            room = width - (indent if first else 0)
            candidate = " ".join(line + [word])
            if stringWidth(candidate, font, size) <= room:
                if index in notes and self.note(notes[index]):
                    marks[len(line)] = str(len(self.paper.notes))
                line.append(word)
                index += 1
                continue
            if hyphenate and len(word) >= 9 and word.isalpha():
                for cut in range(len(word) - 4, 3, -1):
                    if stringWidth(" ".join(line + [word[:cut] + "-"]), font, size) <= room:
                        line.append(word[:cut] + "-")
                        words[index] = word[cut:]
                        break
            self.draw_words(line, size, font=font, indent=indent if first else 0, justify=True, full=full,
                            lead=lead, superscripts=marks)
            line, marks, first = [], {}, False
        self.draw_words(line, size, font=font, indent=indent if first else 0, full=full, lead=lead,
                        superscripts=marks)

    def note(self, text: str) -> str:
        """Queue a footnote for this page; its marker is the running note number (circled and
        inline in Chinese, raised in English). None in a right column: its foot is full already."""
        if self.column > 0:
            return ""
        self.paper.notes.append(text)
        marker = str(len(self.paper.notes))
        if self.paper.lang == "zh":
            marker = marker.translate(_CIRCLED)
            text = marker + text
        from reportlab.pdfbase.pdfmetrics import stringWidth

        lines: list[str] = []
        for word in text.split():
            if lines and stringWidth(lines[-1] + " " + word, self.font, 8) <= PAGE_W - 2 * MARGIN_X - 6:
                lines[-1] += " " + word
            else:
                lines.append(word)
        self.footnotes.extend((marker if i == 0 else "", line) for i, line in enumerate(lines))
        self.reserve += 10 * len(lines) + (12 if len(self.footnotes) == len(lines) else 0)
        return marker

    def save(self) -> int:
        self._finish_page(last=True)
        self.c.save()
        return self.page


def paper(path: Path, *, lang: str = "en", columns: int = 1, sections: int = 9, seed: int = 1,
          tex_spacing: bool = False, footnotes: bool = True, book: bool = False) -> Paper:
    """Write one generated paper (or a book chapter when ``book``: no front matter) to ``path``."""
    rng = random.Random(seed)
    zh = lang == "zh"
    font, bold = ("STSong-Light", "STSong-Light") if zh else ("Times-Roman", "Times-Bold")
    result = Paper(name=path.stem, lang=lang, columns=columns)
    if zh:
        result.title = "组织间合作的强度与条件研究"
        result.authors = ["李明远", "王思齐"]
        headers = ("国际组织评论", "组织间合作的强度与条件研究")
        first = "国际组织评论 2024年第3期 第45-67页"
    else:
        result.title = "Cooperation Under Overlapping Mandates: Evidence from Regional Organizations"
        result.authors = [f"Anna {rng.choice(_NAMES)}", f"David {rng.choice(_NAMES)}"]
        headers = ("Journal of Comparative Institutions", "Cooperation Under Overlapping Mandates")
        first = "Journal of Comparative Institutions, Vol. 12, No. 3 (2024), pp. 45-67"
    if book:
        headers = ("Institutions and Order", "Chapter 2: Mandates and Resources")
        first = ""
    layout = _Layout(path, result, font, bold, headers=headers, first_page_line=first, tex_spacing=tex_spacing)
    if not book:
        layout.paragraph(result.title, 16, indent=0, font=bold, full=True, lead=22)
        layout.full_width_gap(6)
        layout.paragraph(("，" if zh else ", ").join(result.authors), 11, indent=0, full=True, lead=16)
        affiliation = "（东方大学国际关系学院）" if zh else "Department of Political Science, Eastfield University"
        layout.paragraph(affiliation, 9, indent=0, full=True, lead=14)
        layout.full_width_gap(12)
        result.abstract = _paragraph(rng, lang, 4)
        layout.paragraph(("摘要：" if zh else "Abstract: ") + result.abstract, 9, indent=0, full=True, lead=12)
        result.keywords = ["组织间合作", "资源依赖", "维和"] if zh else ["interorganizational cooperation",
                                                                   "resource dependence", "peacekeeping"]
        layout.paragraph(("关键词：" + "；".join(result.keywords)) if zh else "Keywords: " + "; ".join(result.keywords),
                         9, indent=0, full=True, lead=12)
        layout.full_width_gap(14)
    numbers = "一二三四五六七八九十"
    for number in range(1, sections + 1):
        heading = (f"{numbers[number - 1]}、" + rng.choice(_ZH_OBJECTS)) if zh else \
            f"{number} {rng.choice(_EN_OBJECTS).capitalize()}"
        layout.advance(8)
        layout.paragraph(heading, 11, indent=0, font=bold, lead=16)
        result.body.append(heading)
        for _ in range(rng.randint(3, 5)):
            text = _paragraph(rng, lang, rng.randint(4, 7))
            notes: dict[int, str] = {}
            if footnotes and not zh and rng.random() < 0.35:
                words = text.split()
                at = next((i for i, w in enumerate(words) if w.endswith(".") and i > 5), len(words) - 1)
                notes[at] = f"See {rng.choice(_NAMES)} (20{rng.randint(10, 23)}) on {rng.choice(_EN_OBJECTS)}."
            if footnotes and zh and rng.random() < 0.35:
                note = f"参见{rng.choice(_ZH_SUBJECTS)}关于{rng.choice(_ZH_OBJECTS)}的讨论。"
                text = text.replace("。", "。" + layout.note(note), 1)
            layout.paragraph(text, 10, indent=20 if zh else 12, hyphenate=not zh, notes=notes)
            result.body.append(re.sub(r"[\u2460-\u2473]", "", text))
    if not book:
        layout.advance(8)
        heading = "参考文献" if zh else "References"
        layout.paragraph(heading, 11, indent=0, font=bold, lead=16)
        for index in range(6):
            name = rng.choice(_NAMES)
            entry = (f"[{index + 1}] {name}：《{rng.choice(_ZH_OBJECTS)}研究》，北京：东方出版社，20{10 + index}年。" if zh
                     else f"{name}, A. (20{10 + index}). {rng.choice(_EN_OBJECTS).capitalize()}. "
                          f"Journal of Institutions {index + 3}(2): {10 + index}-{30 + index}.")
            result.references.append(entry)
            layout.paragraph(entry, 9, indent=0, lead=12)
    result.pages = layout.save()
    return result


_CIRCLED = str.maketrans({str(i): chr(0x245F + i) for i in range(1, 10)})


def long_pdf(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` pages with one short line each (for the page limit)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 10)
        c.drawString(MARGIN_X, TOP, f"Line of page {number}.")
        c.showPage()
    c.save()
    return path


#: The measuring set: name -> keyword arguments of :func:`paper`.
SET = {
    "en_one_column": {"lang": "en", "columns": 1, "seed": 1},
    "en_two_column": {"lang": "en", "columns": 2, "seed": 2, "tex_spacing": True, "sections": 12},
    "en_two_column_plain": {"lang": "en", "columns": 2, "seed": 3, "sections": 12},
    "zh_one_column": {"lang": "zh", "columns": 1, "seed": 4},
    "zh_two_column": {"lang": "zh", "columns": 2, "seed": 5, "sections": 10},
    "en_book_chapter": {"lang": "en", "columns": 1, "seed": 6, "sections": 30, "book": True},
}


def build(folder: Path) -> dict[str, tuple[Path, Paper]]:
    """Every PDF of :data:`SET` written under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: (folder / f"{name}.pdf", paper(folder / f"{name}.pdf", **kwargs)) for name, kwargs in SET.items()}


_TOKEN_RE = re.compile(r"[\u3400-\u9fff]|[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Words (English, lower case) and single ideographs (Chinese): the unit of the figures."""
    return _TOKEN_RE.findall(text.lower())


@dataclass
class Score:
    """How one read document compares with the paper it came from (shares of expected body words)."""

    recovered: float  # expected body words found in body sections, in order
    furniture: float  # words in furniture sections
    lost_to_furniture: float  # expected body words that ended in furniture
    extra: float  # words in body sections that are not body words (notes, headers, ...)


def score(doc, paper: Paper) -> Score:
    """Compare a Document's sections with what was laid out (in-order matching, difflib)."""
    from difflib import SequenceMatcher

    expected = tokens(" ".join(paper.body))
    by_kind: dict[str, list[str]] = {}
    for section in doc.sections:
        by_kind.setdefault(section.kind, []).extend(tokens(doc.text[section.start:section.end]))
    body, furniture = by_kind.get("body", []), by_kind.get("furniture", [])

    def matched(got: list[str]) -> int:
        return sum(b.size for b in SequenceMatcher(None, expected, got, autojunk=False).get_matching_blocks())

    found = matched(body)
    n = max(1, len(expected))
    return Score(found / n, len(furniture) / n, matched(furniture) / n, (len(body) - found) / n)
