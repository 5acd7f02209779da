"""Academic PDFs read as bodies: columns, running headers, front matter, notes, references,
hyphenation and the page limit, on the generated papers of ``academic_pdfs``."""

from __future__ import annotations

import time
from pathlib import Path

import academic_pdfs
import pytest

from pipeline.errors import IrtagError
from pipeline.ingest import clean, read_document
from pipeline.ingest.layout import Line, document_words, reflow
from pipeline.ingest.structure import Parsed, assemble

ENGINES = ["pdfplumber", "pypdfium2"]


@pytest.fixture(scope="module")
def papers(tmp_path_factory) -> dict[str, tuple[Path, academic_pdfs.Paper]]:
    return academic_pdfs.build(tmp_path_factory.mktemp("academic"))


def _texts(doc, kind: str) -> list[str]:
    return [doc.text[p.start:p.end] for s in doc.sections if s.kind == kind for p in s.paragraphs]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(academic_pdfs.SET))
def test_body_figures(papers, name, engine):
    path, paper = papers[name]
    doc = read_document(path, pdf_engine=engine)
    score = academic_pdfs.score(doc, paper)
    assert score.recovered >= 0.98, score
    assert score.furniture <= 0.05, score
    assert score.extra <= 0.02, score  # no headers, notes or references in the body
    assert doc.lang == paper.lang and not doc.warnings


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", [n for n, kw in academic_pdfs.SET.items() if not kw.get("book")])
def test_front_matter_notes_and_references(papers, name, engine):
    path, paper = papers[name]
    doc = read_document(path, pdf_engine=engine)
    assert doc.meta.title == paper.title
    assert doc.meta.abstract == paper.abstract
    assert doc.meta.keywords == paper.keywords
    assert doc.meta.authors == paper.authors
    assert doc.references == [clean.fix_english_punct(r).split("] ", 1)[-1] for r in paper.references]
    assert paper.notes and all(note in " ".join(_texts(doc, "notes")) for note in paper.notes)
    body = _texts(doc, "body")
    assert body[0] == paper.body[0]  # the first heading opens the body: front matter is not body


@pytest.mark.parametrize("engine", ENGINES)
def test_two_columns_in_order_and_words_apart(papers, engine):
    """Words placed one by one (as TeX does) on two justified columns: the body comes out
    in order, every word separate, hyphenation undone (a paragraph whose sentence ends at the
    foot of a page may come out as two)."""
    path, paper = papers["en_two_column"]
    doc = read_document(path, pdf_engine=engine)
    assert " ".join(_texts(doc, "body")) == " ".join(paper.body)


@pytest.mark.parametrize("engine", ENGINES)
def test_running_headers_on_odd_and_even_pages(papers, engine):
    path, paper = papers["en_book_chapter"]
    doc = read_document(path, pdf_engine=engine)
    body = " ".join(_texts(doc, "body"))
    furniture = _texts(doc, "furniture")
    assert "Institutions and Order" not in body and "Chapter 2" not in body
    assert sum("Institutions and Order" in t for t in furniture) == paper.pages // 2
    assert sum("Chapter 2: Mandates and Resources" in t for t in furniture) == (paper.pages - 1) // 2


# -- the next-article rule ------------------------------------------------------------------
def _parsed(lines: list[str]) -> Parsed:
    return Parsed(format="txt", blocks=reflow([Line(t) for t in lines]))


ARTICLE_ZH = ["联合国与区域组织的维和合作", "", "【摘要】区域组织与联合国的合作日益密切。", "",
              "一、引言", "", "联合国依赖区域组织提供资源。", "", "区域组织也依赖联合国的授权。", "",
              "二、结论", "", "合作强度取决于资源依赖程度。", ""]
NEXT_ARTICLE = ["80 Sharing the Burden: How Regional Organizations Join the Peace Operations of Others", "",
                "Li Ming", "",
                "【 Abstract 】 Regional organizations cooperate with the United Nations.", "",
                "【 Keywords 】 peacekeeping, cooperation", "",
                "98 Climate Norms Between Neighbours: Who Takes the Initiative in Regional Cooperation", "",
                "Wang Fang", "",
                "【 Abstract 】 Two economies cooperate on climate norms.", ""]


