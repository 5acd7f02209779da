import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.compare import compare
from pipeline.document import Actor, Document, Evidence, Label, Metadata, Paragraph, Section, Sentence
from pipeline.export.report import write_report

HOSTILE = "<script>alert(1)</script>"


def _load_screenshot_module():
    path = Path(__file__).resolve().parents[1] / "browser" / "screenshot_report.py"
    spec = importlib.util.spec_from_file_location("screenshot_report", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


screenshot_report = _load_screenshot_module()


def build(doc_id: str, lang: str, sections: list[tuple[str, list[list[str]]]]) -> Document:
    """A segmented document from section kinds and paragraphs of sentences; offsets are exact."""
    sep = "" if lang == "zh" else " "
    text, built, n = "", [], 0
    for s_index, (kind, paragraphs) in enumerate(sections):
        sec_start, paras = len(text), []
        for p_index, sentences in enumerate(paragraphs):
            p_start, sents = len(text), []
            for piece in sentences:
                if sents:
                    text += sep
                n += 1
                sents.append(Sentence(id=f"{doc_id}-{n:04d}", start=len(text), end=len(text) + len(piece),
                                      text=piece, lang=lang, section_kind=kind, is_heading=kind == "title"))
                text += piece
            paras.append(Paragraph(f"p{s_index}{p_index}", p_start, len(text), kind == "title", sentences=sents))
            text += "\n\n"
        built.append(Section(f"sec{s_index}", kind, "", sec_start, len(text), lang, paras))
    return Document(id=doc_id, source=f"{doc_id}.txt", format="txt", lang=lang, text=text, sections=built)


def find(doc: Document, term: str) -> Sentence:
    return next(s for s in doc.sentences() if term in s.text)


def ev(doc: Document, sentence: Sentence, term: str, concept: str = "", negated: bool = False) -> Evidence:
    start = sentence.start + sentence.text.index(term)
    assert doc.text[start:start + len(term)] == term
    return Evidence(term, start, start + len(term), concept, negated)


def actor(sentence: Sentence, text: str, org_id: str, org_type: str) -> Actor:
    start = sentence.start + sentence.text.index(text)
    return Actor(text, start, start + len(text), org_id, org_type)


def zh_doc() -> Document:
    doc = build("zh01", "zh", [
        ("title", [["联合国与欧盟的维和合作"]]),
        ("abstract", [["本文分析联合国对欧盟的资源依赖。"]]),
        ("body", [["联合国依赖欧盟提供部队和后勤。", "联合国与欧盟签署了联合声明并联合部署。"],
                  ["这是背景句子。", "非政府组织游说代表团以争取资金。"]]),
        ("references", [["[1] 某文献。"]]),
    ])
    doc.meta = Metadata(title="联合国与欧盟的维和合作", authors=["张三"], journal="国际政治",
                        year=2020)
    s = find(doc, "提供部队")
    s.labels = [Label("factor", "pull", "both", 0.91, [ev(doc, s, "依赖")]),
                Label("stage", "implementation", "classifier", 0.66),
                Label("resource", "personnel", "lexicon", None, [ev(doc, s, "部队")]),
                Label("resource", "logistics", "lexicon", None, [ev(doc, s, "后勤")])]
    s.actors = [actor(s, "联合国", "UN", "igo"), actor(s, "欧盟", "EU", "regional")]
    s = find(doc, "联合声明")
    s.labels = [Label("cooperation", "agreement", "lexicon", None, [ev(doc, s, "联合声明")]),
                Label("cooperation", "joint_implementation", "lexicon", None, [ev(doc, s, "联合部署")]),
                Label("stage", "implementation", "both", 0.8, [ev(doc, s, "部署")])]
    s.actors = [actor(s, "联合国", "UN", "igo"), actor(s, "欧盟", "EU", "regional")]
    s = find(doc, "游说")
    s.labels = [Label("factor", "push", "lexicon", None, [ev(doc, s, "游说")], negated=False),
                Label("resource", "funding", "lexicon", None, [ev(doc, s, "资金")])]
    s.actors = [actor(s, "非政府组织", "", "ngo")]
    s = find(doc, "资源依赖")
    s.labels = [Label("factor", "pull", "lexicon", None, [ev(doc, s, "依赖")])]
    return doc


def en_doc() -> Document:
    doc = build("en01", "en", [
        ("title", [["NGOs and the UN"]]),
        ("body", [["The UN does not seek NGO expertise for agenda-setting.", f"A quoted tag {HOSTILE} & more."],
                  ["The UN and the AU share information in regular meetings."]]),
    ])
    doc.meta = Metadata(title=f"NGOs and the UN {HOSTILE}", doi="10.1000/x")
    s = find(doc, "expertise")
    s.labels = [Label("factor", "pull", "both", 0.73, [ev(doc, s, "seek", negated=True)], negated=True),
                Label("stage", "agenda_setting", "lexicon", None, [ev(doc, s, "agenda-setting")]),
                Label("resource", "expertise", "lexicon", None, [ev(doc, s, "expertise")])]
    s.actors = [actor(s, "UN", "UN", "igo"), actor(s, "NGO", "", "ngo")]
    s = find(doc, "quoted tag")
    s.labels = [Label("stage", "analysis", "classifier", 0.55)]
    s = find(doc, "share information")
    s.labels = [Label("cooperation", "information_sharing", "lexicon", None, [ev(doc, s, "meetings")]),
                Label("resource", "information", "lexicon", None, [ev(doc, s, "information")])]
    s.actors = [actor(s, "UN", "UN", "igo"), actor(s, "AU", "AU", "regional")]
    return doc


class _Collector(HTMLParser):
    """Element ids, src/href values and the text of <script> elements."""

    def __init__(self):
        super().__init__()
        self.ids, self.refs, self.scripts, self._in_script = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        self.refs += [v for k, v in attrs.items() if k in ("src", "href") and v]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture
def docs():
    """The documents with the relation step run on them, as the annotator does (pairs come from relations)."""
    from pipeline.tag.relations import RelationTagger

    return [RelationTagger()(d) for d in (zh_doc(), en_doc())]


@pytest.fixture
def report(tmp_path, docs):
    path = tmp_path / "report.html"
    write_report(iter(docs), compare(docs), path, title="Test corpus")
    return path


def test_report_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(page)
    assert parser.refs and all(ref.startswith("#") for ref in parser.refs)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", page, re.I)
    assert "@import" not in page and "url(" not in page


def test_every_labelled_sentence_has_an_element_and_evidence(report, docs):
    parser = _Collector()
    parser.feed(report.read_text(encoding="utf-8"))
    assert len(parser.ids) == len(set(parser.ids))
    data = {}
    for script in parser.scripts:
        if script.lstrip().startswith("{"):
            data.update(json.loads(script))
    labelled = [s for d in docs for s in d.coded_sentences() if s.labels]
    assert len(labelled) == 7
    for sentence in labelled:
        assert sentence.id in parser.ids
        shown = data[sentence.id]
        assert [(l["scheme"], l["label"]) for l in shown["labels"]] == [(l.scheme, l.label) for l in sentence.labels]
        assert shown["text"] == sentence.text
    assert data["en01-0002"]["labels"][0]["evidence"][0] == {
        "term": "seek", "start": docs[1].text.index("seek"), "end": docs[1].text.index("seek") + 4,
        "concept": "", "negated": True}
    assert "zh01-0001" in parser.ids and "doc-zh01" in parser.ids and "doc-en01" in parser.ids
    assert "某文献" not in report.read_text(encoding="utf-8")  # references are not coded text


def test_heatmaps_link_to_sentences(report):
    page = report.read_text(encoding="utf-8")
    # factor pull x implementation and the UN-EU pair both cite the sentence on troops
    assert page.count('href="#zh01-0003"') >= 2
    assert "EU – UN" in page and ">high<" in page and "AU – UN" in page and ">low<" in page


def test_hostile_text_is_escaped(report):
    page = report.read_text(encoding="utf-8")
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more." in page
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u0026 more." in page
    # the only script elements are the page's own
    assert page.count("<script") == 3 and page.count("</script>") == 3


def test_report_is_deterministic(tmp_path, docs, report):
    again = tmp_path / "again.html"
    write_report(docs, compare(docs), again, title="Test corpus")
    assert again.read_bytes() == report.read_bytes()


def test_empty_corpus(tmp_path):
    path = tmp_path / "report.html"
    write_report([], compare([]), path)
    page = path.read_text(encoding="utf-8")
    assert "No documents." in page and "No sentence names two organisations." in page


@pytest.mark.skipif(screenshot_report.find_browser() is None,
                    reason="no chromium/chromium-browser/google-chrome on PATH (apt-get install chromium)")
def test_report_renders_in_headless_chromium(tmp_path, report):
    png = tmp_path / "report.png"
    dom = screenshot_report.render(report, png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert 'data-ready="1"' in dom  # the script ran to its end
    assert '<option value="factor:pull">pull (3)</option>' in dom  # filter options built by the script
    assert '<span class="lc" data-scheme="factor">4 sentences</span>' in dom  # legend counts
    assert "<script>alert(1)" not in dom.split("<script>(function")[0]


def test_counts_say_what_they_count(report):
    page = report.read_text(encoding="utf-8")
    # zh01: 6 coded sentences (title, abstract, body; not the reference), 4 with a label; en01: 4 and 3
    assert ("<b>2</b> documents (en 1 · zh 1) · <b>10</b> sentences coded (title, abstract, body) · "
            "<b>7</b> with at least one label") in page
    assert "6 sentences coded (title, abstract, body) · 4 with a label" in page
    assert "4 sentences coded (title, abstract, body) · 3 with a label" in page


def test_factor_stage_examples_show_their_text(report, docs):
    page = report.read_text(encoding="utf-8")
    troops = find(docs[0], "提供部队")
    assert (f'<li><a href="#{troops.id}" title="{troops.text}"><code>{troops.id}</code> {troops.text}</a></li>'
            in page.split('id="factor-stage"')[1].split("</section>")[0])


@pytest.mark.parametrize("text, cut", [("联合国" * 30, "联合国" * 12 + "…"), ("word " * 30, ("word " * 14).strip() + " wo…")])
def test_long_example_sentences_are_cut_by_width(text, cut):
    from pipeline.export.report import _snippet

    assert _snippet(text) == cut


def test_pairs_are_strongest_first_and_every_table_sorts(report):
    page = report.read_text(encoding="utf-8")
    pairs = page.split('id="pairs"')[1].split("</section>")[0]
    assert pairs.index("EU – UN") < pairs.index("AU – UN")  # high before low, whatever the alphabet
    assert "<b>2</b> pairs · <b>2</b> with a cooperation form · <b>1</b> of high intensity" in pairs
    assert page.count('class="heat pairs sortable"') == 1 and page.count('class="heat matrix sortable"') == 1
    assert '<th data-col="1" data-type="num"><button type="button">sentences</button></th>' in pairs


def test_extra_sections_come_before_the_documents_and_in_the_nav(tmp_path, docs):
    from pipeline.export.report import ReportSection

    path = tmp_path / "report.html"
    write_report(docs, compare(docs), path, sections=[ReportSection("network", "Network", "<svg></svg>")])
    page = path.read_text(encoding="utf-8")
    assert '<section id="network"><h2>Network</h2>\n<svg></svg></section>' in page
    assert page.index('id="pairs"') < page.index('id="network"') < page.index('id="documents"')
    assert '<a href="#network">Network</a>' in page


@pytest.mark.skipif(screenshot_report.find_browser() is None,
                    reason="no chromium/chromium-browser/google-chrome on PATH (apt-get install chromium)")
@pytest.mark.parametrize("width", [400, 1366])
def test_a_tap_shows_the_evidence_beside_the_sentence(tmp_path, report, width):
    """On a phone the evidence opens as a bottom sheet in view; on a wide screen in the side panel."""
    where = screenshot_report.tap(report, tmp_path / f"tap_{width}.png", '[id="zh01-0003"]', width=width,
                                  height=860)
    assert (tmp_path / f"tap_{width}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "factor: pull" in where["text"] and "依赖" in where["text"]
    top, bottom = where["detail"]
    assert 0 <= top < where["viewport"]  # wide: the sticky side panel
    if width == 400:
        assert bottom == where["viewport"] and where["tapped"][1] <= top  # the sheet leaves the sentence in view


@pytest.mark.skipif(screenshot_report.find_browser() is None,
                    reason="no chromium/chromium-browser/google-chrome on PATH (apt-get install chromium)")
def test_a_click_on_a_header_sorts_the_pairs(tmp_path, report):
    first = "Array.from(document.querySelectorAll('table.pairs tbody th')).map(function(t){return t.textContent})"
    before = screenshot_report.tap(report, tmp_path / "a.png", "h1", width=1366, probe=first)["probe"]
    after = screenshot_report.tap(report, tmp_path / "b.png", '#pairs th[data-col="0"] button', width=1366,
                                  probe=first)["probe"]
    assert before == ["EU – UN", "AU – UN"]  # strongest first
    assert after == ["AU – UN", "EU – UN"]  # by name, A to Z
