"""read_document on the five seeds, on small generated files of every format, and on bad input."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pipeline.document import Document, content_id
from pipeline.errors import IrtagError
from pipeline.ingest import read_document
from simple_pdfs import EN_PAGES, ZH_PAGES, make_pdf

SEEDS = Path(__file__).resolve().parents[2] / "corpora" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
FURNITURE_IN_BODY = ("![", "<img", ".png", ".jpeg", ".jpg", ".gif", "javascript:", "赞赏", "微信扫一扫", "http://",
                     "https://", "^")
MARKER_RE = re.compile(r"[\u2460-\u2473]|[\[［]\d{1,3}[\]］]")


def seed(number: int) -> Path:
    path = next((p for p in SEED_FILES if p.name.startswith(f"{number:03d}_")), None)
    if path is None:
        pytest.skip("seed corpus not present")
    return path


def check_offsets(doc: Document) -> None:
    """The layout invariants every reader must keep."""
    assert [s.id for s in doc.sections] == [f"sec{i:02d}" for i in range(1, len(doc.sections) + 1)]
    ids = [p.id for p in doc.paragraphs()]
    assert ids == [f"p{i:04d}" for i in range(1, len(ids) + 1)]
    for section in doc.sections:
        assert section.lang in ("zh", "en")
        for paragraph in section.paragraphs:
            text = doc.text[paragraph.start:paragraph.end]
            assert text and text == text.strip() and "\n" not in text
            assert section.start <= paragraph.start <= paragraph.end <= section.end
            assert not paragraph.sentences
    for note in doc.notes:
        assert note.offset is None or 0 <= note.offset <= len(doc.text)


# -- the seeds ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_docs() -> dict[int, Document]:
    return {number: read_document(seed(number)) for number in range(5)}


@pytest.mark.parametrize("number", range(5))
def test_seed_structure(seed_docs, number):
    doc = seed_docs[number]
    check_offsets(doc)
    assert doc.lang == "zh"
    assert doc.meta.title
    assert any(s.kind == "title" for s in doc.sections)
    body = [s for s in doc.sections if s.kind == "body"]
    assert body and sum(len(s.paragraphs) for s in body) >= 5
    for section in body:
        for paragraph in section.paragraphs:
            text = doc.text[paragraph.start:paragraph.end]
            assert not any(bad in text for bad in FURNITURE_IN_BODY), text
            assert not MARKER_RE.search(text), text


@pytest.mark.parametrize("number, kinds", [(1, {"notes"}), (2, {"notes"}), (3, {"references"})])
def test_seed_notes_and_references_leave_the_body(seed_docs, number, kinds):
    doc = seed_docs[number]
    assert kinds <= {s.kind for s in doc.sections}
    assert doc.notes


def test_seed_note_texts_are_paired(seed_docs):
    doc2 = seed_docs[2]
    circled = [n for n in doc2.notes if n.marker in "①②③④⑤"]
    assert len(circled) >= 40 and all(n.text for n in circled)
    first = next(n for n in circled if n.offset is not None)
    assert first.text.startswith("Rafael Biermann")
    assert doc2.text[first.offset - 6:first.offset].endswith("开展的合作。")
    doc3 = seed_docs[3]
    assert len(doc3.references) == 33 and doc3.references[0].startswith("GERYBADZE")
    assert next(n for n in doc3.notes if n.marker == "[1]").text.startswith("GERYBADZE")
    doc1 = seed_docs[1]
    assert {n.marker for n in doc1.notes} >= {"[1]", "[25]", "*"}


@pytest.mark.parametrize("number, english", [(0, False), (1, False), (2, True), (3, True), (4, True)])
def test_seed_abstracts(seed_docs, number, english):
    doc = seed_docs[number]
    langs = [s.lang for s in doc.sections if s.kind == "abstract"]
    assert "zh" in langs
    assert ("en" in langs) is english
    assert doc.meta.abstract and doc.meta.abstract[0] not in "【摘"


def test_seed_front_matter(seed_docs):
    assert seed_docs[0].meta.year == 2020 and seed_docs[0].format == "md"
    assert seed_docs[0].meta.title.startswith("政府间组织（IGO）")
    furniture = next(s for s in seed_docs[0].sections if s.kind == "furniture")
    assert "赞赏" in seed_docs[0].text[furniture.start:furniture.end]
    assert seed_docs[2].meta.authors == ["朱杰进", "尤力"]
    assert seed_docs[2].meta.doi == "10.13549/j.cnki.cn11-3959/d.2025.05.005"
    assert seed_docs[2].meta.year == 2025 and "联合国维和" in seed_docs[2].meta.keywords
    assert seed_docs[4].meta.authors == ["王晶娜", "亓祥晨"] and seed_docs[4].meta.year == 2015
    assert seed_docs[4].meta.extra["title_en"].startswith("Role Orientation")  # 'Ｒole' normalised
    doc4 = seed_docs[4]
    headings = [doc4.text[p.start:p.end] for s in doc4.sections for p in s.paragraphs if p.is_heading]
    assert "一、社会组织联盟在社会治理当中的主要角色" in headings  # heading broken over two lines


def test_seed_english_title_and_authors_are_not_body(seed_docs):
    for number in (3, 4):
        doc = seed_docs[number]
        body = "".join(doc.text[s.start:s.end] for s in doc.sections if s.kind == "body")
        assert "Abstract" not in body and "WANG Jing-na" not in body and "Development and Operation" not in body


def test_seed_wrapped_lines_are_joined(seed_docs):
    doc = seed_docs[1]
    assert "为世界主要经济体的国内规则制定者" in doc.text  # blank lines inside a paragraph
    assert "跨政府网络与 G20 的治理模式\n\n25" not in doc.text
    doc4 = seed_docs[4]  # a paragraph interrupted by the page-bottom footnote and running header
    assert "难以全面发挥其治理功能，而社会组织联盟却可以进行优势互补" in doc4.text


@pytest.mark.parametrize("number", range(5))
def test_seed_round_trip(seed_docs, number):
    doc = seed_docs[number]
    assert Document.from_json(doc.to_json()) == doc
    assert doc.id == content_id(seed(number).read_bytes())


# -- readers on generated fixtures ---------------------------------------------------------
@pytest.mark.parametrize("engine", ["pdfplumber", "pypdfium2"])
def test_pdf_zh(tmp_path, engine):
    path = make_pdf(tmp_path / "zh.pdf", ZH_PAGES, header="国际展望 2025年第5期", font="STSong-Light")
    doc = read_document(path, pdf_engine=engine)
    check_offsets(doc)
    assert doc.format == "pdf" and doc.lang == "zh" and doc.meta.title == "国际组织间合作强度研究"
    body = [doc.text[p.start:p.end] for s in doc.sections if s.kind == "body" for p in s.paragraphs]
    assert "联合国与区域国际组织在维和领域的合作已经成为一个重要趋势，合作强度取决于资源依赖程度。" in body
    joined = next(t for t in body if t.startswith("在物质性资源方面"))
    assert joined.endswith("承担了较多的维和经费。")  # across the page break, no space
    assert "国际展望" not in "".join(body) and not any(t.strip().isdigit() for t in body)
    assert len(doc.page_starts) == 2 and doc.page_starts[0] == 0
    last = [p for s in doc.sections if s.kind == "body" for p in s.paragraphs][-1]
    assert last.page == 2 and doc.page_of(last.start) == 2


@pytest.mark.parametrize("engine", ["pdfplumber", "pypdfium2"])
def test_pdf_en(tmp_path, engine):
    path = make_pdf(tmp_path / "en.pdf", EN_PAGES, header="Review of Global Governance 12")
    doc = read_document(path, pdf_engine=engine)
    check_offsets(doc)
    assert doc.lang == "en" and doc.meta.title == "Cooperation Between International Organizations"
    assert ("International organizations increasingly seek cooperation with regional bodies because they "
            "depend on their material and symbolic resources.") in doc.text
    assert "The European Union provided troops and funding for the operation in the Congo." in doc.text
    assert "Review of Global Governance" not in "".join(
        doc.text[s.start:s.end] for s in doc.sections if s.kind == "body")


ZH_TEXT = "国际组织合作研究\n\n一、引言\n\n联合国与区域组织在维和领域的合作强度较高。\n\n欧盟向联合国提供了关键资源。\n"
ZH_HANT = "國際組織合作研究\n\n一、引言\n\n聯合國與區域組織在維和領域的合作強度較高，歐盟向聯合國提供了關鍵資源。\n" * 3


@pytest.mark.parametrize("encoding, text", [
    ("gbk", ZH_TEXT * 3),
    ("gb18030", ZH_TEXT * 3),
    ("big5", ZH_HANT),
    ("utf-16", ZH_TEXT),
    ("utf-8-sig", ZH_TEXT),
    ("utf-8", "Cooperation Between Organizations\n\nThe United Nations relies on the European Union.\n"),
])
def test_text_encodings(tmp_path, encoding, text):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    doc = read_document(path)
    check_offsets(doc)
    body = "".join(doc.text[s.start:s.end] for s in doc.sections if s.kind == "body")
    first_sentence = [t for t in text.split("\n") if t.endswith(("。", "."))][0]
    assert first_sentence in body  # traditional characters kept as written, no mojibake
    assert doc.meta.title == text.split("\n")[0]
    assert bool(doc.warnings) == (encoding in ("gbk", "gb18030", "big5"))


def test_markdown_suffix_and_front_matter(tmp_path):
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: 合作研究\nauthor: 李雷\ndate: 2019-03-01\n---\n\n# 合作研究\n\n"
                    "![](a.png)\n\n**一、背景**\n\n联合国与**欧盟**的合作[链接](javascript:;)较多。\n\n"
                    "<img src='b.gif' />\n\n微信扫一扫赞赏作者\n\n取消\n", encoding="utf-8")
    doc = read_document(path)
    check_offsets(doc)
    assert doc.format == "md" and doc.meta.year == 2019 and doc.meta.authors == ["李雷"]
    body = [doc.text[p.start:p.end] for s in doc.sections if s.kind == "body" for p in s.paragraphs]
    assert body == ["一、背景", "联合国与欧盟的合作链接较多。"]
    assert doc.sections[-1].kind == "furniture" and "取消" in doc.text[doc.sections[-1].start:]


HTML = """<html><head><title>联合国与欧盟的维和合作</title>
<meta name="citation_author" content="朱杰进"><meta name="citation_author" content="尤力">
<meta name="citation_doi" content="10.13549/j.cnki.cn11-3959/d.2025.05.005">
<meta name="citation_journal_title" content="国际展望"><meta name="citation_publication_date" content="2025/09/15">
<meta name="citation_keywords" content="联合国维和; 合作强度">
<script>var share = "赞赏";</script><style>p { color: red; }</style></head>
<body><nav>首页 | 期刊</nav><h1>联合国与欧盟的维和合作</h1>
<p>联合国对欧盟的资源依赖程度较高。<img src="fig1.png"></p>
<div id="js_pc_qr_code">微信扫一扫关注该公众号</div>
<h2>一、合作强度</h2><p>双方签署了十余份合作协议，<span>并采取了联合行动</span>。</p>
<ul><li>信息共享</li><li>联合决策</li></ul>
<div class="reward_area"><span>赞赏</span></div><iframe src="x"></iframe><footer>版权所有</footer></body></html>"""


def test_html(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    doc = read_document(path)
    check_offsets(doc)
    assert doc.format == "html"
    assert doc.meta.title == "联合国与欧盟的维和合作" and doc.meta.authors == ["朱杰进", "尤力"]
    assert doc.meta.year == 2025 and doc.meta.journal == "国际展望" and doc.meta.keywords == ["联合国维和", "合作强度"]
    assert doc.meta.doi.startswith("10.13549/")
    assert doc.sections[0].kind == "title"
    for bad in ("赞赏", "微信扫一扫", "首页", "版权", "share", "color", "fig1"):
        assert bad not in doc.text
    body = [(doc.text[p.start:p.end], p.is_heading) for s in doc.sections if s.kind == "body" for p in s.paragraphs]
    assert body == [("联合国对欧盟的资源依赖程度较高。", False), ("一、合作强度", True),
                    ("双方签署了十余份合作协议，并采取了联合行动。", False), ("信息共享", False), ("联合决策", False)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx(tmp_path, lang):
    import docx

    texts = {
        "zh": ("国际组织合作研究", "王晶娜; 亓祥晨", "一、引言", "社会组织联盟参与社会治理，", "发挥了重要作用。"),
        "en": ("Cooperation Between Organizations", "Jing-na Wang; Xiang-chen Qi", "1 Introduction",
               "Alliances of social organizations take part", "in governance."),
    }[lang]
    document = docx.Document()
    document.add_heading(texts[0], level=0)
    document.add_heading(texts[2], level=1)
    paragraph = document.add_paragraph(texts[3])
    paragraph.add_run(texts[4])
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "A1", "B1"
    document.core_properties.title = texts[0]
    document.core_properties.author = texts[1]
    path = tmp_path / f"{lang}.docx"
    document.save(path)
    doc = read_document(path)
    check_offsets(doc)
    assert doc.format == "docx" and doc.lang == lang and doc.meta.title == texts[0]
    assert doc.meta.authors == texts[1].split("; ")
    paragraphs = [(doc.text[p.start:p.end], p.is_heading) for s in doc.sections for p in s.paragraphs]
    assert paragraphs[0] == (texts[0], False) and doc.sections[0].kind == "title"
    assert (texts[2], True) in paragraphs and (texts[3] + texts[4], False) in paragraphs
    assert ("A1", False) in paragraphs


# -- bad input ------------------------------------------------------------------------------
def _valid_pdf(tmp_path: Path, lang: str, **kwargs) -> Path:
    pages, font = (ZH_PAGES, "STSong-Light") if lang == "zh" else (EN_PAGES, "Helvetica")
    return make_pdf(tmp_path / f"valid_{lang}.pdf", pages, header="Header", font=font, **kwargs)


def _bad_file(tmp_path: Path, case: str, lang: str) -> Path:
    sample = ZH_TEXT if lang == "zh" else "The United Nations relies on regional organizations.\n"
    if case == "empty":
        path = tmp_path / "empty.txt"
        path.write_bytes(b"")
    elif case == "whitespace":
        path = tmp_path / "blank.txt"
        path.write_text(" \n\u3000\n\t\n", encoding="utf-8")
    elif case == "binary":
        path = tmp_path / "noise.txt"
        path.write_bytes(random.Random(0).randbytes(4096))
    elif case == "not_pdf":
        path = tmp_path / "fake.pdf"
        path.write_text(sample, encoding="utf-8")
    elif case == "encrypted":
        path = _valid_pdf(tmp_path, lang, encrypt="secret")
    elif case == "truncated":
        data = _valid_pdf(tmp_path, lang).read_bytes()
        path = tmp_path / "truncated.pdf"
        path.write_bytes(data[: len(data) // 2])
    elif case == "no_text":
        from reportlab.pdfgen import canvas

        path = tmp_path / "scan.pdf"
        c = canvas.Canvas(str(path))
        c.rect(100, 100, 200, 200, fill=1)
        c.showPage()
        c.save()
    elif case == "undecodable":
        path = tmp_path / "broken.txt"
        path.write_bytes((sample.encode("gbk") + b"\xff\x80\xff ") * 20)
    elif case == "too_big":
        path = tmp_path / "big.txt"
        path.write_text(sample * 50, encoding="utf-8")
    elif case == "bad_docx":
        path = tmp_path / "bad.docx"
        path.write_bytes(random.Random(0).randbytes(2048))
    elif case == "missing":
        path = tmp_path / "nowhere.txt"
    else:
        path = tmp_path / "table.xyz"
        path.write_text(sample, encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case, code, reason", [
    ("empty", "E002", "empty"),
    ("whitespace", "E002", "empty"),
    ("binary", "E005", "binary"),
    ("not_pdf", "E006", "%PDF"),
    ("encrypted", "E007", "encrypted"),
    ("truncated", "E006", "truncated"),
    ("no_text", "E008", "no text"),
    ("undecodable", "E004", "cannot decode"),
    ("too_big", "E003", "over the"),
    ("bad_docx", "E009", "DOCX"),
    ("missing", "E010", "no such file"),
    ("unsupported", "E001", ".xyz"),
])
def test_bad_input(tmp_path, lang, case, code, reason):
    path = _bad_file(tmp_path, case, lang)
    with pytest.raises(IrtagError) as info:
        read_document(path, max_size_mb=0.001 if case == "too_big" else 50)
    message = str(info.value)
    assert message.startswith(f"[{code}] {path}") and reason in message and "\n" not in message


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    path = _bad_file(tmp_path, "too_big", "zh")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before the size check"))
    with pytest.raises(IrtagError, match=r"\[E003\]"):
        read_document(path, max_size_mb=0.001)


def test_unknown_pdf_engine(tmp_path):
    with pytest.raises(IrtagError, match=r"\[E011\].*pdfplumber"):
        read_document(_valid_pdf(tmp_path, "en"), pdf_engine="ocr")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_endnotes_and_reference_lists(tmp_path, lang):
    text = {
        "zh": "国际组织合作研究\n\n一、引言\n\n联合国与区域组织开展合作[1]，欧盟提供了资源[2]。\n\n注释\n\n"
              "[1] 李东燕：《联合国与国际和平》，2015年。\n\n[2] 朱立群：《欧盟共同安全》，2001年。\n",
        "en": "Cooperation Between Organizations\n\n1 Introduction\n\nRegional organizations cooperate with "
              "the UN [1]. They lobby member states [2].\n\nReferences\n\n1. Keohane R. After Hegemony. 1984.\n\n"
              "2. Steffek J. Explaining cooperation. 2013.\n",
    }[lang]
    path = tmp_path / f"{lang}.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    check_offsets(doc)
    kind = "notes" if lang == "zh" else "references"
    section = next(s for s in doc.sections if s.kind == kind)
    assert section.heading == ("注释" if lang == "zh" else "References") and len(section.paragraphs) == 3
    first = next(n for n in doc.notes if n.marker == "[1]")
    assert first.text.startswith("李东燕" if lang == "zh" else "Keohane R.")
    assert doc.text[first.offset - 2:first.offset] == ("合作" if lang == "zh" else "UN")
    assert doc.references == ([] if lang == "zh" else ["Keohane R. After Hegemony. 1984.",
                                                        "Steffek J. Explaining cooperation. 2013."])
    body = "".join(doc.text[s.start:s.end] for s in doc.sections if s.kind == "body")
    assert "[1]" not in body and "Keohane" not in body and "李东燕" not in body