def test_next_article_still_cut_with_a_warning():
    """A journal file that runs on into the next article's English title block (seed 002)."""
    doc = assemble(_parsed(ARTICLE_ZH + NEXT_ARTICLE), doc_id="x", source="issue.txt")
    assert NEXT_ARTICLE[8] in _texts(doc, "furniture")
    assert "Two economies" not in " ".join(_texts(doc, "abstract"))
    assert doc.meta.extra["title_en"] == NEXT_ARTICLE[0][3:]
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("[W030] issue.txt: 3 paragraphs")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ordinary_paper_is_not_cut(lang):
    """A journal line before the title and an abstract after it: the old rule took the title
    for the next article's and sent the whole paper to furniture."""
    if lang == "en":
        lines = ["Journal of Comparative Institutions, Vol. 12, No. 3 (2024), pp. 45-67", "",
                 "Cooperation Under Overlapping Mandates", "", "Anna Keller", "",
                 "Abstract: Member states delegate mandates to regional organizations.", "",
                 "1 Introduction", "", "Regional organizations finance the missions.", "",
                 "2 Findings", "", "The secretariat monitors the allocation of resources.", ""]
    else:
        lines = ["国际组织评论 2024年第3期", "", "组织间合作的强度与条件研究", "", "李明远", "",
                 "摘要：成员国向区域组织授权。", "", "一、引言", "", "区域组织资助维和任务。", "",
                 "二、结论", "", "秘书处监督资源的分配。", ""]
    doc = assemble(_parsed(lines), doc_id="x", source="paper.txt")
    body = _texts(doc, "body")
    assert body == [lines[8], lines[10], lines[12], lines[14]]
    assert doc.meta.title == lines[2] and not doc.warnings
    assert lines[0] in _texts(doc, "furniture")


# -- hyphenation ----------------------------------------------------------------------------
@pytest.mark.parametrize("left, right, words, joined", [
    ("coope-", "ration with", set(), "cooperation with"),  # a typesetter's hyphen
    ("voir ci-", "dessus", {"ci-dessus", "ci", "dessus"}, "voir ci-dessus"),  # the compound is attested
    ("a well-", "known case", {"well", "known"}, "a well-known case"),  # both parts are words
    ("co-", "operation", {"operation"}, "co-operation"),
    ("co-", "operation", {"operation", "cooperation"}, "cooperation"),  # the joined form is attested
    ("institu-", "tions", {"tions"}, "institutions"),  # a fragment is no word: 'institu' is not
])
def test_line_end_hyphens(left, right, words, joined):
    assert clean.join_lines(left, right, words) == joined


def test_hyphens_decided_from_the_document():
    lines = ["Il faut voir le tableau ci-dessus et la liste ci-", "dessous pour comprendre la", "",
             "A well-known result of the literature is that a well-", "known rule holds in the coope-",
             "ration of states."]
    words = document_words(lines)
    assert {"ci-dessus", "ci-", "well-known", "well", "known"} <= words and "coope" not in words
    assert "ration" not in words
    text = " ".join(b.text for b in reflow([Line(t) for t in lines], wrapped=True))
    assert "ci-dessous" in text and "a well-known rule" in text and "cooperation of states" in text


# -- the page limit -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    return academic_pdfs.long_pdf(tmp_path_factory.mktemp("long") / "long.pdf", 2000)


@pytest.mark.parametrize("engine", ENGINES)
def test_page_limit(long_pdf, engine):
    start = time.perf_counter()
    with pytest.raises(IrtagError, match=r"^\[E080\] .*long\.pdf: PDF has 2000 pages, over the 1999-page limit"):
        read_document(long_pdf, pdf_engine=engine, max_pages=1999)
    assert time.perf_counter() - start < 10  # refused before any page is read


def test_two_thousand_pages_read_within_the_default_limit(long_pdf):
    start = time.perf_counter()
    doc = read_document(long_pdf, pdf_engine="pypdfium2")
    assert time.perf_counter() - start < 60
    # one line repeated on every page is a running header: kept, as furniture, and said so
    assert [(s.kind, len(s.paragraphs)) for s in doc.sections] == [("furniture", 2000)]
    assert len(doc.page_starts) == 2000 and doc.warnings[0].startswith("[W031]")
